using Mesh.Policy.Access;

namespace Mesh.Policy.Tests.Access;

public class AccessEvaluatorTests
{
    private static readonly AccessRequest _getOrder = new("web", "orders", "GET", "/api/orders/42");

    private static AccessRule Allow(string source, string destination) =>
        new() { Source = source, Destination = destination, Action = AccessAction.Allow };

    private static AccessRule Deny(string source, string destination) =>
        new() { Source = source, Destination = destination, Action = AccessAction.Deny };

    private static AccessPolicy Policy(AccessAction defaultAction, params AccessRule[] rules) =>
        new() { DefaultAction = defaultAction, Rules = rules };

    [Fact]
    public void Evaluate_NullArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>(() => AccessEvaluator.Evaluate(null!, _getOrder));
        Assert.Throws<ArgumentNullException>(() => AccessEvaluator.Evaluate(new AccessPolicy(), null!));
    }

    [Fact]
    public void Evaluate_NoRules_DefaultActionDecidesWithoutRuleIndex()
    {
        var policy = Policy(AccessAction.Deny);

        var decision = AccessEvaluator.Evaluate(policy, _getOrder);

        Assert.Equal(AccessAction.Deny, decision.Action);
        Assert.Null(decision.RuleIndex);
        Assert.Contains("no rule matches web → orders GET /api/orders/42; the default is deny", decision.Explanation, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(AccessAction.Allow)]
    [InlineData(AccessAction.Deny)]
    public void Evaluate_NoRuleMatches_DefaultActionDecides(AccessAction defaultAction)
    {
        var policy = Policy(defaultAction,
            Deny("web", "payments"),
            Deny("billing", "orders"),
            Deny("web", "orders") with { Methods = ["POST"] },
            Deny("web", "orders") with { PathPrefixes = ["/admin"] });

        var decision = AccessEvaluator.Evaluate(policy, _getOrder);

        Assert.Equal(defaultAction, decision.Action);
        Assert.Null(decision.RuleIndex);
    }

    [Fact]
    public void Evaluate_SingleMatchingRule_DecidesWithItsIndex()
    {
        var policy = Policy(AccessAction.Allow, Deny("web", "payments"), Deny("web", "orders"));

        var decision = AccessEvaluator.Evaluate(policy, _getOrder);

        Assert.Equal(AccessAction.Deny, decision.Action);
        Assert.Equal(1, decision.RuleIndex);
        Assert.Contains("rules[1] (web → orders)", decision.Explanation, StringComparison.Ordinal);
        Assert.Contains("says deny", decision.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_WildcardsMatchAnyService()
    {
        var policy = Policy(AccessAction.Deny, Allow("*", "*"));

        var decision = AccessEvaluator.Evaluate(policy, _getOrder);

        Assert.Equal(AccessAction.Allow, decision.Action);
        Assert.Equal(0, decision.RuleIndex);
    }

    [Fact]
    public void Evaluate_NamedDestinationAgainstWildcard_NamedDestinationWinsOverEveryLaterField()
    {
        // The wildcard-destination rule is more specific in source, path and methods; destination comes first.
        var policy = Policy(AccessAction.Deny,
            Deny("web", "*") with { Methods = ["GET"], PathPrefixes = ["/api/orders"] },
            Allow("*", "orders"));

        var decision = AccessEvaluator.Evaluate(policy, _getOrder);

        Assert.Equal(AccessAction.Allow, decision.Action);
        Assert.Equal(1, decision.RuleIndex);
    }

    [Fact]
    public void Evaluate_NamedSourceAgainstWildcard_NamedSourceWinsOverPathAndMethods()
    {
        var policy = Policy(AccessAction.Deny,
            Deny("*", "orders") with { Methods = ["GET"], PathPrefixes = ["/api/orders"] },
            Allow("web", "orders"));

        var decision = AccessEvaluator.Evaluate(policy, _getOrder);

        Assert.Equal(AccessAction.Allow, decision.Action);
        Assert.Equal(1, decision.RuleIndex);
    }

    [Fact]
    public void Evaluate_LongerMatchingPrefixAgainstShorter_LongerWinsOverMethods()
    {
        var policy = Policy(AccessAction.Deny,
            Deny("web", "orders") with { Methods = ["GET"], PathPrefixes = ["/api"] },
            Allow("web", "orders") with { PathPrefixes = ["/api/orders"] });

        var decision = AccessEvaluator.Evaluate(policy, _getOrder);

        Assert.Equal(AccessAction.Allow, decision.Action);
        Assert.Equal(1, decision.RuleIndex);
    }

    [Fact]
    public void Evaluate_RootPrefixAgainstNoPrefix_PrefixWinsOverMethods()
    {
        var policy = Policy(AccessAction.Deny,
            Deny("web", "orders") with { Methods = ["GET"] },
            Allow("web", "orders") with { PathPrefixes = ["/"] });

        var decision = AccessEvaluator.Evaluate(policy, _getOrder);

        Assert.Equal(AccessAction.Allow, decision.Action);
        Assert.Equal(1, decision.RuleIndex);
    }

    [Fact]
    public void Evaluate_RuleWithSeveralPrefixes_RanksByItsLongestMatchingPrefix()
    {
        var policy = Policy(AccessAction.Deny,
            Allow("web", "orders") with { PathPrefixes = ["/a", "/api/orders/4"] },
            Deny("web", "orders") with { PathPrefixes = ["/api"] });

        var onLongPrefix = AccessEvaluator.Evaluate(policy, _getOrder);
        var onShortPrefix = AccessEvaluator.Evaluate(policy, _getOrder with { Path = "/api/stock" });

        Assert.Equal((AccessAction.Allow, (int?)0), (onLongPrefix.Action, onLongPrefix.RuleIndex));
        Assert.Equal((AccessAction.Deny, (int?)1), (onShortPrefix.Action, onShortPrefix.RuleIndex));
    }

    [Fact]
    public void Evaluate_PrefixThatDoesNotMatch_RuleIgnored()
    {
        var policy = Policy(AccessAction.Allow, Deny("web", "orders") with { PathPrefixes = ["/admin", "/internal"] });

        var decision = AccessEvaluator.Evaluate(policy, _getOrder);

        Assert.Equal(AccessAction.Allow, decision.Action);
        Assert.Null(decision.RuleIndex);
    }

    [Fact]
    public void Evaluate_PrefixIsCaseSensitive()
    {
        var policy = Policy(AccessAction.Allow, Deny("web", "orders") with { PathPrefixes = ["/API"] });

        var decision = AccessEvaluator.Evaluate(policy, _getOrder);

        Assert.Null(decision.RuleIndex);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Evaluate_ListedMethodsAgainstAnyMethod_ListedWinsWhateverTheOrder(bool listedFirst)
    {
        var listed = Allow("web", "orders") with { Methods = ["GET", "HEAD"] };
        var any = Deny("web", "orders");
        var policy = listedFirst ? Policy(AccessAction.Deny, listed, any) : Policy(AccessAction.Deny, any, listed);

        var decision = AccessEvaluator.Evaluate(policy, _getOrder);

        Assert.Equal(AccessAction.Allow, decision.Action);
        Assert.Equal(listedFirst ? 0 : 1, decision.RuleIndex);
    }

    [Fact]
    public void Evaluate_MethodNotListed_RuleIgnored()
    {
        var policy = Policy(AccessAction.Allow, Deny("web", "orders") with { Methods = ["POST", "DELETE"] });

        var decision = AccessEvaluator.Evaluate(policy, _getOrder);

        Assert.Equal(AccessAction.Allow, decision.Action);
        Assert.Null(decision.RuleIndex);
    }

    [Fact]
    public void Evaluate_RequestMethodInLowerCase_MatchesListedMethod()
    {
        var policy = Policy(AccessAction.Allow, Deny("web", "orders") with { Methods = ["GET"] });

        var decision = AccessEvaluator.Evaluate(policy, _getOrder with { Method = "get" });

        Assert.Equal(AccessAction.Deny, decision.Action);
        Assert.Equal(0, decision.RuleIndex);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Evaluate_EquallySpecificAllowAndDeny_DenyWinsWhateverTheOrder(bool denyFirst)
    {
        // Different selectors, same specificity: named both ends, a prefix of equal length, methods listed.
        var deny = Deny("web", "orders") with { Methods = ["GET"], PathPrefixes = ["/api/order"] };
        var allow = Allow("web", "orders") with { Methods = ["GET", "POST"], PathPrefixes = ["/api/orde", "/api/order"] };
        var policy = denyFirst ? Policy(AccessAction.Allow, deny, allow) : Policy(AccessAction.Allow, allow, deny);

        var decision = AccessEvaluator.Evaluate(policy, _getOrder);

        Assert.Equal(AccessAction.Deny, decision.Action);
        Assert.Equal(denyFirst ? 0 : 1, decision.RuleIndex);
    }

    [Fact]
    public void Evaluate_EquallySpecificWildcardRules_DenyWins()
    {
        var policy = Policy(AccessAction.Allow, Allow("*", "*"), Deny("*", "*") with { PathPrefixes = ["/"] }, Allow("*", "*") with { PathPrefixes = ["/"] });

        var decision = AccessEvaluator.Evaluate(policy, _getOrder);

        Assert.Equal(AccessAction.Deny, decision.Action);
        Assert.Equal(1, decision.RuleIndex);
    }

    [Fact]
    public void Evaluate_MoreSpecificAllowAgainstLessSpecificDeny_AllowWins()
    {
        var policy = Policy(AccessAction.Allow, Deny("*", "orders"), Allow("web", "orders"));

        var decision = AccessEvaluator.Evaluate(policy, _getOrder);

        Assert.Equal(AccessAction.Allow, decision.Action);
        Assert.Equal(1, decision.RuleIndex);
        Assert.Contains("says allow", decision.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_OtherSourceOrDestination_RuleIgnored()
    {
        var policy = Policy(AccessAction.Allow, Deny("billing", "*"), Deny("*", "payments"));

        var decision = AccessEvaluator.Evaluate(policy, _getOrder);

        Assert.Equal(AccessAction.Allow, decision.Action);
        Assert.Null(decision.RuleIndex);
    }

    [Theory]
    [InlineData("frontend", "/admin/users", false, AccessAction.Allow)]
    [InlineData("frontend", "/admin/users", true, AccessAction.Deny)]
    [InlineData("billing", "/admin/users", false, AccessAction.Deny)]
    [InlineData("billing", "/orders", false, AccessAction.Deny)]
    [InlineData("ops", "/orders", false, AccessAction.Allow)]
    public void Evaluate_DocumentedExample_DecidesAsPoliciesMdSays(string source, string path, bool withAdminDeny, AccessAction expected)
    {
        // The example and its reading in docs/policies.md: keep the two in step.
        List<AccessRule> rules =
        [
            Allow("frontend", "orders"),
            Deny("*", "orders") with { PathPrefixes = ["/admin"] },
            Allow("ops", "*") with { Methods = ["GET"] },
        ];
        if (withAdminDeny)
            rules.Add(Deny("frontend", "orders") with { PathPrefixes = ["/admin"] });

        var decision = AccessEvaluator.Evaluate(
            Policy(AccessAction.Deny, [.. rules]), new AccessRequest(source, "orders", "GET", path));

        Assert.Equal(expected, decision.Action);
    }
}
