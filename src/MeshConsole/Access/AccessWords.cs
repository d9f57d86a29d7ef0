using Mesh.Policy.Access;

namespace MeshConsole.Access;

/// <summary>How the access page writes a policy's parts.</summary>
internal static class AccessWords
{
    public static string Of(AccessAction action) => action == AccessAction.Allow ? "allow" : "deny";

    public static string Methods(AccessRule rule) => rule.Methods.Count == 0 ? "any" : string.Join(", ", rule.Methods);

    public static string Paths(AccessRule rule) => rule.PathPrefixes.Count == 0 ? "any" : string.Join(", ", rule.PathPrefixes);

    /// <summary>What decided: <c>rules[2]</c>, <c>strict mTLS</c> or <c>the default</c>.</summary>
    public static string DecidedBy(AccessDecision decision) =>
        decision.RuleIndex is { } index ? $"rules[{index}]"
        : decision.Explanation.StartsWith(AccessCheck.StrictMtlsRequired, StringComparison.Ordinal) ? "strict mTLS (a caller without identity)"
        : "the default";

    /// <summary>A comma- or space-separated list as typed into a form, without blanks.</summary>
    public static IReadOnlyList<string> List(string? text) =>
        [.. (text ?? "").Split([',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
}
