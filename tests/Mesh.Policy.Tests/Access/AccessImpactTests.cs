using Mesh.Policy.Access;

namespace Mesh.Policy.Tests.Access;

public class AccessImpactTests
{
    private static readonly ObservedEdge[] _edges =
    [
        new("frontend", "orders", 1200),
        new("orders", "payments", 300),
        new("frontend", "catalog", 900),
    ];

    private static AccessRule Rule(string source, string destination, AccessAction action, string[]? methods = null, string[]? paths = null) =>
        new() { Source = source, Destination = destination, Action = action, Methods = methods ?? [], PathPrefixes = paths ?? [] };

    [Fact]
    public void Of_SameDecisions_CutsNothing()
    {
        var current = new AccessPolicy { DefaultAction = AccessAction.Allow };
        var draft = current with { Rules = [Rule("frontend", "orders", AccessAction.Allow)] };

        Assert.Empty(AccessImpact.Of(current, draft, _edges));
    }

    [Fact]
    public void Of_DefaultDenyWithOneAllow_CutsEveryOtherEdgeWholly_BusiestFirst()
    {
        var current = new AccessPolicy { DefaultAction = AccessAction.Allow };
        var draft = new AccessPolicy { DefaultAction = AccessAction.Deny, Rules = [Rule("frontend", "orders", AccessAction.Allow)] };

        var impact = AccessImpact.Of(current, draft, _edges);

        Assert.Equal([("frontend", "catalog"), ("orders", "payments")], impact.Select(i => (i.Edge.Source, i.Edge.Destination)));
        Assert.All(impact, i => Assert.Equal(CutExtent.All, i.Extent));
        Assert.Null(impact[0].Cut.Single().After.RuleIndex);
    }

    [Fact]
    public void Of_DenyOnOneMethodAndPath_PartlyCutNamingTheCalls()
    {
        var current = new AccessPolicy { DefaultAction = AccessAction.Allow };
        var draft = current with { Rules = [Rule("frontend", "orders", AccessAction.Deny, methods: ["POST"], paths: ["/admin"])] };

        var impact = Assert.Single(AccessImpact.Of(current, draft, _edges));

        Assert.Equal(CutExtent.Some, impact.Extent);
        var cut = Assert.Single(impact.Cut);
        Assert.Equal("POST /admin…", cut.Call.Describe());
        Assert.Equal(0, cut.After.RuleIndex);
    }

    [Fact]
    public void Of_CallsAlreadyDenied_NotCountedAsCut()
    {
        var current = new AccessPolicy { DefaultAction = AccessAction.Allow, Rules = [Rule("orders", "payments", AccessAction.Deny)] };
        var draft = current with { DefaultAction = AccessAction.Deny, Rules = [.. current.Rules, Rule("*", "*", AccessAction.Allow, methods: ["GET"])] };

        var impact = AccessImpact.Of(current, draft, _edges);

        // orders → payments was denied already; the other two edges keep their GETs.
        Assert.DoesNotContain(impact, i => i.Edge.Destination == "payments");
        Assert.All(impact, i => Assert.Equal(CutExtent.Some, i.Extent));
        Assert.All(impact, i => Assert.All(i.Cut, c => Assert.NotEqual("GET", c.Call.Method)));
    }

    [Fact]
    public void Of_RuleRemovedThatAllowedAgainstADenyDefault_CutsItsEdge()
    {
        var current = new AccessPolicy { DefaultAction = AccessAction.Deny, Rules = [Rule("orders", "payments", AccessAction.Allow)] };
        var draft = current with { Rules = [] };

        var impact = Assert.Single(AccessImpact.Of(current, draft, _edges));

        Assert.Equal(("orders", "payments", CutExtent.All), (impact.Edge.Source, impact.Edge.Destination, impact.Extent));
        Assert.Equal(0, impact.Cut[0].Before.RuleIndex);
    }

    [Fact]
    public void Of_StrictMtlsForCallersWithoutIdentity_CutsTheirEdge()
    {
        var current = new AccessPolicy { DefaultAction = AccessAction.Allow };
        var draft = current with { Mtls = new MtlsPolicy { Mode = MtlsMode.Strict } };
        ObservedEdge[] edges = [new(AccessEvaluator.Unauthenticated, "frontend", 50), new("loadgen", "frontend", 70)];

        var impact = Assert.Single(AccessImpact.Of(current, draft, edges));

        Assert.Equal(AccessEvaluator.Unauthenticated, impact.Edge.Source);
        Assert.Contains("strict mTLS", impact.Cut[0].After.Explanation, StringComparison.Ordinal);
    }
}
