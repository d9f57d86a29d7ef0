using Mesh.Policy.Routing;
using MeshConsole.Policies.Canary;

namespace MeshConsole.Tests.Policies.Canary;

public sealed class RouteDraftTests
{
    private static readonly RoutePolicy _canary = new()
    {
        Subsets = [new Subset { Name = "v1", Labels = new Dictionary<string, string> { ["version"] = "v1" } }, new Subset { Name = "v2", Labels = new Dictionary<string, string> { ["version"] = "v2" } }],
        Rules =
        [
            new RouteRule
            {
                Name = "beta",
                TimeoutMs = 800,
                Match = new RouteMatch { Headers = new Dictionary<string, StringMatch> { ["x-group"] = new() { Prefix = "beta" } }, Methods = ["GET"], PathPrefix = "/api/" },
                Destinations = [new WeightedDestination { Subset = "v2", Weight = 100 }],
            },
            new RouteRule { Destinations = [new WeightedDestination { Subset = "v1", Weight = 90 }, new WeightedDestination { Subset = "v2", Weight = 10 }] },
        ],
        Mirror = new Mirror { Subset = "v2", Percent = 5 },
    };

    [Fact]
    public void FromThenToPolicy_Unedited_SamePolicy()
    {
        var (policy, errors) = RouteDraft.From(_canary).ToPolicy();

        Assert.Empty(errors);
        Assert.Equal(Json(_canary), Json(policy));
    }

    [Fact]
    public void MoveRule_UpAndDown_OrderChanges_EndsIgnored()
    {
        var draft = RouteDraft.From(_canary);

        draft.MoveRule(1, -1);
        Assert.Null(draft.Rules[0].Name);
        draft.MoveRule(0, -1);
        draft.MoveRule(1, 1);

        Assert.Null(draft.Rules[0].Name);
        Assert.Equal("beta", draft.Rules[1].Name);
    }

    [Fact]
    public void AddRule_TrailingCatchAll_InsertedBeforeIt()
    {
        var draft = RouteDraft.From(_canary);

        var added = draft.AddRule();

        Assert.Same(added, draft.Rules[1]);
        Assert.False(draft.Rules[2].HasMatch);
        Assert.Equal("v1", Assert.Single(added.Destinations).Subset);
        Assert.Equal(100, added.Destinations[0].Weight);
    }

    [Fact]
    public void AddSubset_EmptyPolicy_CatchAllRuleSendsItEverything()
    {
        var draft = RouteDraft.From(null);

        draft.AddSubset(new SubsetProposal("v1", "version", "v1", 2));
        draft.AddSubset(new SubsetProposal("v2", "version", "v2", 1));
        var (policy, errors) = draft.ToPolicy();

        Assert.Empty(errors);
        Assert.Equal(["v1", "v2"], policy.Subsets.Select(s => s.Name));
        Assert.Equal("v1", policy.Subsets[0].Labels["version"]);
        var rule = Assert.Single(policy.Rules);
        Assert.Null(rule.Match);
        Assert.Equal(100, Assert.Single(rule.Destinations).Weight);
    }

    [Fact]
    public void RemoveSubset_DestinationsToItGo_OthersTakeTheWeight()
    {
        var draft = RouteDraft.From(_canary);

        draft.RemoveSubset(1);

        Assert.Empty(draft.Rules[0].Destinations);
        var rest = Assert.Single(draft.Rules[1].Destinations);
        Assert.Equal(("v1", 100), (rest.Subset, rest.Weight));
    }

    [Fact]
    public void RuleWeights_SetAddRemove_AlwaysSumTo100()
    {
        var rule = RouteDraft.From(_canary).Rules[1];

        rule.SetWeight(1, 25);
        Assert.Equal([75, 25], rule.Destinations.Select(d => d.Weight));
        rule.AddDestination("v3");
        Assert.Equal([75, 25, 0], rule.Destinations.Select(d => d.Weight));
        rule.SetWeight(2, 50);
        Assert.Equal(100, rule.Destinations.Sum(d => d.Weight));
        rule.RemoveDestination(0);
        Assert.Equal(100, rule.Destinations.Sum(d => d.Weight));
    }

    [Fact]
    public void ToPolicy_MatchFields_Kept_EmptyMatchDropped()
    {
        var draft = RouteDraft.From(_canary);
        draft.Rules[0].Headers.Add(new HeaderDraft { Name = " x-canary ", Comparison = HeaderComparison.Regex, Value = "on|yes" });
        draft.Rules[0].ToggleMethod("POST");
        draft.Rules[0].ToggleMethod("GET");

        var (policy, _) = draft.ToPolicy();

        var match = policy.Rules[0].Match!;
        Assert.Equal(["POST"], match.Methods);
        Assert.Equal("beta", match.Headers["x-group"].Prefix);
        Assert.Equal("on|yes", match.Headers["x-canary"].Regex);
        Assert.Equal(800, policy.Rules[0].TimeoutMs);
        Assert.Null(policy.Rules[1].Match);
    }

    [Theory]
    [InlineData("version", "\"version\" is not key=value")]
    [InlineData("version=v1, version=v2", "\"version\" is given twice")]
    [InlineData("=v1", "\"=v1\" is not key=value")]
    public void ToPolicy_LabelsNotReadable_ErrorOnTheSubsetsLabels(string labels, string reason)
    {
        var draft = RouteDraft.From(_canary);
        draft.Subsets[1].Labels = labels;

        var (_, errors) = draft.ToPolicy();

        var error = Assert.Single(errors);
        Assert.Equal("subsets[1].labels", error.Field);
        Assert.Equal(reason, error.Reason);
    }

    [Fact]
    public void DesiredSplit_CatchAllLast_ItsWeights_NoneWhenEveryRuleMatches()
    {
        var draft = RouteDraft.From(_canary);

        Assert.Equal(new Dictionary<string, int> { ["v1"] = 90, ["v2"] = 10 }, draft.DesiredSplit());
        draft.Rules.RemoveAt(1);
        Assert.Null(draft.DesiredSplit());
    }

    private static string Json(RoutePolicy policy) => System.Text.Json.JsonSerializer.Serialize(policy, Mesh.Policy.Serialization.PolicyJson.Options);
}
