using System.Text.RegularExpressions;
using Mesh.Policy.Validation;

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
    private readonly Dictionary<string, Regex> _patterns = new(StringComparer.Ordinal);

    /// <summary>Compiles a policy that passed <see cref="RoutePolicyValidator"/>.</summary>
    public CompiledRoutePolicy(RoutePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        _policy = policy;
        _subsets = policy.Subsets.ToDictionary(s => s.Name, s => s.Labels, StringComparer.Ordinal);
        foreach (var header in policy.Rules.Select(r => r.Match).OfType<RouteMatch>().SelectMany(m => m.Headers.Values))
        {
            // The whole value must match, as Envoy's safe_regex does: "beta" does not match "not-beta".
            if (header.Regex is { } pattern && !_patterns.ContainsKey(pattern))
                _patterns[pattern] = FieldRules.CompilePattern($"^(?:{pattern})$");
        }
    }

    /// <summary>The policy this was compiled from.</summary>
    public RoutePolicy Policy => _policy;

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
            if (rule.Match is { } match && !Matches(match, method, path, header))
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

    private bool Matches(RouteMatch match, string method, string path, Func<string, string?> header)
    {
        if (match.Methods.Count > 0 && !match.Methods.Contains(method, StringComparer.OrdinalIgnoreCase))
            return false;
        if (match.PathPrefix is { } prefix && !path.StartsWith(prefix, StringComparison.Ordinal))
            return false;
        foreach (var (name, condition) in match.Headers)
        {
            if (header(name) is not { } value || !Holds(condition, value))
                return false;
        }

        return true;
    }

    private bool Holds(StringMatch condition, string value)
    {
        if (condition.Exact is { } exact)
            return string.Equals(value, exact, StringComparison.Ordinal);
        if (condition.Prefix is { } prefix)
            return value.StartsWith(prefix, StringComparison.Ordinal);
        try
        {
            return _patterns[condition.Regex!].IsMatch(value);
        }
        catch (RegexMatchTimeoutException)
        {
            // A pathological value must not stall the proxy: it simply does not match.
            return false;
        }
    }
}
