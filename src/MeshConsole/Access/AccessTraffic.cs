using Mesh.Policy.Access;
using Mesh.Policy.Documents;
using Mesh.Store;
using MeshConsole.Telemetry.Aggregation;

namespace MeshConsole.Access;

/// <summary>
/// What the access page judges: the services of the mesh (the catalog, the sidecars' registry, the last
/// hour's telemetry and the names the rules use) and the edges seen in the last hour.
/// </summary>
public sealed class AccessTraffic(TopologyAggregator aggregator, IServiceScopeFactory scopes)
{
    /// <summary>How far back the impact of a draft looks: all the aggregator keeps in memory.</summary>
    public static readonly TimeSpan Window = AggregationWindows.OneHour;

    /// <summary>
    /// The pairs with calls in the last hour, protocols merged (a rule does not tell HTTP from gRPC). Calls
    /// from outside the mesh are judged as a caller without identity, as the callee's sidecar judges them;
    /// calls leaving the mesh are left out, as no sidecar of ours judges them.
    /// </summary>
    public IReadOnlyList<ObservedEdge> LastHour() =>
        [.. aggregator.Snapshot(Window).Edges
            .Where(e => e.Requests > 0 && e.Key.Destination != External.Name)
            .GroupBy(e => (Source: e.Key.Source == External.Name ? AccessEvaluator.Unauthenticated : e.Key.Source, e.Key.Destination))
            .Select(g => new ObservedEdge(g.Key.Source, g.Key.Destination, g.Sum(e => e.Requests)))];

    /// <summary>Every service the mesh knows of: declared, registered by a sidecar, or seen in the last hour's telemetry.</summary>
    public async Task<IReadOnlySet<string>> KnownServicesAsync(CancellationToken ct = default)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        await using (var scope = scopes.CreateAsyncScope())
        {
            var catalog = await scope.ServiceProvider.GetRequiredService<ConfigStore>().ListAsync(ConfigKind.Service, ct).ConfigureAwait(false);
            names.UnionWith(catalog.Select(o => o.Target));
            var instances = await scope.ServiceProvider.GetRequiredService<InstanceStore>().ListAsync(ct).ConfigureAwait(false);
            names.UnionWith(instances.Select(i => i.Service));
        }

        foreach (var edge in aggregator.Snapshot(Window).Edges)
            names.UnionWith([edge.Key.Source, edge.Key.Destination]);
        names.Remove(External.Name);
        return names;
    }

    /// <summary><paramref name="known"/> and the services <paramref name="policies"/> name, sorted: the matrix's rows and columns.</summary>
    public static IReadOnlyList<string> MatrixServices(IReadOnlySet<string> known, params AccessPolicy[] policies)
    {
        ArgumentNullException.ThrowIfNull(known);
        ArgumentNullException.ThrowIfNull(policies);
        var names = new SortedSet<string>(known, StringComparer.Ordinal);
        foreach (var rule in policies.SelectMany(p => p.Rules))
            names.UnionWith([rule.Source, rule.Destination]);
        names.ExceptWith([AccessEvaluator.Any, ""]);
        return [.. names];
    }
}
