using Mesh.Policy.Routing;
using MeshConsole.Policies.Rollouts;

namespace MeshConsole.Tests.Policies.Rollouts;

public sealed class RolloutWeightsTests
{
    private static readonly RoutePolicy _policy = new()
    {
        Subsets = [new Subset { Name = "v1", Labels = new Dictionary<string, string> { ["version"] = "v1" } }, new Subset { Name = "v2", Labels = new Dictionary<string, string> { ["version"] = "v2" } }],
        Rules =
        [
            new RouteRule { Name = "beta", Match = new RouteMatch { PathPrefix = "/beta" }, Destinations = [new WeightedDestination { Subset = "v2", Weight = 100 }] },
            new RouteRule { Name = "rest", Destinations = [new WeightedDestination { Subset = "v1", Weight = 100 }] },
        ],
    };

    [Fact]
    public void With_Step_CatchAllSplit_OtherRulesUntouched()
    {
        var policy = RolloutWeights.With(_policy, "v1", "v2", 25);

        Assert.Same(_policy.Rules[0], policy.Rules[0]);
        Assert.Equal("rest", policy.Rules[1].Name);
        Assert.Equal([("v1", 75), ("v2", 25)], policy.Rules[1].Destinations.Select(d => (d.Subset, d.Weight)));
        Assert.Empty(RoutePolicyValidator.Validate(policy));
    }

    [Theory]
    [InlineData(0, "v1")]
    [InlineData(100, "v2")]
    public void With_AllToOneSide_TheOtherLeftOut(int percent, string only)
    {
        var policy = RolloutWeights.With(_policy, "v1", "v2", percent);

        var destination = Assert.Single(policy.Rules[1].Destinations);
        Assert.Equal((only, 100), (destination.Subset, destination.Weight));
    }

    [Fact]
    public void CatchAll_LastRuleHasAMatch_None()
    {
        var policy = _policy with { Rules = [_policy.Rules[0]] };

        Assert.Null(RolloutWeights.CatchAll(policy));
        Assert.Throws<InvalidOperationException>(() => RolloutWeights.With(policy, "v1", "v2", 5));
    }
}
