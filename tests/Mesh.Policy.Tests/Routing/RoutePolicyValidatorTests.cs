using Mesh.Policy.Routing;

namespace Mesh.Policy.Tests.Routing;

public class RoutePolicyValidatorTests
{
    private static Subset NewSubset(string name) =>
        new() { Name = name, Labels = new Dictionary<string, string> { ["track"] = "stable" } };

    private static WeightedDestination To(string subset, int weight) => new() { Subset = subset, Weight = weight };

    private static RouteMatch HeaderMatch(string header, StringMatch match) =>
        new() { Headers = new Dictionary<string, StringMatch> { [header] = match } };

    private static RouteRule Beta(params WeightedDestination[] destinations) =>
        new() { Match = HeaderMatch("x-user-group", new StringMatch { Exact = "beta" }), Destinations = destinations };

    private static RouteRule CatchAll(params WeightedDestination[] destinations) => new() { Destinations = destinations };

    /// <summary>The example body: beta users to v2, everyone else 90/10 over v1 and v2.</summary>
    private static RoutePolicy Example() => new()
    {
        Subsets = [NewSubset("v1"), NewSubset("v2")],
        Rules = [Beta(To("v2", 100)), CatchAll(To("v1", 90), To("v2", 10))],
    };

    /// <summary>The example with its first rule's match replaced.</summary>
    private static RoutePolicy WithMatch(RouteMatch match)
    {
        var policy = Example();
        return policy with { Rules = [policy.Rules[0] with { Match = match }, policy.Rules[1]] };
    }

    private static RoutePolicy WithHeader(string header, StringMatch match) => WithMatch(HeaderMatch(header, match));

    [Fact]
    public void Validate_ExampleBody_NoErrors()
    {
        var policy = Example();

        var errors = RoutePolicyValidator.Validate(policy);

        Assert.Empty(errors);
    }

