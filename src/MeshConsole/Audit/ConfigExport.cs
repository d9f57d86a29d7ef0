using System.Globalization;
using System.Text.Json.Nodes;
using Mesh.Policy.Documents;
using Mesh.Store;
using Mesh.Store.Entities;

namespace MeshConsole.Audit;

/// <summary>
/// The mesh's configuration, or one revision, as a tree people read and tools diff: the same shape in
/// JSON and YAML. Documents are canonical (maps sorted, empties left out), so two exports of the same
/// state are the same text, and an export says which revision it is the state of.
/// </summary>
public static class ConfigExport
{
    /// <summary>
    /// Every document at <see cref="ConfigSnapshot.Revision"/>:
    /// <c>{ revision, access, services: { name: { service, routes, resilience, faults } } }</c>.
    /// </summary>
    public static JsonObject Of(ConfigSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var root = new JsonObject { ["revision"] = snapshot.Revision };
        if (snapshot.Documents.SingleOrDefault(d => d.Kind == ConfigKind.Access) is { } access)
            root["access"] = Document(access.Kind, access.Spec);

        var services = new JsonObject();
        foreach (var group in snapshot.Documents.Where(d => d.Kind != ConfigKind.Access)
                     .GroupBy(d => d.Target, StringComparer.Ordinal)
                     .OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var service = new JsonObject();
            foreach (var document in group.OrderBy(d => d.Kind))
                service[document.Kind.Name()] = Document(document.Kind, document.Spec);
            services[group.Key] = service;
        }
        root["services"] = services;
        return root;
    }

    /// <summary>One revision with the documents before and after it (null for a create or a delete).</summary>
    public static JsonObject Of(ConfigRevision revision)
    {
        ArgumentNullException.ThrowIfNull(revision);
        return new JsonObject
        {
            ["number"] = revision.Number,
            ["at"] = revision.At.ToString("O", CultureInfo.InvariantCulture),
            ["actor"] = revision.Actor,
            ["kind"] = revision.Kind.Name(),
            ["target"] = revision.Target,
            ["action"] = revision.Action.ToString().ToLowerInvariant(),
            ["reason"] = revision.Reason,
            ["revertOf"] = revision.RevertOf,
            ["before"] = revision.Before is null ? null : Document(revision.Kind, revision.Before),
            ["after"] = revision.After is null ? null : Document(revision.Kind, revision.After),
        };
    }

    /// <summary>The file name a download of the export gets, e.g. <c>mesh-config-r42.yaml</c>.</summary>
    public static string FileName(string what, ExportFormat format) =>
        $"{what}.{(format == ExportFormat.Yaml ? "yaml" : "json")}";

    private static JsonNode Document(ConfigKind kind, string storedJson) =>
        JsonNode.Parse(ConfigDocuments.Canonical(kind, storedJson))!;
}
