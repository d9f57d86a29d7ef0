namespace Mesh.Policy.Access;

/// <summary>
/// Calls from one service to another that every rule of a policy treats alike: same method (or any
/// method no rule lists) and the same longest matching path prefix (or a path no rule's prefix covers).
/// The matrix and the impact judge one representative call per class.
/// </summary>
/// <param name="Method">The method, or null for every method no rule of the pair lists.</param>
/// <param name="PathPrefix">The longest matching prefix, or null for paths no rule's prefix covers.</param>
/// <param name="MethodsListed">True when some rule of the pair lists methods, so that null means the others.</param>
/// <param name="PathsListed">True when some rule of the pair lists path prefixes, so that null means the other paths.</param>
public sealed record CallClass(string? Method, string? PathPrefix, bool MethodsListed = false, bool PathsListed = false)
{
    /// <summary>The method of the representative call of "any other method": no rule can list it, as rules hold standard methods only.</summary>
    public const string OtherMethod = "(other)";

    /// <summary>The class in words: <c>POST /admin…</c>, <c>any other method, any path</c>, <c>any call</c>.</summary>
    public string Describe() => (Method, PathPrefix) switch
    {
        (null, null) when !MethodsListed && !PathsListed => "any call",
        _ => $"{Method ?? (MethodsListed ? "any other method" : "any method")} {(PathPrefix is null ? (PathsListed ? "any other path" : "any path") : PathPrefix + "…")}",
    };

    /// <summary>The representative call of this class from <paramref name="source"/> to <paramref name="destination"/>.</summary>
    public AccessRequest Request(string source, string destination) =>
        // "/" stands for the paths no prefix covers: every prefix starts with '/', so only the prefix "/" covers "/",
        // and when a rule has that prefix there is no such class.
        new(source, destination, Method ?? OtherMethod, PathPrefix ?? "/");

    /// <summary>
    /// Every class of calls from <paramref name="source"/> to <paramref name="destination"/> under the rules of
    /// <paramref name="policies"/> that can match the pair: each listed method and the other methods, times each
    /// listed prefix and the other paths. Two calls of one class match the same rules with the same specificity,
    /// so they get the same decision: judging one call per class judges them all.
    /// </summary>
    public static IReadOnlyList<CallClass> Of(string source, string destination, params AccessPolicy[] policies)
    {
        ArgumentNullException.ThrowIfNull(policies);
        var methods = new SortedSet<string>(StringComparer.OrdinalIgnoreCase);
        var prefixes = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var rule in policies.SelectMany(p => p.Rules).Where(r => Touches(r, source, destination)))
        {
            methods.UnionWith(rule.Methods);
            prefixes.UnionWith(rule.PathPrefixes);
        }

        IEnumerable<string?> methodClasses = [.. methods, null];
        IEnumerable<string?> pathClasses = prefixes.Contains("/") ? [.. prefixes] : [.. prefixes, null];
        return [.. pathClasses.SelectMany(path => methodClasses.Select(method => new CallClass(method, path, methods.Count > 0, prefixes.Count > 0)))];
    }

    /// <summary>True when <paramref name="rule"/> can match calls from <paramref name="source"/> to <paramref name="destination"/>.</summary>
    public static bool Touches(AccessRule rule, string source, string destination)
    {
        ArgumentNullException.ThrowIfNull(rule);
        return (rule.Source == AccessEvaluator.Any || string.Equals(rule.Source, source, StringComparison.Ordinal))
            && (rule.Destination == AccessEvaluator.Any || string.Equals(rule.Destination, destination, StringComparison.Ordinal));
    }
}