    [Fact]
    public void Validate_Null_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => RoutePolicyValidator.Validate(null!));
    }

    [Fact]
    public void Validate_WeightsSumTo110_ReportsDestinationsOfThatRule()
    {
        var policy = Example() with { Rules = [Beta(To("v2", 100)), CatchAll(To("v1", 90), To("v2", 20))] };

        var errors = RoutePolicyValidator.Validate(policy);

        var error = Assert.Single(errors);
        Assert.Equal("rules[1].destinations", error.Field);
        Assert.Equal("weights sum to 110, must be 100", error.Reason);
    }

    [Fact]
    public void Validate_WeightsSumBelow100_ReportsSum()
    {
        var policy = Example() with { Rules = [Beta(To("v1", 40), To("v2", 50))] };

        var errors = RoutePolicyValidator.Validate(policy);

        var error = Assert.Single(errors);
        Assert.Equal("rules[0].destinations", error.Field);
        Assert.Equal("weights sum to 90, must be 100", error.Reason);
    }

    [Fact]
    public void Validate_ZeroWeightAmongWeightsSumming100_NoErrors()
    {
        var policy = Example() with { Rules = [CatchAll(To("v1", 100), To("v2", 0))] };

        var errors = RoutePolicyValidator.Validate(policy);

        Assert.Empty(errors);
    }

    [Theory]
    [InlineData(-1, "-1 is outside 0–100")]
    [InlineData(101, "101 is outside 0–100")]
    public void Validate_WeightOutOfRange_ReportsWeightAndNoSum(int weight, string reason)
    {
        var policy = Example() with { Rules = [CatchAll(To("v1", weight))] };

        var errors = RoutePolicyValidator.Validate(policy);

        var error = Assert.Single(errors);
        Assert.Equal("rules[0].destinations[0].weight", error.Field);
        Assert.Equal(reason, error.Reason);
    }

    [Theory]
    [InlineData(0, "0 is outside 1–600000")]
    [InlineData(600_001, "600001 is outside 1–600000")]
    public void Validate_RuleTimeoutOutOfRange_ReportsRuleTimeout(int timeoutMs, string reason)
    {
        var policy = Example() with { Rules = [Beta(To("v2", 100)) with { TimeoutMs = timeoutMs }, CatchAll(To("v1", 100))] };

        var errors = RoutePolicyValidator.Validate(policy);

        var error = Assert.Single(errors);
        Assert.Equal("rules[0].timeoutMs", error.Field);
        Assert.Equal(reason, error.Reason);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(600_000)]
    public void Validate_RuleTimeoutWithinRange_NoErrors(int timeoutMs)
    {
        var policy = Example() with { Rules = [Beta(To("v2", 100)) with { TimeoutMs = timeoutMs }, CatchAll(To("v1", 100))] };

        Assert.Empty(RoutePolicyValidator.Validate(policy));
    }

    [Fact]
    public void Validate_SubsetNamedUpperCase_ReportsSubsetName()
    {
        var policy = new RoutePolicy { Subsets = [NewSubset("V1"), NewSubset("v2")], Rules = [CatchAll(To("v2", 100))] };

        var errors = RoutePolicyValidator.Validate(policy);

        var error = ErrorAssert.Single(errors, "subsets[0].name", "is not a DNS label");
        Assert.StartsWith("\"V1\"", error.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("-v1")]
    [InlineData("v1-")]
    [InlineData("v_1")]
    [InlineData("v.1")]
    public void Validate_SubsetNameWithBadCharacters_ReportsSubsetName(string name)
    {
        var policy = new RoutePolicy { Subsets = [NewSubset(name), NewSubset("v2")], Rules = [CatchAll(To("v2", 100))] };

        var errors = RoutePolicyValidator.Validate(policy);

        ErrorAssert.Single(errors, "subsets[0].name", "is not a DNS label");
    }

    [Fact]
    public void Validate_SubsetNameEmpty_ReportsRequired()
    {
        var policy = new RoutePolicy { Subsets = [NewSubset(""), NewSubset("v2")], Rules = [CatchAll(To("v2", 100))] };

        var errors = RoutePolicyValidator.Validate(policy);

        var error = ErrorAssert.Single(errors, "subsets[0].name", "required");
        Assert.Equal("required", error.Reason);
    }

    [Fact]
    public void Validate_SubsetName64Characters_ReportsLength()
    {
        var name = new string('a', 64);
        var policy = new RoutePolicy { Subsets = [NewSubset(name), NewSubset("v2")], Rules = [CatchAll(To("v2", 100))] };

        var errors = RoutePolicyValidator.Validate(policy);

        ErrorAssert.Single(errors, "subsets[0].name", "is 64 characters, at most 63 allowed");
    }

    [Fact]
    public void Validate_SubsetName63Characters_NoErrors()
    {
        var name = new string('a', 63);
        var policy = new RoutePolicy { Subsets = [NewSubset(name)], Rules = [CatchAll(To(name, 100))] };

        var errors = RoutePolicyValidator.Validate(policy);

        Assert.Empty(errors);
    }

    [Fact]
    public void Validate_DuplicateSubsetName_ReportsTheSecond()
    {
        var policy = Example() with { Subsets = [NewSubset("v1"), NewSubset("v2"), NewSubset("v1")] };

        var errors = RoutePolicyValidator.Validate(policy);

        var error = Assert.Single(errors);
        Assert.Equal("subsets[2].name", error.Field);
        Assert.Equal("\"v1\" is declared twice", error.Reason);
    }

    [Fact]
    public void Validate_SubsetWithoutLabels_ReportsLabels()
    {
        var policy = Example() with { Subsets = [NewSubset("v1"), new Subset { Name = "v2" }] };

        var errors = RoutePolicyValidator.Validate(policy);

        ErrorAssert.Single(errors, "subsets[1].labels", "at least one label is required");
    }

    [Fact]
    public void Validate_SubsetLabelsNull_ReportsLabels()
    {
        var policy = Example() with { Subsets = [NewSubset("v1"), new Subset { Name = "v2", Labels = null! }] };

        var errors = RoutePolicyValidator.Validate(policy);

        ErrorAssert.Single(errors, "subsets[1].labels", "at least one label is required");
    }

    [Fact]
    public void Validate_LabelKeyWithSpace_ReportsThatKey()
    {
        var subset = new Subset { Name = "v1", Labels = new Dictionary<string, string> { ["bad key"] = "x" } };
        var policy = Example() with { Subsets = [subset, NewSubset("v2")] };

        var errors = RoutePolicyValidator.Validate(policy);

        ErrorAssert.Single(errors, "subsets[0].labels[\"bad key\"]", "is not a label key");
    }

    [Fact]
    public void Validate_LabelValueWithSpace_ReportsThatKey()
    {
        var subset = new Subset { Name = "v1", Labels = new Dictionary<string, string> { ["version"] = "v 1" } };
        var policy = Example() with { Subsets = [subset, NewSubset("v2")] };

        var errors = RoutePolicyValidator.Validate(policy);

        ErrorAssert.Single(errors, "subsets[0].labels[\"version\"]", "is not a label value");
    }

    [Fact]
    public void Validate_QualifiedLabelKeyAndEmptyValue_NoErrors()
    {
        var labels = new Dictionary<string, string> { ["topology.kubernetes.io/zone"] = "eu-west-1a", ["canary"] = "" };
        var policy = Example() with { Subsets = [new Subset { Name = "v1", Labels = labels }, NewSubset("v2")] };

        var errors = RoutePolicyValidator.Validate(policy);

        Assert.Empty(errors);
    }

    [Fact]
    public void Validate_SubsetsNull_ReportsSubsets()
    {
        var policy = new RoutePolicy { Subsets = null!, Rules = [CatchAll(To("v1", 100))] };

        var errors = RoutePolicyValidator.Validate(policy);

        ErrorAssert.Has(errors, "subsets", "must not be null");
    }

    [Fact]
    public void Validate_NullSubset_ReportsItsIndex()
    {
        var policy = Example() with { Subsets = [NewSubset("v1"), NewSubset("v2"), null!] };

        var errors = RoutePolicyValidator.Validate(policy);

        ErrorAssert.Single(errors, "subsets[2]", "must not be null");
    }

    [Fact]
    public void Validate_NoRules_ReportsRules()
    {
        var policy = Example() with { Rules = [] };

        var errors = RoutePolicyValidator.Validate(policy);

        ErrorAssert.Single(errors, "rules", "at least one rule is required");
    }

    [Fact]
    public void Validate_RulesNull_ReportsRules()
    {
        var policy = Example() with { Rules = null! };

        var errors = RoutePolicyValidator.Validate(policy);

        ErrorAssert.Single(errors, "rules", "must not be null");
    }

    [Fact]
    public void Validate_NullRule_ReportsItsIndex()
    {
        var policy = Example() with { Rules = [Beta(To("v2", 100)), null!] };

        var errors = RoutePolicyValidator.Validate(policy);

        ErrorAssert.Single(errors, "rules[1]", "must not be null");
    }

    [Fact]
    public void Validate_RuleAfterCatchAll_ReportsUnreachable()
    {
        var policy = Example() with { Rules = [CatchAll(To("v1", 100)), Beta(To("v2", 100))] };

        var errors = RoutePolicyValidator.Validate(policy);

        var error = Assert.Single(errors);
        Assert.Equal("rules[1]", error.Field);
        Assert.Equal("unreachable: rules[0] sets no match condition and takes every request", error.Reason);
    }

    [Fact]
    public void Validate_TwoRulesAfterCatchAll_ReportsEachNamingTheFirstCatchAll()
    {
        var policy = Example() with
        {
            Rules = [Beta(To("v2", 100)), CatchAll(To("v1", 100)), CatchAll(To("v2", 100)), Beta(To("v1", 100))],
        };

        var errors = RoutePolicyValidator.Validate(policy);

        Assert.Collection(errors,
            e => Assert.Equal(("rules[2]", "unreachable: rules[1] sets no match condition and takes every request"), (e.Field, e.Reason)),
            e => Assert.Equal(("rules[3]", "unreachable: rules[1] sets no match condition and takes every request"), (e.Field, e.Reason)));
    }

    [Fact]
    public void Validate_CatchAllLast_NoErrors()
    {
        var policy = Example() with { Rules = [Beta(To("v2", 100)), Beta(To("v1", 100)), CatchAll(To("v1", 100))] };

        var errors = RoutePolicyValidator.Validate(policy);

        Assert.Empty(errors);
    }

    /// <summary>
    /// A match with no condition (<c>"match": {}</c>) takes every request just like an absent match,
    /// so the rules after it can never be reached. Exposes a bug: only an absent match is treated as a catch-all.
    /// </summary>
    [Fact]
    public void Validate_RuleAfterEmptyMatch_ReportsUnreachable()
    {
        var policy = Example() with
        {
            Rules = [new RouteRule { Match = new RouteMatch(), Destinations = [To("v1", 100)] }, Beta(To("v2", 100))],
        };

        var errors = RoutePolicyValidator.Validate(policy);

        ErrorAssert.Single(errors, "rules[1]", "unreachable: rules[0]");
    }

    [Fact]
    public void Validate_UnknownSubsetInDestination_ReportsDestinationSubset()
    {
        var policy = Example() with { Rules = [Beta(To("v2", 100)), CatchAll(To("v1", 90), To("v3", 10))] };

        var errors = RoutePolicyValidator.Validate(policy);

        var error = Assert.Single(errors);
        Assert.Equal("rules[1].destinations[1].subset", error.Field);
        Assert.Equal("unknown subset \"v3\"", error.Reason);
    }

    [Fact]
    public void Validate_DestinationToSubsetWithInvalidName_ReportsBothNameAndUnknownSubset()
    {
        var policy = new RoutePolicy { Subsets = [NewSubset("V1")], Rules = [CatchAll(To("V1", 100))] };

        var errors = RoutePolicyValidator.Validate(policy);

        Assert.Equal(2, errors.Count);
        ErrorAssert.Has(errors, "subsets[0].name", "is not a DNS label");
        ErrorAssert.Has(errors, "rules[0].destinations[0].subset", "unknown subset \"V1\"");
    }

    [Fact]
    public void Validate_DestinationSubsetEmpty_ReportsRequired()
    {
        var policy = Example() with { Rules = [CatchAll(To("", 100))] };

        var errors = RoutePolicyValidator.Validate(policy);

        var error = ErrorAssert.Single(errors, "rules[0].destinations[0].subset", "required");
        Assert.Equal("required", error.Reason);
    }

    [Fact]
    public void Validate_SameSubsetTwiceInRule_ReportsTheSecond()
    {
        var policy = Example() with { Rules = [CatchAll(To("v1", 50), To("v1", 50))] };

        var errors = RoutePolicyValidator.Validate(policy);

        var error = Assert.Single(errors);
        Assert.Equal("rules[0].destinations[1].subset", error.Field);
        Assert.Equal("\"v1\" appears twice in this rule", error.Reason);
    }

    [Fact]
    public void Validate_RuleWithoutDestinations_ReportsDestinations()
    {
        var policy = Example() with { Rules = [CatchAll()] };

        var errors = RoutePolicyValidator.Validate(policy);

        ErrorAssert.Single(errors, "rules[0].destinations", "at least one destination is required");
    }

    [Fact]
    public void Validate_DestinationsNull_ReportsDestinations()
    {
        var policy = Example() with { Rules = [new RouteRule { Destinations = null! }] };

        var errors = RoutePolicyValidator.Validate(policy);

        ErrorAssert.Single(errors, "rules[0].destinations", "at least one destination is required");
    }

    [Fact]
    public void Validate_NullDestination_ReportsItAndNoSum()
    {
        var policy = Example() with { Rules = [CatchAll(To("v1", 90), null!)] };

        var errors = RoutePolicyValidator.Validate(policy);

        ErrorAssert.Single(errors, "rules[0].destinations[1]", "must not be null");
    }

    [Fact]
    public void Validate_MirrorToDeclaredSubset_NoErrors()
    {
        var policy = Example() with { Mirror = new Mirror { Subset = "v2", Percent = 5 } };

        var errors = RoutePolicyValidator.Validate(policy);

        Assert.Empty(errors);
    }

    [Fact]
    public void Validate_MirrorToUnknownSubset_ReportsMirrorSubset()
    {
        var policy = Example() with { Mirror = new Mirror { Subset = "v3", Percent = 5 } };

        var errors = RoutePolicyValidator.Validate(policy);

        var error = Assert.Single(errors);
        Assert.Equal("mirror.subset", error.Field);
        Assert.Equal("unknown subset \"v3\"", error.Reason);
    }

    [Fact]
    public void Validate_MirrorWithoutSubset_ReportsRequired()
    {
        var policy = Example() with { Mirror = new Mirror { Subset = "", Percent = 5 } };

        var errors = RoutePolicyValidator.Validate(policy);

        var error = ErrorAssert.Single(errors, "mirror.subset", "required");
        Assert.Equal("required", error.Reason);
    }

    [Theory]
    [InlineData(0, "0 is not above 0 and at most 100")]
    [InlineData(-5, "-5 is not above 0 and at most 100")]
    [InlineData(100.5, "100.5 is not above 0 and at most 100")]
    public void Validate_MirrorPercentOutOfBounds_ReportsMirrorPercent(double percent, string reason)
    {
        var policy = Example() with { Mirror = new Mirror { Subset = "v2", Percent = percent } };

        var errors = RoutePolicyValidator.Validate(policy);

        var error = Assert.Single(errors);
        Assert.Equal("mirror.percent", error.Field);
        Assert.Equal(reason, error.Reason);
    }

    [Theory]
    [InlineData(0.01)]
    [InlineData(100)]
    public void Validate_MirrorPercentAtBounds_NoErrors(double percent)
    {
        var policy = Example() with { Mirror = new Mirror { Subset = "v2", Percent = percent } };

        var errors = RoutePolicyValidator.Validate(policy);

        Assert.Empty(errors);
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("HEAD")]
    [InlineData("POST")]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    [InlineData("PATCH")]
    [InlineData("OPTIONS")]
    [InlineData("TRACE")]
    [InlineData("CONNECT")]
    public void Validate_StandardUpperCaseMethod_NoErrors(string method)
    {
        var policy = WithMatch(new RouteMatch { Methods = [method] });

        var errors = RoutePolicyValidator.Validate(policy);

        Assert.Empty(errors);
    }

    [Theory]
    [InlineData("get")]
    [InlineData("Post")]
    [InlineData("FETCH")]
    public void Validate_MethodNotUpperCaseStandard_ReportsThatMethod(string method)
    {
        var policy = WithMatch(new RouteMatch { Methods = ["GET", method] });

        var errors = RoutePolicyValidator.Validate(policy);

        var error = ErrorAssert.Single(errors, "rules[0].match.methods[1]", "(upper case)");
        Assert.StartsWith($"\"{method}\" is not one of GET, HEAD, POST", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_PathPrefixWithSlash_NoErrors()
    {
        var policy = WithMatch(new RouteMatch { PathPrefix = "/api/" });

        var errors = RoutePolicyValidator.Validate(policy);

        Assert.Empty(errors);
    }

    [Fact]
    public void Validate_PathPrefixWithoutLeadingSlash_ReportsPathPrefix()
    {
        var policy = WithMatch(new RouteMatch { PathPrefix = "api/" });

        var errors = RoutePolicyValidator.Validate(policy);

        var error = Assert.Single(errors);
        Assert.Equal("rules[0].match.pathPrefix", error.Field);
        Assert.Equal("\"api/\" must start with '/'", error.Reason);
    }

    [Theory]
    [InlineData("/a b")]
    [InlineData("/a?b=1")]
    [InlineData("/a#top")]
    public void Validate_PathPrefixWithSpaceQueryOrFragment_ReportsPathPrefix(string prefix)
    {
        var policy = WithMatch(new RouteMatch { PathPrefix = prefix });

        var errors = RoutePolicyValidator.Validate(policy);

        ErrorAssert.Single(errors, "rules[0].match.pathPrefix", "must not contain white space, '?' or '#'");
    }

    [Fact]
    public void Validate_InvalidRegexInHeaderMatch_ReportsRegexUnderHeaderKey()
    {
        var policy = WithHeader("x-a", new StringMatch { Regex = "([a-z" });

        var errors = RoutePolicyValidator.Validate(policy);

        var error = Assert.Single(errors);
        Assert.Equal("rules[0].match.headers[\"x-a\"].regex", error.Field);
        Assert.StartsWith("invalid pattern (", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_BackreferenceInHeaderRegex_Refused()
    {
        var policy = WithHeader("x-a", new StringMatch { Regex = @"(a)\1" });

        var errors = RoutePolicyValidator.Validate(policy);

        var error = Assert.Single(errors);
        Assert.Equal("rules[0].match.headers[\"x-a\"].regex", error.Field);
        Assert.StartsWith("invalid pattern (", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_LookaheadInHeaderRegex_Refused()
    {
        var policy = WithHeader("x-a", new StringMatch { Regex = "(?=a)a" });

        var errors = RoutePolicyValidator.Validate(policy);

        ErrorAssert.Single(errors, "rules[0].match.headers[\"x-a\"].regex", "invalid pattern (");
    }

    [Fact]
    public void Validate_CatastrophicBacktrackingRegex_Accepted()
    {
        var policy = WithHeader("x-a", new StringMatch { Regex = "(a+)+$" });

        var errors = RoutePolicyValidator.Validate(policy);

        Assert.Empty(errors);
    }

    [Fact]
    public void Validate_EmptyRegex_ReportsRegex()
    {
        var policy = WithHeader("x-a", new StringMatch { Regex = "" });

        var errors = RoutePolicyValidator.Validate(policy);

        ErrorAssert.Single(errors, "rules[0].match.headers[\"x-a\"].regex", "pattern is empty");
    }

    [Fact]
    public void Validate_RegexLongerThanLimit_ReportsRegex()
    {
        var policy = WithHeader("x-a", new StringMatch { Regex = new string('a', 1025) });

        var errors = RoutePolicyValidator.Validate(policy);

        ErrorAssert.Single(errors, "rules[0].match.headers[\"x-a\"].regex", "pattern is 1025 characters, at most 1024 allowed");
    }

    [Fact]
    public void Validate_HeaderMatchWithExactAndPrefix_ReportsHeader()
    {
        var policy = WithHeader("x-a", new StringMatch { Exact = "a", Prefix = "a" });

        var errors = RoutePolicyValidator.Validate(policy);

        var error = Assert.Single(errors);
        Assert.Equal("rules[0].match.headers[\"x-a\"]", error.Field);
        Assert.Equal("exactly one of exact, prefix or regex must be set, found 2", error.Reason);
    }

    [Fact]
    public void Validate_HeaderMatchWithNothingSet_ReportsHeader()
    {
        var policy = WithHeader("x-a", new StringMatch());

        var errors = RoutePolicyValidator.Validate(policy);

        ErrorAssert.Single(errors, "rules[0].match.headers[\"x-a\"]", "found 0");
    }

    [Fact]
    public void Validate_HeaderMatchEmptyPrefix_ReportsPrefix()
    {
        var policy = WithHeader("x-a", new StringMatch { Prefix = "" });

        var errors = RoutePolicyValidator.Validate(policy);

        ErrorAssert.Single(errors, "rules[0].match.headers[\"x-a\"].prefix", "must not be empty");
    }

    [Theory]
    [InlineData("exact")]
    [InlineData("prefix")]
    [InlineData("regex")]
    public void Validate_HeaderMatchWithOneCondition_NoErrors(string which)
    {
        var match = which switch
        {
            "exact" => new StringMatch { Exact = "beta" },
            "prefix" => new StringMatch { Prefix = "be" },
            _ => new StringMatch { Regex = "^be.*$" },
        };
        var policy = WithHeader("x-a", match);

        var errors = RoutePolicyValidator.Validate(policy);

        Assert.Empty(errors);
    }

    [Fact]
    public void Validate_HeaderNameWithSpace_ReportsHeaderKey()
    {
        var policy = WithHeader("x a", new StringMatch { Exact = "b" });

        var errors = RoutePolicyValidator.Validate(policy);

        ErrorAssert.Single(errors, "rules[0].match.headers[\"x a\"]", "is not a valid header name");
    }

    [Fact]
    public void Validate_NullHeaderMatch_ReportsHeaderKey()
    {
        var policy = WithHeader("x-a", null!);

        var errors = RoutePolicyValidator.Validate(policy);

        ErrorAssert.Single(errors, "rules[0].match.headers[\"x-a\"]", "must not be null");
    }

    [Fact]
    public void Validate_HeadersNull_ReportsHeaders()
    {
        var policy = WithMatch(new RouteMatch { Headers = null! });

        var errors = RoutePolicyValidator.Validate(policy);

        ErrorAssert.Single(errors, "rules[0].match.headers", "must not be null");
    }

    [Fact]
    public void Validate_RuleNameNotDnsLabel_ReportsRuleName()
    {
        var policy = Example() with { Rules = [Beta(To("v2", 100)) with { Name = "Beta_Users" }, Example().Rules[1]] };

        var errors = RoutePolicyValidator.Validate(policy);

        ErrorAssert.Single(errors, "rules[0].name", "is not a DNS label");
    }

    [Fact]
    public void Validate_TwoRulesWithSameName_ReportsTheSecond()
    {
        var policy = Example() with
        {
            Rules = [Beta(To("v2", 100)) with { Name = "canary" }, CatchAll(To("v1", 100)) with { Name = "canary" }],
        };

        var errors = RoutePolicyValidator.Validate(policy);

        var error = Assert.Single(errors);
        Assert.Equal("rules[1].name", error.Field);
        Assert.Equal("\"canary\" is used by another rule", error.Reason);
    }

    [Fact]
    public void Validate_DistinctRuleNames_NoErrors()
    {
        var policy = Example() with
        {
            Rules = [Beta(To("v2", 100)) with { Name = "beta" }, CatchAll(To("v1", 100)) with { Name = "rest" }],
        };

        var errors = RoutePolicyValidator.Validate(policy);

        Assert.Empty(errors);
    }

    [Fact]
    public void Validate_ThreeIndependentMistakes_ReportsAllThree()
    {
        var policy = Example() with
        {
            Rules =
            [
                Beta(To("v2", 100)) with { Match = new RouteMatch { Methods = ["get"] } },
                CatchAll(To("v1", 90), To("v2", 20)),
            ],
            Mirror = new Mirror { Subset = "v2", Percent = 0 },
        };

        var errors = RoutePolicyValidator.Validate(policy);

        Assert.Equal(3, errors.Count);
        ErrorAssert.Has(errors, "rules[0].match.methods[0]", "\"get\" is not one of");
        ErrorAssert.Has(errors, "rules[1].destinations", "weights sum to 110, must be 100");
        ErrorAssert.Has(errors, "mirror.percent", "0 is not above 0 and at most 100");
    }
}
