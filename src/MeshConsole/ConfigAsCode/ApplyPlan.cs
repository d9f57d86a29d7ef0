using System.Text.Json;
using System.Text.Json.Nodes;
using Mesh.Policy.Documents;
using Mesh.Policy.Validation;
using Mesh.Store;
using Mesh.Store.Entities;
using MeshConsole.Audit;

namespace MeshConsole.ConfigAsCode;

/// <summary>What applying a file does to one document.</summary>
public enum ApplyAction
{
    Unchanged,
    Create,
    Update,
    Delete,
}

/// <summary>One document of the plan: what the file wants against what the store holds.</summary>
/// <param name="Kind">The document's kind.</param>
/// <param name="Target">The service, or <c>mesh</c> for the access policy.</param>
/// <param name="Action">What applying does to it.</param>
/// <param name="Current">The stored document; null when there is none.</param>
/// <param name="Document">The document the file asks for; null for a delete or when unchanged.</param>
/// <param name="Diff">The stored document against the file's, over indented canonical JSON or YAML; empty when unchanged.</param>
public sealed record PlannedChange(
    ConfigKind Kind, string Target, ApplyAction Action, ConfigObject? Current, ConfigDocument? Document, IReadOnlyList<DiffLine> Diff);

/// <summary>
/// Plans applying a configuration file of the export's shape (<see cref="ConfigExport"/>) to the store:
/// <c>{ revision, access, services: { name: { service, routes, resilience, faults } } }</c>. A document the file
/// leaves out is left alone and an explicit null deletes it (a service set to null deletes it with its
/// policies); with <c>prune</c> the file is the whole configuration and what it leaves out is deleted. A
/// document that reads the same as the stored one is unchanged, so re-applying an export writes nothing.
/// </summary>
public static class ApplyPlan
{
    private const string Root = "config";

    /// <summary>The top-level fields of the file.</summary>
    public static readonly IReadOnlyList<string> FileFields = ["revision", "access", "services"];

    /// <summary>
    /// The changes in the order they must be written (services before their policies, policies' deletes before
    /// their service's), every stored document the file mentions included, unchanged or not; or the errors, each
    /// naming its field from <c>config</c> down, e.g. <c>config.services.orders.routes.rules[0].destinations</c>.
    /// </summary>
    public static (IReadOnlyList<PlannedChange> Changes, IReadOnlyList<ValidationError> Errors) Make(
        JsonNode? config, IReadOnlyList<ConfigObject> stored, bool prune, ConfigDocuments documents, ExportFormat diffFormat = ExportFormat.Json)
    {
        ArgumentNullException.ThrowIfNull(stored);
        ArgumentNullException.ThrowIfNull(documents);
        var errors = new List<ValidationError>();
        if (config is not JsonObject file)
        {
            errors.Add(new ValidationError(Root, "required: an object with access and services, as GET /api/config/export gives"));
            return ([], errors);
        }

        var current = stored.ToDictionary(o => (o.Kind, o.Target));
        var wanted = new Dictionary<(ConfigKind Kind, string Target), JsonObject?>();
        var deletedServices = new HashSet<string>(StringComparer.Ordinal);
        ReadFile(file, wanted, deletedServices, errors);
        if (errors.Count > 0)
            return ([], errors);

        foreach (var key in current.Keys.Where(k => deletedServices.Contains(k.Target) || (prune && !wanted.ContainsKey(k))))
            wanted.TryAdd(key, null);

        var changes = new List<PlannedChange>();
        foreach (var ((kind, target), json) in wanted)
        {
            var path = PathOf(kind, target);
            var existing = current.GetValueOrDefault((kind, target));
            if (json is null)
            {
                if (existing is not null)
                    changes.Add(new PlannedChange(kind, target, ApplyAction.Delete, existing, null, Diff(kind, existing.Spec, null, diffFormat)));
                continue;
            }

            var read = documents.Read(kind, json);
            if (read.Document is not { } document)
            {
                // A stored document the file repeats is unchanged even when it would no longer pass authoring
                // checks (a fault whose expiry has passed): re-applying an export is a no-op.
                if (existing is not null && SameAsStored(kind, json, existing))
                    changes.Add(new PlannedChange(kind, target, ApplyAction.Unchanged, existing, null, []));
                else
                    errors.AddRange(read.Errors.Select(e => new ValidationError(e.Field.Length == 0 ? path : $"{path}.{e.Field}", e.Reason)));
                continue;
            }

            var action = existing is null ? ApplyAction.Create
                : ConfigDocuments.Canonical(kind, existing.Spec) == document.Json ? ApplyAction.Unchanged
                : ApplyAction.Update;
            changes.Add(new PlannedChange(
                kind, target, action, existing, action == ApplyAction.Unchanged ? null : document,
                action == ApplyAction.Unchanged ? [] : Diff(kind, existing?.Spec, document.Json, diffFormat)));
        }

        errors.AddRange(ServiceErrors(changes, current));
        return errors.Count > 0 ? ([], errors) : (Ordered(changes), errors);
    }

    /// <summary>The store changes of a plan, each expecting the version the plan read.</summary>
    public static IReadOnlyList<ConfigChange> StoreChanges(IEnumerable<PlannedChange> plan) =>
        [.. plan.Where(c => c.Action != ApplyAction.Unchanged)
            .Select(c => new ConfigChange(c.Kind, c.Target, c.Document, c.Current?.Version ?? 0))];

    /// <summary>Where a document sits in the file, e.g. <c>config.services.orders.routes</c> or <c>config.access</c>.</summary>
    public static string PathOf(ConfigKind kind, string target) =>
        kind == ConfigKind.Access ? $"{Root}.access" : $"{Root}.services.{target}.{kind.Name()}";

