namespace Mesh.Policy.Routing;

/// <summary>The subset a request goes to, and the rule that sent it there.</summary>
/// <param name="RuleIndex">Index of the matching rule.</param>
/// <param name="Subset">The subset picked by weight.</param>
/// <param name="Labels">The subset's label selector.</param>
public sealed record SubsetChoice(int RuleIndex, string Subset, IReadOnlyDictionary<string, string> Labels);

/// <summary>
/// A validated <see cref="RoutePolicy"/> ready for the hot path: regexes compiled once, rules tried in
/// order, the destination picked by weight from a roll the caller supplies (so tests can fix it).
/// </summary>
public sealed class CompiledRoutePolicy
{
    private readonly RoutePolicy _policy;
    private readonly Dictionary<string, IReadOnlyDictionary<string, string>> _subsets;
    private readonly HeaderConditions?[] _headers;

    /// <summary>Compiles a policy that passed <see cref="RoutePolicyValidator"/>.</summary>
    public CompiledRoutePolicy(RoutePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        _policy = policy;
        _subsets = policy.Subsets.ToDictionary(s => s.Name, s => s.Labels, StringComparer.Ordinal);
        _headers = [.. policy.Rules.Select(r => r.Match is { Headers.Count: > 0 } m ? new HeaderConditions(m.Headers) : null)];
    }

    /// <summary>The policy this was compiled from.</summary>
    public RoutePolicy Policy => _policy;

    /// <summary>The label selector of a subset, or null when the policy has no such subset.</summary>
    public IReadOnlyDictionary<string, string>? SubsetLabels(string subset) => _subsets.GetValueOrDefault(subset);

    /// <summary>
    /// Picks the subset for a request: the first rule whose match holds, then a destination by
    /// weight. Null when no rule matches (the request may go to any instance).
    /// </summary>
    /// <param name="method">The HTTP method.</param>
    /// <param name="path">The request path.</param>
    /// <param name="header">Reads a request header by name; null when absent.</param>
    /// <param name="roll">A number in [0, 100) that picks among the weights.</param>
    public SubsetChoice? Select(string method, string path, Func<string, string?> header, int roll)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentOutOfRangeException.ThrowIfNegative(roll);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(roll, 100);

        for (var i = 0; i < _policy.Rules.Count; i++)
        {
            var rule = _policy.Rules[i];
            if (rule.Match is { } match && !Matches(match, _headers[i], method, path, header))
                continue;

            var threshold = 0;
            foreach (var destination in rule.Destinations)
            {
                threshold += destination.Weight;
                if (roll < threshold)
                    return new SubsetChoice(i, destination.Subset, _subsets[destination.Subset]);
            }
        }

        return null;
    }

    private static bool Matches(RouteMatch match, HeaderConditions? headers, string method, string path, Func<string, string?> header)
    {
        if (match.Methods.Count > 0 && !match.Methods.Contains(method, StringComparer.OrdinalIgnoreCase))
            return false;
        if (match.PathPrefix is { } prefix && !path.StartsWith(prefix, StringComparison.Ordinal))
            return false;
        return headers is null || headers.Hold(header);
    }
}
