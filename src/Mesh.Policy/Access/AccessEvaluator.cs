namespace Mesh.Policy.Access;

/// <summary>A call to be judged: who calls which service with which method and path.</summary>
/// <param name="Source">The calling service, as proven by its identity.</param>
/// <param name="Destination">The called service.</param>
/// <param name="Method">HTTP method (gRPC calls are POST).</param>
/// <param name="Path">Request path (for gRPC, <c>/package.Service/Method</c>).</param>
public sealed record AccessRequest(string Source, string Destination, string Method, string Path);

/// <summary>The verdict on a call and the rule that gave it.</summary>
/// <param name="Action">Allow or deny.</param>
/// <param name="RuleIndex">Index of the deciding rule, or null when the default action decided.</param>
/// <param name="Explanation">Why, in words for the console's what-if check and the sidecar's log.</param>
public sealed record AccessDecision(AccessAction Action, int? RuleIndex, string Explanation);

/// <summary>
/// Evaluates an <see cref="AccessPolicy"/>. Of the rules that match a call, the most specific
/// decides. Specificity is compared field by field, in this order:
/// <list type="number">
/// <item>destination: a named service beats <c>*</c>;</item>
/// <item>source: a named service beats <c>*</c>;</item>
/// <item>path: a rule whose matching prefix is longer beats one with a shorter prefix, and any prefix beats none;</item>
/// <item>methods: a rule that lists methods beats one that covers any method.</item>
/// </list>
/// When the best matching rules are equally specific, deny beats allow. When no rule matches, the
/// policy's default action decides. The sidecar and the console's what-if check both call this.
/// </summary>
public static class AccessEvaluator
{
    /// <summary>The wildcard for source or destination.</summary>
    public const string Any = "*";

    /// <summary>
    /// The source of a caller without a verified identity (plaintext, or TLS without a workload
    /// certificate). It is no service name, so only rules with source <c>*</c> match it.
    /// </summary>
    public const string Unauthenticated = "(no identity)";

    /// <summary>Judges <paramref name="request"/> under <paramref name="policy"/>.</summary>
    public static AccessDecision Evaluate(AccessPolicy policy, AccessRequest request)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(request);

        int? best = null;
        var bestRank = default(Specificity);
        for (var i = 0; i < policy.Rules.Count; i++)
        {
            if (Rank(policy.Rules[i], request) is not { } rank)
                continue;

            var comparison = best is null ? 1 : rank.CompareTo(bestRank);
            var winsTie = comparison == 0 && policy.Rules[i].Action == AccessAction.Deny
                && policy.Rules[best!.Value].Action == AccessAction.Allow;
            if (comparison > 0 || winsTie)
            {
                best = i;
                bestRank = rank;
            }
        }

        if (best is not { } index)
        {
            return new AccessDecision(policy.DefaultAction, null,
                $"no rule matches {request.Source} → {request.Destination} {request.Method} {request.Path}; the default is {Word(policy.DefaultAction)}");
        }

        var rule = policy.Rules[index];
        return new AccessDecision(rule.Action, index,
            $"rules[{index}] ({rule.Source} → {rule.Destination}) is the most specific match and says {Word(rule.Action)}");
    }

    private static Specificity? Rank(AccessRule rule, AccessRequest request)
    {
        if (rule.Destination != Any && !string.Equals(rule.Destination, request.Destination, StringComparison.Ordinal))
            return null;
        if (rule.Source != Any && !string.Equals(rule.Source, request.Source, StringComparison.Ordinal))
            return null;
        if (rule.Methods.Count > 0 && !rule.Methods.Contains(request.Method, StringComparer.OrdinalIgnoreCase))
            return null;

        var prefixLength = 0;
        if (rule.PathPrefixes.Count > 0)
        {
            var longest = rule.PathPrefixes
                .Where(p => request.Path.StartsWith(p, StringComparison.Ordinal))
                .DefaultIfEmpty()
                .Max(p => p?.Length ?? -1);
            if (longest < 0)
                return null;
            // A prefix of "/" still counts as a path condition, above rules with none.
            prefixLength = longest + 1;
        }

        return new Specificity(
            rule.Destination != Any,
            rule.Source != Any,
            prefixLength,
            rule.Methods.Count > 0);
    }

    private static string Word(AccessAction action) => action == AccessAction.Allow ? "allow" : "deny";

    private readonly record struct Specificity(bool NamedDestination, bool NamedSource, int PathPrefixLength, bool ListsMethods)
        : IComparable<Specificity>
    {
        public int CompareTo(Specificity other)
        {
            var c = NamedDestination.CompareTo(other.NamedDestination);
            if (c == 0)
                c = NamedSource.CompareTo(other.NamedSource);
            if (c == 0)
                c = PathPrefixLength.CompareTo(other.PathPrefixLength);
            if (c == 0)
                c = ListsMethods.CompareTo(other.ListsMethods);
            return c;
        }
    }
}
