using Mesh.Policy.Routing;

namespace MeshConsole.Policies.Rollouts;

/// <summary>
/// Where a rollout acts in a route policy: the catch-all rule (the last one, when it has no match), whose
/// destinations it sets to the stable and canary subsets at the step's split. Rules with a match (a beta
/// group pinned to the canary, say) are left as they are.
/// </summary>
public static class RolloutWeights
{
    /// <summary>The index of the catch-all rule, or null when the last rule has a match.</summary>
    public static int? CatchAll(RoutePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return policy.Rules.Count > 0 && policy.Rules[^1].Match is null ? policy.Rules.Count - 1 : null;
    }

    /// <summary><paramref name="policy"/> with its catch-all sending <paramref name="canaryPercent"/> % to the canary and the rest to the stable subset.</summary>
    public static RoutePolicy With(RoutePolicy policy, string stable, string canary, int canaryPercent)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var at = CatchAll(policy) ?? throw new InvalidOperationException("the route policy has no catch-all rule");
        var destinations = new List<WeightedDestination>();
        // A subset at 0 % is left out: the rule reads as what it does.
        if (canaryPercent < 100)
            destinations.Add(new WeightedDestination { Subset = stable, Weight = 100 - canaryPercent });
        if (canaryPercent > 0)
            destinations.Add(new WeightedDestination { Subset = canary, Weight = canaryPercent });
        var rules = policy.Rules.ToList();
        rules[at] = rules[at] with { Destinations = destinations };
        return policy with { Rules = rules };
    }
}
