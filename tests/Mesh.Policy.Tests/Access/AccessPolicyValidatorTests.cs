using Mesh.Policy.Access;

namespace Mesh.Policy.Tests.Access;

public class AccessPolicyValidatorTests
{
    private static AccessRule Rule(string source, string destination, AccessAction action = AccessAction.Allow) =>
        new() { Source = source, Destination = destination, Action = action };

    private static AccessPolicy Policy(params AccessRule[] rules) =>
        new() { DefaultAction = AccessAction.Deny, Rules = rules };

    [Fact]
    public void Validate_Null_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => AccessPolicyValidator.Validate(null!));
    }

    [Fact]
    public void Validate_TypicalPolicy_NoErrors()
    {
        var policy = Policy(
            Rule("web", "orders"),
            Rule("*", "payments", AccessAction.Deny),
            Rule("billing", "payments") with { Methods = ["GET", "POST"], PathPrefixes = ["/v1/charges", "/v1/refunds"] });

        var errors = AccessPolicyValidator.Validate(policy);

        Assert.Empty(errors);
    }

    [Fact]
    public void Validate_NoRules_NoErrors()
    {
        var policy = Policy();

        var errors = AccessPolicyValidator.Validate(policy);

        Assert.Empty(errors);
    }

    [Fact]
    public void Validate_WildcardSourceAndDestination_NoErrors()
    {
        var policy = Policy(Rule("*", "*", AccessAction.Deny));

        var errors = AccessPolicyValidator.Validate(policy);

        Assert.Empty(errors);
    }

    [Theory]
    [InlineData("Web")]
    [InlineData("web_frontend")]
    [InlineData("web*")]
    [InlineData("**")]
    public void Validate_BadSourceName_ReportsSource(string source)
    {
        var policy = Policy(Rule(source, "orders"));

        var errors = AccessPolicyValidator.Validate(policy);

        ErrorAssert.Single(errors, "rules[0].source", "is not a DNS label");
    }

    [Theory]
    [InlineData("Orders")]
    [InlineData("orders.svc")]
    [InlineData("-orders")]
    public void Validate_BadDestinationName_ReportsDestination(string destination)
    {
        var policy = Policy(Rule("web", destination));

        var errors = AccessPolicyValidator.Validate(policy);

        ErrorAssert.Single(errors, "rules[0].destination", "is not a DNS label");
    }

    [Fact]
    public void Validate_EmptySource_ReportsServiceNameOrWildcardRequired()
    {
        var policy = Policy(Rule("", "orders"));

        var errors = AccessPolicyValidator.Validate(policy);

        var error = Assert.Single(errors);
        Assert.Equal("rules[0].source", error.Field);
        Assert.Equal("required: a service name or *", error.Reason);
    }

    [Fact]
    public void Validate_NullDestination_ReportsServiceNameOrWildcardRequired()
    {
        var policy = Policy(Rule("web", null!));

        var errors = AccessPolicyValidator.Validate(policy);

        ErrorAssert.Single(errors, "rules[0].destination", "required: a service name or *");
    }

    [Fact]
    public void Validate_TwoRulesWithSameSelector_ReportsTheSecond()
    {
        var policy = Policy(Rule("web", "orders"), Rule("*", "orders"), Rule("web", "orders", AccessAction.Deny));

        var errors = AccessPolicyValidator.Validate(policy);

        var error = Assert.Single(errors);
        Assert.Equal("rules[2]", error.Field);
        Assert.Equal("matches exactly the same calls as rules[0]; merge or remove one", error.Reason);
    }

    [Fact]
    public void Validate_SameMethodsAndPrefixesInOtherOrder_ReportsDuplicateSelector()
    {
        var policy = Policy(
            Rule("web", "orders") with { Methods = ["GET", "POST"], PathPrefixes = ["/a", "/b"] },
            Rule("web", "orders", AccessAction.Deny) with { Methods = ["POST", "GET"], PathPrefixes = ["/b", "/a"] });

        var errors = AccessPolicyValidator.Validate(policy);

        ErrorAssert.Single(errors, "rules[1]", "matches exactly the same calls as rules[0]");
    }

    [Fact]
    public void Validate_RulesDifferingOnlyInMethodsOrPaths_NoErrors()
    {
        var policy = Policy(
            Rule("web", "orders"),
            Rule("web", "orders") with { Methods = ["GET"] },
            Rule("web", "orders") with { PathPrefixes = ["/admin"] },
            Rule("web", "orders") with { Methods = ["GET"], PathPrefixes = ["/admin"] });

        var errors = AccessPolicyValidator.Validate(policy);

        Assert.Empty(errors);
    }

    [Fact]
    public void Validate_TwoIdenticalInvalidRules_ReportsOnlyTheirOwnErrors()
    {
        var policy = Policy(Rule("Web", "orders"), Rule("Web", "orders"));

        var errors = AccessPolicyValidator.Validate(policy);

        Assert.Collection(errors,
            e => Assert.Equal("rules[0].source", e.Field),
            e => Assert.Equal("rules[1].source", e.Field));
    }

    [Fact]
    public void Validate_LowerCaseMethod_ReportsThatMethod()
    {
        var policy = Policy(Rule("web", "orders") with { Methods = ["GET", "post"] });

        var errors = AccessPolicyValidator.Validate(policy);

        ErrorAssert.Single(errors, "rules[0].methods[1]", "\"post\" is not one of");
    }

    [Fact]
    public void Validate_PathPrefixWithoutSlash_ReportsThatPrefix()
    {
        var policy = Policy(Rule("web", "orders") with { PathPrefixes = ["/ok", "api"] });

        var errors = AccessPolicyValidator.Validate(policy);

        ErrorAssert.Single(errors, "rules[0].pathPrefixes[1]", "\"api\" must start with '/'");
    }

    [Fact]
    public void Validate_UndefinedAction_ReportsAction()
    {
        var policy = Policy(Rule("web", "orders", (AccessAction)7));

        var errors = AccessPolicyValidator.Validate(policy);

        ErrorAssert.Single(errors, "rules[0].action", "must be allow or deny");
    }

    [Fact]
    public void Validate_UndefinedDefaultAction_ReportsDefaultAction()
    {
        var policy = new AccessPolicy { DefaultAction = (AccessAction)7 };

        var errors = AccessPolicyValidator.Validate(policy);

        ErrorAssert.Single(errors, "defaultAction", "must be allow or deny");
    }

    [Fact]
    public void Validate_RulesNull_ReportsRules()
    {
        var policy = new AccessPolicy { Rules = null! };

        var errors = AccessPolicyValidator.Validate(policy);

        ErrorAssert.Single(errors, "rules", "must not be null");
    }

    [Fact]
    public void Validate_NullRule_ReportsItsIndex()
    {
        var policy = Policy(Rule("web", "orders"), null!);

        var errors = AccessPolicyValidator.Validate(policy);

        ErrorAssert.Single(errors, "rules[1]", "must not be null");
    }

    [Fact]
    public void Validate_ThreeIndependentMistakes_ReportsAllThree()
    {
        var policy = Policy(
            Rule("Web", "orders"),
            Rule("web", "payments") with { Methods = ["get"] },
            Rule("web", "stock") with { PathPrefixes = ["stock"] });

        var errors = AccessPolicyValidator.Validate(policy);

        Assert.Equal(3, errors.Count);
        ErrorAssert.Has(errors, "rules[0].source", "is not a DNS label");
        ErrorAssert.Has(errors, "rules[1].methods[0]", "is not one of");
        ErrorAssert.Has(errors, "rules[2].pathPrefixes[0]", "must start with '/'");
    }
}
