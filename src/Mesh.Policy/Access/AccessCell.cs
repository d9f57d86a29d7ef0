namespace Mesh.Policy.Access;

/// <summary>What a policy does with the calls of one source to one destination.</summary>
public enum AccessCellState
{
    /// <summary>Every call is allowed, by a rule for some of them at least.</summary>
    Allow,

    /// <summary>Every call is denied, by a rule for some of them at least.</summary>
    Deny,

    /// <summary>No rule matches any call: the default action, allow, decides.</summary>
    DefaultAllow,

    /// <summary>No rule matches any call: the default action, deny, decides.</summary>
    DefaultDeny,

    /// <summary>Some calls are allowed and some denied, depending on their method or path.</summary>
    Partial,
}

/// <summary>One decision of a cell: a class of calls and what the policy says about it.</summary>
/// <param name="Call">The class of calls.</param>
/// <param name="Decision">The decision on its representative call.</param>
public sealed record CallOutcome(CallClass Call, AccessDecision Decision);

/// <summary>
/// One cell of the access matrix: the calls from <paramref name="Source"/> to <paramref name="Destination"/>,
/// the rules that can match them and the decision on every class of them.
/// </summary>
/// <param name="Source">The calling service.</param>
/// <param name="Destination">The called service.</param>
/// <param name="State">The verdict over all the pair's calls.</param>
/// <param name="Rules">Indexes of the rules that can match the pair, in the policy's order.</param>
/// <param name="Outcomes">The decision per class of calls.</param>
public sealed record AccessCell(
    string Source, string Destination, AccessCellState State, IReadOnlyList<int> Rules, IReadOnlyList<CallOutcome> Outcomes)
{
    /// <summary>The state in words, as the matrix writes it beside its colour.</summary>
    public string Word => State switch
    {
        AccessCellState.Allow => "allow",
        AccessCellState.Deny => "deny",
        AccessCellState.DefaultAllow => "default allow",
        AccessCellState.DefaultDeny => "default deny",
        _ => "partial",
    };

    /// <summary>Judges every class of the pair's calls under <paramref name="policy"/> with <see cref="AccessCheck"/>.</summary>
    public static AccessCell Of(AccessPolicy policy, string source, string destination)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var rules = Enumerable.Range(0, policy.Rules.Count)
            .Where(i => CallClass.Touches(policy.Rules[i], source, destination))
            .ToList();
        var outcomes = CallClass.Of(source, destination, policy)
            .Select(c => new CallOutcome(c, AccessCheck.Judge(policy, c.Request(source, destination))))
            .ToList();
        return new AccessCell(source, destination, StateOf(outcomes), rules, outcomes);
    }

    private static AccessCellState StateOf(List<CallOutcome> outcomes)
    {
        var action = outcomes[0].Decision.Action;
        if (outcomes.Any(o => o.Decision.Action != action))
            return AccessCellState.Partial;
        var byDefault = outcomes.All(o => o.Decision.RuleIndex is null);
        return (action, byDefault) switch
        {
            (AccessAction.Allow, true) => AccessCellState.DefaultAllow,
            (AccessAction.Deny, true) => AccessCellState.DefaultDeny,
            (AccessAction.Allow, false) => AccessCellState.Allow,
            _ => AccessCellState.Deny,
        };
    }
}
