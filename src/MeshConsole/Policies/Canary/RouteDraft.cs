using Mesh.Policy.Routing;
using Mesh.Policy.Validation;

namespace MeshConsole.Policies.Canary;

/// <summary>
/// A route policy as the editor changes it: subsets, rules in order, each rule's match and weighted
/// destinations. It turns back into a <see cref="RoutePolicy"/> for the preview and the save; the
/// server validates that, so the draft checks only what it parses itself (a subset's label text).
/// What the editor does not show (the mirror, a rule's timeout) is carried through unchanged.
/// </summary>
public sealed class RouteDraft
{
    public List<SubsetDraft> Subsets { get; } = [];

    public List<RuleDraft> Rules { get; } = [];

    public Mirror? Mirror { get; private set; }

    public static RouteDraft From(RoutePolicy? policy)
    {
        var draft = new RouteDraft { Mirror = policy?.Mirror };
        foreach (var subset in policy?.Subsets ?? [])
            draft.Subsets.Add(new SubsetDraft { Name = subset.Name, Labels = SubsetDraft.Format(subset.Labels) });
        foreach (var rule in policy?.Rules ?? [])
            draft.Rules.Add(RuleDraft.From(rule));
        return draft;
    }

    /// <summary>The policy drafted, and what could not be read from the draft's text fields (paths as the server names them).</summary>
    public (RoutePolicy Policy, IReadOnlyList<ValidationError> Errors) ToPolicy()
    {
        var errors = new List<ValidationError>();
        var subsets = new List<Subset>();
        for (var i = 0; i < Subsets.Count; i++)
        {
            var (labels, error) = SubsetDraft.Parse(Subsets[i].Labels);
            if (error is not null)
                errors.Add(new ValidationError($"subsets[{i}].labels", error));
            subsets.Add(new Subset { Name = Subsets[i].Name.Trim(), Labels = labels });
        }

        var policy = new RoutePolicy { Subsets = subsets, Rules = [.. Rules.Select(r => r.ToRule())], Mirror = Mirror };
        return (policy, errors);
    }

    /// <summary>Adds the proposed subset, and to a policy with no rule yet a catch-all rule sending it everything.</summary>
    public void AddSubset(SubsetProposal proposal)
    {
        ArgumentNullException.ThrowIfNull(proposal);
        Subsets.Add(new SubsetDraft { Name = proposal.Name, Labels = $"{proposal.LabelKey}={proposal.LabelValue}" });
        if (Rules.Count == 0)
            Rules.Add(new RuleDraft { Destinations = { new DestinationDraft { Subset = proposal.Name, Weight = WeightBalancer.Total } } });
    }

    /// <summary>Removes a subset and every destination that sent traffic to it, the others taking its weight.</summary>
    public void RemoveSubset(int index)
    {
        var name = Subsets[index].Name;
        Subsets.RemoveAt(index);
        foreach (var rule in Rules)
        {
            for (var d = rule.Destinations.Count - 1; d >= 0; d--)
            {
                if (rule.Destinations[d].Subset == name)
                    rule.RemoveDestination(d);
            }
        }
    }

    /// <summary>
    /// A new rule sending everything to the first subset. It goes before a trailing catch-all rule (one
    /// with no match), which would otherwise take every request first and leave it unreachable.
    /// </summary>
    public RuleDraft AddRule()
    {
        var rule = new RuleDraft { PathPrefix = "/" };
        if (Subsets.Count > 0)
            rule.Destinations.Add(new DestinationDraft { Subset = Subsets[0].Name, Weight = WeightBalancer.Total });
        var at = Rules.Count > 0 && !Rules[^1].HasMatch ? Rules.Count - 1 : Rules.Count;
        Rules.Insert(at, rule);
        return rule;
    }

    /// <summary>Moves rule <paramref name="index"/> one place up (<paramref name="by"/> = -1) or down (+1); nothing at the ends.</summary>
    public void MoveRule(int index, int by)
    {
        var to = index + by;
        if (index < 0 || index >= Rules.Count || to < 0 || to >= Rules.Count)
            return;
        (Rules[index], Rules[to]) = (Rules[to], Rules[index]);
    }

    /// <summary>
    /// The weights of the last rule when it has no match (the catch-all most calls take), by subset: what
    /// the observed split is compared with. Null when every rule has a match.
    /// </summary>
    public IReadOnlyDictionary<string, int>? DesiredSplit() =>
        Rules.Count > 0 && !Rules[^1].HasMatch
            ? Rules[^1].Destinations.GroupBy(d => d.Subset, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Sum(d => d.Weight), StringComparer.Ordinal)
            : null;
}

/// <summary>A subset being edited: its name and its label selector as text (<c>version=v2, tier=gold</c>).</summary>
public sealed class SubsetDraft
{
    public string Name { get; set; } = "";

    public string Labels { get; set; } = "";

    public static string Format(IReadOnlyDictionary<string, string> labels) =>
        string.Join(", ", labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}"));

    /// <summary>The selector in <paramref name="text"/>, or why it cannot be read.</summary>
    public static (Dictionary<string, string> Labels, string? Error) Parse(string? text)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in (text ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
                return (labels, $"\"{part}\" is not key=value");
            var key = part[..equals].Trim();
            if (!labels.TryAdd(key, part[(equals + 1)..].Trim()))
                return (labels, $"\"{key}\" is given twice");
        }

        return (labels, null);
    }
}

/// <summary>How a header condition compares: the value equals, starts with, or wholly matches a pattern.</summary>
public enum HeaderComparison
{
    Exact,
    Prefix,
    Regex,
}

/// <summary>A header condition being edited.</summary>
public sealed class HeaderDraft
{
    public string Name { get; set; } = "";

    public HeaderComparison Comparison { get; set; }

    public string Value { get; set; } = "";
}

/// <summary>A weighted destination being edited.</summary>
public sealed class DestinationDraft
{
    public string Subset { get; set; } = "";

    public int Weight { get; set; }
}
