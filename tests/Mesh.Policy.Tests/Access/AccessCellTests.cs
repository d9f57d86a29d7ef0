using Mesh.Policy.Access;

namespace Mesh.Policy.Tests.Access;

public class AccessCellTests
{
    private static AccessRule Rule(string source, string destination, AccessAction action, string[]? methods = null, string[]? paths = null) =>
        new() { Source = source, Destination = destination, Action = action, Methods = methods ?? [], PathPrefixes = paths ?? [] };

    private static AccessPolicy Policy(AccessAction defaultAction, params AccessRule[] rules) =>
        new() { DefaultAction = defaultAction, Rules = rules };

    [Theory]
    [InlineData(AccessAction.Allow, AccessCellState.DefaultAllow, "default allow")]
    [InlineData(AccessAction.Deny, AccessCellState.DefaultDeny, "default deny")]
    public void Of_NoRuleTouchesThePair_DefaultDecides(AccessAction defaultAction, AccessCellState expected, string word)
    {
        var policy = Policy(defaultAction, Rule("ops", "orders", AccessAction.Deny));

        var cell = AccessCell.Of(policy, "frontend", "orders");

        Assert.Equal(expected, cell.State);
        Assert.Equal(word, cell.Word);
        Assert.Empty(cell.Rules);
        var only = Assert.Single(cell.Outcomes);
        Assert.Null(only.Decision.RuleIndex);
        Assert.Equal("any call", only.Call.Describe());
    }

    [Fact]
    public void Of_NamedRule_DecidesEveryCall()
    {
        var policy = Policy(AccessAction.Allow, Rule("frontend", "payments", AccessAction.Deny));

        var cell = AccessCell.Of(policy, "frontend", "payments");

        Assert.Equal(AccessCellState.Deny, cell.State);
        Assert.Equal([0], cell.Rules);
    }

    [Fact]
    public void Of_WildcardRules_TouchEveryPairTheyCover()
    {
        var policy = Policy(AccessAction.Deny,
            Rule("*", "orders", AccessAction.Allow),
            Rule("frontend", "*", AccessAction.Allow, methods: ["GET"]),
            Rule("ops", "catalog", AccessAction.Allow));

        var cell = AccessCell.Of(policy, "frontend", "orders");

        Assert.Equal([0, 1], cell.Rules);
        Assert.Equal(AccessCellState.Allow, cell.State);
    }

    [Fact]
    public void Of_DenyOnOnePathAndMethod_PartialWithTheClassThatIsDenied()
    {
        var policy = Policy(AccessAction.Allow,
            Rule("frontend", "orders", AccessAction.Deny, methods: ["POST"], paths: ["/admin"]));

        var cell = AccessCell.Of(policy, "frontend", "orders");

        Assert.Equal(AccessCellState.Partial, cell.State);
        var denied = Assert.Single(cell.Outcomes, o => o.Decision.Action == AccessAction.Deny);
        Assert.Equal(new CallClass("POST", "/admin", MethodsListed: true, PathsListed: true), denied.Call);
        Assert.Equal("POST /admin…", denied.Call.Describe());
        Assert.Equal(0, denied.Decision.RuleIndex);
        // POST and any other method, times /admin and any other path.
        Assert.Equal(4, cell.Outcomes.Count);
    }

    [Fact]
    public void Of_PrefixSlash_NoClassOfOtherPaths()
    {
        var policy = Policy(AccessAction.Deny, Rule("frontend", "orders", AccessAction.Allow, paths: ["/", "/admin"]));

        var cell = AccessCell.Of(policy, "frontend", "orders");

        Assert.Equal(["/", "/admin"], cell.Outcomes.Select(o => o.Call.PathPrefix));
        Assert.Equal(AccessCellState.Allow, cell.State);
    }

    [Fact]
    public void Of_AllowListedMethodsOnly_OtherMethodsFallToTheDefault()
    {
        var policy = Policy(AccessAction.Deny, Rule("ops", "*", AccessAction.Allow, methods: ["GET", "HEAD"]));

        var cell = AccessCell.Of(policy, "ops", "orders");

        Assert.Equal(AccessCellState.Partial, cell.State);
        var other = Assert.Single(cell.Outcomes, o => o.Call.Method is null);
        Assert.Equal(AccessAction.Deny, other.Decision.Action);
        Assert.Null(other.Decision.RuleIndex);
        Assert.Equal("any other method any path", other.Call.Describe());
    }

    [Fact]
    public void Of_MoreSpecificDenyUnderBroadAllow_MatchesTheEvaluatorOnEveryCall()
    {
        // Nested prefixes: the cell's classes must agree with the evaluator on calls it never saw.
        var policy = Policy(AccessAction.Deny,
            Rule("frontend", "orders", AccessAction.Allow, paths: ["/api"]),
            Rule("*", "orders", AccessAction.Deny, paths: ["/api/admin"], methods: ["DELETE"]),
            Rule("frontend", "orders", AccessAction.Deny, paths: ["/api/admin/keys"]));
        var cell = AccessCell.Of(policy, "frontend", "orders");

        foreach (var (method, path) in new[] { ("GET", "/api/x"), ("DELETE", "/api/admin/1"), ("GET", "/api/admin/keys/2"), ("PUT", "/other"), ("DELETE", "/api/admin") })
        {
            var expected = AccessEvaluator.Evaluate(policy, new AccessRequest("frontend", "orders", method, path));
            var outcome = cell.Outcomes.Single(o => Covers(o.Call, method, path, cell));
            Assert.Equal(expected.Action, outcome.Decision.Action);
            Assert.Equal(expected.RuleIndex, outcome.Decision.RuleIndex);
        }
    }

    [Fact]
    public void Of_NoIdentityToStrictService_DeniedBeforeAnyRule()
    {
        var policy = new AccessPolicy
        {
            DefaultAction = AccessAction.Allow,
            Rules = [Rule("*", "payments", AccessAction.Allow)],
            Mtls = new MtlsPolicy { Mode = MtlsMode.Permissive, Services = new Dictionary<string, MtlsMode> { ["payments"] = MtlsMode.Strict } },
        };

        var strict = AccessCell.Of(policy, AccessEvaluator.Unauthenticated, "payments");
        var permissive = AccessCell.Of(policy, AccessEvaluator.Unauthenticated, "orders");

        Assert.Equal(AccessCellState.DefaultDeny, strict.State);
        Assert.Contains("strict mTLS is required", strict.Outcomes[0].Decision.Explanation, StringComparison.Ordinal);
        Assert.Equal(AccessCellState.DefaultAllow, permissive.State);
    }

    // The class a call falls in: its method if listed, and the longest of the cell's prefixes it starts with.
    private static bool Covers(CallClass call, string method, string path, AccessCell cell)
    {
        var methods = cell.Outcomes.Select(o => o.Call.Method).OfType<string>().ToHashSet();
        var prefix = cell.Outcomes.Select(o => o.Call.PathPrefix).OfType<string>()
            .Where(p => path.StartsWith(p, StringComparison.Ordinal)).MaxBy(p => p.Length);
        return call.Method == (methods.Contains(method) ? method : null) && call.PathPrefix == prefix;
    }
}
