using System.Security.Cryptography;
using System.Text.Json;
using Mesh.Policy.Documents;

namespace Mesh.Policy.Snapshots;

/// <summary>A stored document as the compiler needs it.</summary>
/// <param name="Kind">Its kind.</param>
/// <param name="Target">Its service, or <see cref="ConfigKinds.MeshTarget"/>.</param>
/// <param name="Json">Its stored JSON (canonicalised by the compiler).</param>
public sealed record SnapshotDocument(ConfigKind Kind, string Target, string Json);

/// <summary>
/// Turns the stored documents and the registry's instances into the snapshot sidecars receive.
/// Deterministic: the same inputs in any order give the same snapshot and hash.
/// </summary>
public static class SnapshotCompiler
{
    /// <summary>Compiles a snapshot; services are those declared plus those with registered instances.</summary>
    public static MeshSnapshot Compile(long revision, IReadOnlyList<SnapshotDocument> documents, IReadOnlyList<InstanceEndpoint> instances) =>
        Compile(revision, documents, instances, SnapshotIdentity.None);

    /// <summary>Compiles a snapshot that also carries the mesh's workload identity.</summary>
    public static MeshSnapshot Compile(
        long revision, IReadOnlyList<SnapshotDocument> documents, IReadOnlyList<InstanceEndpoint> instances, SnapshotIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(documents);
        ArgumentNullException.ThrowIfNull(instances);
        ArgumentNullException.ThrowIfNull(identity);

        var byKey = documents.ToDictionary(d => (d.Kind, d.Target), d => ConfigDocuments.Canonical(d.Kind, d.Json));
        var instancesByService = instances.ToLookup(i => i.Service, StringComparer.Ordinal);
        var names = documents.Where(d => d.Kind == ConfigKind.Service).Select(d => d.Target)
            .Concat(instances.Select(i => i.Service))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal);

        var services = names.Select(name => new ServiceSnapshot(
                name,
                byKey.GetValueOrDefault((ConfigKind.Routes, name)),
                byKey.GetValueOrDefault((ConfigKind.Resilience, name)),
                byKey.GetValueOrDefault((ConfigKind.Faults, name)),
                instancesByService[name].OrderBy(i => i.InstanceId, StringComparer.Ordinal).ToList())
        {
            GrpcServices = byKey.TryGetValue((ConfigKind.Service, name), out var spec)
                    ? [.. ConfigDocuments.Deserialize<Services.ServiceSpec>(spec).GrpcServices.Order(StringComparer.Ordinal)]
                    : [],
        })
            .ToList();
        var access = byKey.GetValueOrDefault((ConfigKind.Access, ConfigKinds.MeshTarget));
        return new MeshSnapshot(revision, Hash(services, access, identity), services, access) { Identity = identity };
    }

    private static string Hash(IReadOnlyList<ServiceSnapshot> services, string? access, SnapshotIdentity identity)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("access", access);
            writer.WriteStartArray("services");
            foreach (var service in services)
            {
                writer.WriteStartObject();
                writer.WriteString("name", service.Name);
                writer.WriteString("routes", service.RoutesJson);
                writer.WriteString("resilience", service.ResilienceJson);
                writer.WriteString("faults", service.FaultsJson);
                writer.WriteStartArray("grpc");
                foreach (var grpc in service.GrpcServices)
                    writer.WriteStringValue(grpc);
                writer.WriteEndArray();
                writer.WriteStartArray("endpoints");
                foreach (var endpoint in service.Endpoints)
                {
                    writer.WriteStartObject();
                    writer.WriteString("id", endpoint.InstanceId);
                    writer.WriteString("address", endpoint.Address);
                    writer.WriteNumber("port", endpoint.Port);
                    writer.WriteBoolean("healthy", endpoint.Healthy);
                    writer.WriteStartObject("labels");
                    foreach (var (key, value) in endpoint.Labels.OrderBy(l => l.Key, StringComparer.Ordinal))
                        writer.WriteString(key, value);
                    writer.WriteEndObject();
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            WriteIdentity(writer, identity);
            writer.WriteEndObject();
        }

        return Convert.ToHexStringLower(SHA256.HashData(buffer.ToArray()));
    }

    /// <summary>Written only when there is one, so a mesh without a CA hashes as it always did.</summary>
    private static void WriteIdentity(Utf8JsonWriter writer, SnapshotIdentity identity)
    {
        if (identity.TrustDomain.Length == 0 && identity.TrustAnchors.Count == 0 && identity.RevokedSerials.Count == 0)
            return;
        writer.WriteStartObject("identity");
        writer.WriteString("trustDomain", identity.TrustDomain);
        writer.WriteStartArray("anchors");
        foreach (var anchor in identity.TrustAnchors)
            writer.WriteBase64StringValue(anchor);
        writer.WriteEndArray();
        writer.WriteStartArray("revoked");
        foreach (var serial in identity.RevokedSerials)
            writer.WriteStringValue(serial);
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>Keeps <paramref name="previous"/> when <paramref name="next"/> has the same content, so nothing is resent.</summary>
    public static MeshSnapshot KeepIfUnchanged(MeshSnapshot previous, MeshSnapshot next)
    {
        ArgumentNullException.ThrowIfNull(previous);
        ArgumentNullException.ThrowIfNull(next);
        return string.Equals(previous.Hash, next.Hash, StringComparison.Ordinal) ? previous : next;
    }
}
