namespace Mesh.Policy.Routing;

/// <summary>
/// How calls to one destination service are split over its subsets: rules are tried in order and
/// the first whose match fits the request picks the weighted destinations.
/// </summary>
public sealed record RoutePolicy
{
    /// <summary>Named groups of the service's instances, chosen by instance labels.</summary>
    public IReadOnlyList<Subset> Subsets { get; init; } = [];

    /// <summary>Ordered rules; a request that matches none goes to every instance.</summary>
    public IReadOnlyList<RouteRule> Rules { get; init; } = [];

    /// <summary>Dark traffic: a share of requests copied to a subset, the copy's response discarded.</summary>
    public Mirror? Mirror { get; init; }
}

/// <summary>A named group of instances whose labels include every pair of <see cref="Labels"/>.</summary>
public sealed record Subset
{
    /// <summary>DNS label naming the subset, e.g. <c>v2</c>.</summary>
    public string Name { get; init; } = "";

    /// <summary>Label selector, e.g. <c>version=v2</c>.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();
}

/// <summary>One routing rule: an optional match and the weighted subsets it sends traffic to.</summary>
public sealed record RouteRule
{
    /// <summary>Optional DNS label shown in metrics and the console.</summary>
    public string? Name { get; init; }

    /// <summary>Whole-call timeout for requests this rule takes, in ms; overrides the service's resilience <c>timeoutMs</c>.</summary>
    public int? TimeoutMs { get; init; }

    /// <summary>What a request must look like for this rule; absent matches every request.</summary>
    public RouteMatch? Match { get; init; }

    /// <summary>Subsets and their integer weights, which sum to 100.</summary>
    public IReadOnlyList<WeightedDestination> Destinations { get; init; } = [];
}

/// <summary>Conditions that must all hold for a request to match a rule.</summary>
public sealed record RouteMatch
{
    /// <summary>Header name to condition; every entry must hold.</summary>
    public IReadOnlyDictionary<string, StringMatch> Headers { get; init; } = new Dictionary<string, StringMatch>();

    /// <summary>The request path must start with this, e.g. <c>/api/</c>.</summary>
    public string? PathPrefix { get; init; }

    /// <summary>The request method must be one of these; empty means any.</summary>
    public IReadOnlyList<string> Methods { get; init; } = [];
}

/// <summary>A string condition: exactly one of exact, prefix or regex is set.</summary>
public sealed record StringMatch
{
    /// <summary>The value equals this, case-sensitively.</summary>
    public string? Exact { get; init; }

    /// <summary>The value starts with this, case-sensitively.</summary>
    public string? Prefix { get; init; }

    /// <summary>The whole value matches this pattern (RE2-like: no backreferences or lookarounds).</summary>
    public string? Regex { get; init; }
}

/// <summary>A subset and the share of the rule's traffic it receives.</summary>
public sealed record WeightedDestination
{
    /// <summary>Name of a subset declared in the policy.</summary>
    public string Subset { get; init; } = "";

    /// <summary>Integer share, 0–100; the weights of a rule sum to 100.</summary>
    public int Weight { get; init; }
}

/// <summary>Copies a share of requests to a subset; the caller never waits for the copy.</summary>
public sealed record Mirror
{
    /// <summary>Name of a subset declared in the policy.</summary>
    public string Subset { get; init; } = "";

    /// <summary>Share of requests copied, above 0 and at most 100.</summary>
    public double Percent { get; init; }
}