    private static void ReadFile(
        JsonObject file, Dictionary<(ConfigKind, string), JsonObject?> wanted, HashSet<string> deletedServices, List<ValidationError> errors)
    {
        foreach (var (field, value) in file)
        {
            switch (field)
            {
                case "revision":
                    if (value is not JsonValue revision || !revision.TryGetValue<long>(out var number) || number < 0)
                        errors.Add(new ValidationError($"{Root}.revision", "must be a revision number (it is informational: applying never checks it)"));
                    break;
                case "access":
                    if (Document(value, $"{Root}.access", errors, out var access))
                        wanted[(ConfigKind.Access, ConfigKinds.MeshTarget)] = access;
                    break;
                case "services":
                    ReadServices(value, wanted, deletedServices, errors);
                    break;
                default:
                    errors.Add(new ValidationError($"{Root}.{field}", $"unknown field: a file has {string.Join(", ", FileFields)}"));
                    break;
            }
        }
    }

    private static void ReadServices(
        JsonNode? value, Dictionary<(ConfigKind, string), JsonObject?> wanted, HashSet<string> deletedServices, List<ValidationError> errors)
    {
        if (value is not JsonObject services)
        {
            errors.Add(new ValidationError($"{Root}.services", "must be an object of services by name"));
            return;
        }

        foreach (var (name, entry) in services)
        {
            var path = $"{Root}.services.{name}";
            if (FieldRules.DnsLabel(name) is { } nameError)
            {
                errors.Add(new ValidationError(path, $"not a service name: {nameError}"));
                continue;
            }

            if (entry is null)
            {
                deletedServices.Add(name);
                continue;
            }

            if (entry is not JsonObject kinds)
            {
                errors.Add(new ValidationError(path, "must be an object of documents (service, routes, resilience, faults), or null to delete the service with its policies"));
                continue;
            }

            foreach (var (kindName, document) in kinds)
            {
                if (!ConfigKinds.TryParse(kindName, out var kind) || kind == ConfigKind.Access)
                {
                    errors.Add(new ValidationError($"{path}.{kindName}", "unknown document: a service has service, routes, resilience and faults"));
                    continue;
                }

                if (Document(document, $"{path}.{kindName}", errors, out var json))
                    wanted[(kind, name)] = json;
            }
        }
    }

    private static bool Document(JsonNode? value, string path, List<ValidationError> errors, out JsonObject? document)
    {
        document = value as JsonObject;
        if (value is null || document is not null)
            return true;
        errors.Add(new ValidationError(path, "must be a document (an object), or null to delete it"));
        return false;
    }

    /// <summary>Policies need their service: kept or created by the file, never deleted from under them.</summary>
    private static IEnumerable<ValidationError> ServiceErrors(List<PlannedChange> changes, Dictionary<(ConfigKind, string), ConfigObject> current)
    {
        var byKey = changes.ToDictionary(c => (c.Kind, c.Target));
        bool ServiceAfter(string target) => byKey.TryGetValue((ConfigKind.Service, target), out var service)
            ? service.Action != ApplyAction.Delete
            : current.ContainsKey((ConfigKind.Service, target));

        foreach (var change in changes.Where(c => c.Kind.IsServicePolicy() && c.Action is ApplyAction.Create or ApplyAction.Update))
        {
            if (!ServiceAfter(change.Target))
                yield return new ValidationError(PathOf(change.Kind, change.Target), $"service {change.Target} does not exist: declare it in {PathOf(ConfigKind.Service, change.Target)}");
        }

        foreach (var change in changes.Where(c => c.Kind == ConfigKind.Service && c.Action == ApplyAction.Delete))
        {
            var kept = current.Keys
                .Where(k => k.Item2 == change.Target && k.Item1 != ConfigKind.Service
                            && !(byKey.TryGetValue(k, out var policy) && policy.Action == ApplyAction.Delete))
                .Select(k => k.Item1.Name()).Order(StringComparer.Ordinal).ToList();
            if (kept.Count > 0)
                yield return new ValidationError(PathOf(ConfigKind.Service, change.Target), $"service {change.Target} still has {string.Join(", ", kept)} policies the file keeps: delete them too, or set services.{change.Target} to null");
        }
    }

    /// <summary>Services first, then the access policy and the service policies, then the services' deletes.</summary>
    private static List<PlannedChange> Ordered(List<PlannedChange> changes) =>
        [.. changes.OrderBy(c => c.Kind == ConfigKind.Service ? (c.Action == ApplyAction.Delete ? 2 : 0) : 1)
            .ThenBy(c => c.Target, StringComparer.Ordinal).ThenBy(c => c.Kind)];

    private static bool SameAsStored(ConfigKind kind, JsonObject json, ConfigObject stored)
    {
        try
        {
            return ConfigDocuments.Canonical(kind, json.ToJsonString()) == ConfigDocuments.Canonical(kind, stored.Spec);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>In YAML the diff reads like the file the operator edits (the export's writer, same keys in the same order).</summary>
    private static IReadOnlyList<DiffLine> Diff(ConfigKind kind, string? before, string? after, ExportFormat format)
    {
        return RevisionDiff.Lines(Text(before), Text(after));

        string Text(string? json) => json is null ? ""
            : format == ExportFormat.Yaml ? ExportWriter.Write(JsonNode.Parse(ConfigDocuments.Canonical(kind, json))!, format).TrimEnd('\n')
            : ConfigDocuments.Pretty(kind, json);
    }
}
