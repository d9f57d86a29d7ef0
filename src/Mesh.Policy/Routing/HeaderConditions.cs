using System.Text.RegularExpressions;
using Mesh.Policy.Validation;

namespace Mesh.Policy.Routing;

/// <summary>
/// Header conditions compiled for the hot path, shared by route rules and fault matches so a header
/// means the same in both: exact and prefix compare ordinally, a regex must match the whole value.
/// </summary>
public sealed class HeaderConditions
{
    private readonly KeyValuePair<string, StringMatch>[] _conditions;
    private readonly Dictionary<string, Regex> _patterns = new(StringComparer.Ordinal);

    /// <summary>Compiles validated conditions (names as keys).</summary>
    public HeaderConditions(IReadOnlyDictionary<string, StringMatch> conditions)
    {
        ArgumentNullException.ThrowIfNull(conditions);
        _conditions = [.. conditions];
        foreach (var condition in conditions.Values)
        {
            // The whole value must match, as Envoy's safe_regex does: "beta" does not match "not-beta".
            if (condition.Regex is { } pattern && !_patterns.ContainsKey(pattern))
                _patterns[pattern] = FieldRules.CompilePattern($"^(?:{pattern})$");
        }
    }

    /// <summary>True when every condition holds; a header that is absent fails its condition.</summary>
    /// <param name="header">Reads a request header by name; null when absent.</param>
    public bool Hold(Func<string, string?> header)
    {
        ArgumentNullException.ThrowIfNull(header);
        foreach (var (name, condition) in _conditions)
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
