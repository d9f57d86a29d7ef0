namespace Mesh.Policy.Access;

/// <summary>Calls seen from one service to another, without their methods or paths (telemetry's edges record neither).</summary>
/// <param name="Source">The caller, or <see cref="AccessEvaluator.Unauthenticated"/> for callers from outside the mesh.</param>
/// <param name="Destination">The callee.</param>
/// <param name="Requests">Calls seen.</param>
public sealed record ObservedEdge(string Source, string Destination, long Requests);

/// <summary>How much of an edge's traffic a new policy cuts.</summary>
public enum CutExtent
{
    /// <summary>Every call the current policy lets through would be denied.</summary>
    All,

    /// <summary>Only calls of some methods or paths would be denied; the edge does not say whether its calls were of them.</summary>
    Some,
}

/// <summary>A class of calls the current policy allows and a new one denies.</summary>
/// <param name="Call">The class of calls.</param>
/// <param name="Before">The current policy's decision (an allow).</param>
/// <param name="After">The new policy's decision (a deny).</param>
public sealed record CutCalls(CallClass Call, AccessDecision Before, AccessDecision After);

/// <summary>An observed edge a new policy would cut, wholly or in part.</summary>
/// <param name="Edge">The edge as telemetry saw it.</param>
/// <param name="Extent">Whether all its allowed calls are cut or only some classes of them.</param>
/// <param name="Cut">The classes of calls that would be denied from now on.</param>
public sealed record EdgeImpact(ObservedEdge Edge, CutExtent Extent, IReadOnlyList<CutCalls> Cut);

/// <summary>What switching from one access policy to another does to the traffic seen.</summary>
public static class AccessImpact
{
    /// <summary>
    /// The edges of <paramref name="edges"/> that <paramref name="draft"/> would cut: some class of their calls
    /// that <paramref name="current"/> allows, <paramref name="draft"/> denies. Both are judged with
    /// <see cref="AccessCheck"/> over the classes of calls either policy tells apart. Busiest edges first.
    /// </summary>
    public static IReadOnlyList<EdgeImpact> Of(AccessPolicy current, AccessPolicy draft, IEnumerable<ObservedEdge> edges)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(draft);
        ArgumentNullException.ThrowIfNull(edges);
        var impacts = new List<EdgeImpact>();
        foreach (var edge in edges)
        {
            var allowedBefore = 0;
            var cut = new List<CutCalls>();
            foreach (var call in CallClass.Of(edge.Source, edge.Destination, current, draft))
            {
                var request = call.Request(edge.Source, edge.Destination);
                var before = AccessCheck.Judge(current, request);
                if (before.Action != AccessAction.Allow)
                    continue;
                allowedBefore++;
                var after = AccessCheck.Judge(draft, request);
                if (after.Action == AccessAction.Deny)
                    cut.Add(new CutCalls(call, before, after));
            }

            if (cut.Count > 0)
                impacts.Add(new EdgeImpact(edge, cut.Count == allowedBefore ? CutExtent.All : CutExtent.Some, cut));
        }

        return [.. impacts
            .OrderByDescending(i => i.Edge.Requests)
            .ThenBy(i => i.Edge.Source, StringComparer.Ordinal)
            .ThenBy(i => i.Edge.Destination, StringComparer.Ordinal)];
    }
}
