namespace Mesh.Policy.Documents;

/// <summary>Names of the kinds as they appear in URLs, filters and revisions.</summary>
public static class ConfigKinds
{
    /// <summary>The target of mesh-wide documents such as the access policy.</summary>
    public const string MeshTarget = "mesh";

    /// <summary>Every kind, in the order a console lists them.</summary>
    public static IReadOnlyList<ConfigKind> All { get; } = Enum.GetValues<ConfigKind>();

    /// <summary>The lower-case word for a kind: <c>service</c>, <c>routes</c>, <c>resilience</c>, <c>faults</c>, <c>access</c>.</summary>
    public static string Name(this ConfigKind kind) => kind switch
    {
        ConfigKind.Service => "service",
        ConfigKind.Routes => "routes",
        ConfigKind.Resilience => "resilience",
        ConfigKind.Faults => "faults",
        ConfigKind.Access => "access",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>Reads a kind's word; false for anything else.</summary>
    public static bool TryParse(string? name, out ConfigKind kind)
    {
        foreach (var candidate in All)
        {
            if (string.Equals(candidate.Name(), name, StringComparison.Ordinal))
            {
                kind = candidate;
                return true;
            }
        }

        kind = default;
        return false;
    }

    /// <summary>True for the kinds that belong to one service and need it to exist.</summary>
    public static bool IsServicePolicy(this ConfigKind kind) =>
        kind is ConfigKind.Routes or ConfigKind.Resilience or ConfigKind.Faults;
}
