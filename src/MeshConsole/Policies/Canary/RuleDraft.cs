using Mesh.Policy.Routing;

namespace MeshConsole.Policies.Canary;

/// <summary>One route rule being edited: name, match (path prefix, methods, headers) and destinations whose weights stay at 100 together.</summary>
public sealed class RuleDraft
{
    /// <summary>The methods the editor offers, in the order shown.</summary>
    public static IReadOnlyList<string> KnownMethods { get; } = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"];

    public string? Name { get; set; }

    public string? PathPrefix { get; set; }

    public HashSet<string> Methods { get; } = new(StringComparer.Ordinal);

    public List<HeaderDraft> Headers { get; } = [];

    public List<DestinationDraft> Destinations { get; } = [];

    /// <summary>Carried through unchanged: the editor does not show it.</summary>
    public int? TimeoutMs { get; set; }

    /// <summary>True when the rule takes only some requests; a rule without a match takes all of them.</summary>
    public bool HasMatch => !string.IsNullOrEmpty(PathPrefix) || Methods.Count > 0 || Headers.Count > 0;

    public static RuleDraft From(RouteRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        var draft = new RuleDraft { Name = rule.Name, PathPrefix = rule.Match?.PathPrefix, TimeoutMs = rule.TimeoutMs };
        draft.Methods.UnionWith(rule.Match?.Methods ?? []);
        foreach (var (name, match) in rule.Match?.Headers ?? new Dictionary<string, StringMatch>())
        {
            draft.Headers.Add(match switch
            {
                { Prefix: { } prefix } => new HeaderDraft { Name = name, Comparison = HeaderComparison.Prefix, Value = prefix },
                { Regex: { } regex } => new HeaderDraft { Name = name, Comparison = HeaderComparison.Regex, Value = regex },
                _ => new HeaderDraft { Name = name, Comparison = HeaderComparison.Exact, Value = match.Exact ?? "" },
            });
        }

        draft.Destinations.AddRange(rule.Destinations.Select(d => new DestinationDraft { Subset = d.Subset, Weight = d.Weight }));
        return draft;
    }

    public RouteRule ToRule()
    {
        RouteMatch? match = null;
        if (HasMatch)
        {
            // A header named twice keeps its last condition, as a JSON object with a repeated key would.
            var headers = new Dictionary<string, StringMatch>(StringComparer.Ordinal);
            foreach (var header in Headers)
            {
                headers[header.Name.Trim()] = header.Comparison switch
                {
                    HeaderComparison.Prefix => new StringMatch { Prefix = header.Value },
                    HeaderComparison.Regex => new StringMatch { Regex = header.Value },
                    _ => new StringMatch { Exact = header.Value },
                };
            }

            match = new RouteMatch
            {
                PathPrefix = string.IsNullOrEmpty(PathPrefix) ? null : PathPrefix.Trim(),
                Methods = [.. KnownMethods.Where(Methods.Contains).Concat(Methods.Where(m => !KnownMethods.Contains(m)))],
                Headers = headers,
            };
        }

        return new RouteRule
        {
            Name = string.IsNullOrWhiteSpace(Name) ? null : Name.Trim(),
            TimeoutMs = TimeoutMs,
            Match = match,
            Destinations = [.. Destinations.Select(d => new WeightedDestination { Subset = d.Subset, Weight = d.Weight })],
        };
    }

    /// <summary>Sets one destination's weight; the others make up the rest of 100.</summary>
    public void SetWeight(int index, int weight) => Apply(WeightBalancer.Set([.. Destinations.Select(d => d.Weight)], index, weight));

    /// <summary>Adds a destination at 0 % (100 % when it is the first), to be given weight with its slider.</summary>
    public void AddDestination(string subset)
    {
        Destinations.Add(new DestinationDraft { Subset = subset });
        Apply(WeightBalancer.Normalize([.. Destinations.Select(d => d.Weight)]));
    }

    /// <summary>Removes a destination; the others take its weight in proportion.</summary>
    public void RemoveDestination(int index)
    {
        var weights = WeightBalancer.Remove([.. Destinations.Select(d => d.Weight)], index);
        Destinations.RemoveAt(index);
        Apply(weights);
    }

    public void ToggleMethod(string method)
    {
        if (!Methods.Remove(method))
            Methods.Add(method);
    }

    private void Apply(int[] weights)
    {
        for (var i = 0; i < weights.Length; i++)
            Destinations[i].Weight = weights[i];
    }
}
