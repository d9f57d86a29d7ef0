using Mesh.Policy.Routing;

namespace Mesh.Policy.Tests.Routing;

public class CompiledRoutePolicyTests
{
    private static readonly Func<string, string?> _noHeaders = _ => null;

    private static Subset NewSubset(string name) =>
        new() { Name = name, Labels = new Dictionary<string, string> { ["version"] = name } };

    private static WeightedDestination To(string subset, int weight) => new() { Subset = subset, Weight = weight };

    private static RouteMatch HeaderMatch(string header, StringMatch match) =>
        new() { Headers = new Dictionary<string, StringMatch> { [header] = match } };

    private static RouteRule Rule(RouteMatch? match, params WeightedDestination[] destinations) =>
        new() { Match = match, Destinations = destinations };

    private static CompiledRoutePolicy Compile(params RouteRule[] rules) =>
        new(new RoutePolicy { Subsets = [NewSubset("v1"), NewSubset("v2"), NewSubset("v3")], Rules = rules });

    /// <summary>A policy whose only rule needs <paramref name="header"/> to meet <paramref name="match"/>.</summary>
    private static CompiledRoutePolicy HeaderPolicy(string header, StringMatch match) =>
        Compile(Rule(HeaderMatch(header, match), To("v2", 100)));

    private static Func<string, string?> Headers(params (string Name, string Value)[] headers) =>
        name => headers.Where(h => h.Name == name).Select(h => h.Value).FirstOrDefault();

    [Fact]
    public void Select_TwoRulesBothMatching_FirstWins()
    {
        var policy = Compile(
            Rule(new RouteMatch { PathPrefix = "/api/" }, To("v2", 100)),
            Rule(new RouteMatch { PathPrefix = "/api/orders" }, To("v3", 100)));

        var choice = policy.Select("GET", "/api/orders/1", _noHeaders, 0);

        Assert.NotNull(choice);
        Assert.Equal(0, choice.RuleIndex);
        Assert.Equal("v2", choice.Subset);
    }

    [Fact]
    public void Select_FirstRuleNotMatching_SecondRuleChosen()
    {
        var policy = Compile(
            Rule(HeaderMatch("x-user-group", new StringMatch { Exact = "beta" }), To("v2", 100)),
            Rule(null, To("v1", 100)));

        var choice = policy.Select("GET", "/", _noHeaders, 0);

        Assert.NotNull(choice);
        Assert.Equal(1, choice.RuleIndex);
        Assert.Equal("v1", choice.Subset);
    }

    [Fact]
    public void Select_RuleWithoutMatch_CatchesEveryRequest()
    {
        var policy = Compile(Rule(null, To("v1", 100)));

        var choice = policy.Select("DELETE", "/anything/at/all", _noHeaders, 50);

        Assert.NotNull(choice);
        Assert.Equal("v1", choice.Subset);
    }

    [Fact]
    public void Select_RuleWithEmptyMatch_CatchesEveryRequest()
    {
        var policy = Compile(Rule(new RouteMatch(), To("v1", 100)));

        var choice = policy.Select("PATCH", "/x", _noHeaders, 99);

        Assert.NotNull(choice);
        Assert.Equal("v1", choice.Subset);
    }

    [Fact]
    public void Select_NoRuleMatches_ReturnsNull()
    {
        var policy = Compile(
            Rule(new RouteMatch { PathPrefix = "/api/" }, To("v2", 100)),
            Rule(HeaderMatch("x-user-group", new StringMatch { Exact = "beta" }), To("v3", 100)));

        var choice = policy.Select("GET", "/health", _noHeaders, 0);

        Assert.Null(choice);
    }

    [Fact]
    public void Select_NoRules_ReturnsNull()
    {
        var policy = Compile();

        var choice = policy.Select("GET", "/", _noHeaders, 0);

        Assert.Null(choice);
    }

    [Theory]
    [InlineData("beta", true)]
    [InlineData("Beta", false)]
    [InlineData("beta2", false)]
    [InlineData("bet", false)]
    [InlineData("", false)]
    public void Select_ExactHeader_MatchesOnlyEqualValueCaseSensitively(string value, bool matches)
    {
        var policy = HeaderPolicy("x-user-group", new StringMatch { Exact = "beta" });

        var choice = policy.Select("GET", "/", Headers(("x-user-group", value)), 0);

        Assert.Equal(matches, choice is not null);
    }

    [Theory]
    [InlineData("beta", true)]
    [InlineData("beta-users", true)]
    [InlineData("be", false)]
    [InlineData("Beta-users", false)]
    [InlineData("not-beta", false)]
    public void Select_PrefixHeader_MatchesValuesStartingWithPrefixCaseSensitively(string value, bool matches)
    {
        var policy = HeaderPolicy("x-user-group", new StringMatch { Prefix = "beta" });

        var choice = policy.Select("GET", "/", Headers(("x-user-group", value)), 0);

        Assert.Equal(matches, choice is not null);
    }

    [Theory]
    [InlineData("^be.*$", "beta", true)]
    [InlineData("^be.*$", "alpha", false)]
    [InlineData("^[0-9]+$", "123", true)]
    [InlineData("^[0-9]+$", "12a", false)]
    public void Select_AnchoredRegexHeader_MatchesWholeValue(string pattern, string value, bool matches)
    {
        var policy = HeaderPolicy("x-user-group", new StringMatch { Regex = pattern });

        var choice = policy.Select("GET", "/", Headers(("x-user-group", value)), 0);

        Assert.Equal(matches, choice is not null);
    }

    [Theory]
    [InlineData("beta", "not-beta-user")]
    [InlineData("[0-9]+", "abc123def")]
    public void Select_UnanchoredRegexHeader_MustMatchTheWholeValue(string pattern, string value)
    {
        // As Envoy's safe_regex: a pattern that matches only part of the value does not match.
        var policy = HeaderPolicy("x-user-group", new StringMatch { Regex = pattern });

        var choice = policy.Select("GET", "/", Headers(("x-user-group", value)), 0);

        Assert.Null(choice);
    }

    [Theory]
    [InlineData("exact")]
    [InlineData("prefix")]
    [InlineData("regex")]
    public void Select_HeaderConditionButHeaderMissing_RuleDoesNotMatch(string which)
    {
        var match = which switch
        {
            "exact" => new StringMatch { Exact = "beta" },
            "prefix" => new StringMatch { Prefix = "be" },
            _ => new StringMatch { Regex = ".*" },
        };
        var policy = HeaderPolicy("x-user-group", match);

        var choice = policy.Select("GET", "/", Headers(("x-other", "beta")), 0);

        Assert.Null(choice);
    }

    [Fact]
    public void Select_HeaderCondition_ReadsHeaderThroughSuppliedFunc()
    {
        var asked = new List<string>();
        var policy = HeaderPolicy("x-user-group", new StringMatch { Exact = "beta" });

        var choice = policy.Select("GET", "/", name =>
        {
            asked.Add(name);
            return name == "x-user-group" ? "beta" : null;
        }, 0);

        Assert.NotNull(choice);
        Assert.Equal(["x-user-group"], asked);
    }

    [Fact]
    public void Select_SeveralHeaderConditions_AllMustHold()
    {
        var match = new RouteMatch
        {
            Headers = new Dictionary<string, StringMatch>
            {
                ["x-user-group"] = new() { Exact = "beta" },
                ["x-region"] = new() { Prefix = "eu-" },
            },
        };
        var policy = Compile(Rule(match, To("v2", 100)));

        var both = policy.Select("GET", "/", Headers(("x-user-group", "beta"), ("x-region", "eu-west")), 0);
        var one = policy.Select("GET", "/", Headers(("x-user-group", "beta"), ("x-region", "us-east")), 0);

        Assert.NotNull(both);
        Assert.Null(one);
    }

    [Theory]
    [InlineData("/api/", true)]
    [InlineData("/api/orders", true)]
    [InlineData("/api", false)]
    [InlineData("/API/orders", false)]
    [InlineData("/v1/api/", false)]
    public void Select_PathPrefix_MatchesPathsStartingWithItCaseSensitively(string path, bool matches)
    {
        var policy = Compile(Rule(new RouteMatch { PathPrefix = "/api/" }, To("v2", 100)));

        var choice = policy.Select("GET", path, _noHeaders, 0);

        Assert.Equal(matches, choice is not null);
    }

    [Theory]
    [InlineData("GET", true)]
    [InlineData("get", true)]
    [InlineData("Post", true)]
    [InlineData("DELETE", false)]
    public void Select_Methods_ComparedCaseInsensitively(string method, bool matches)
    {
        var policy = Compile(Rule(new RouteMatch { Methods = ["GET", "POST"] }, To("v2", 100)));

        var choice = policy.Select(method, "/", _noHeaders, 0);

        Assert.Equal(matches, choice is not null);
    }

    [Fact]
    public void Select_MethodAndPathAndHeader_AllMustHold()
    {
        var match = new RouteMatch
        {
            Methods = ["GET"],
            PathPrefix = "/api/",
            Headers = new Dictionary<string, StringMatch> { ["x-user-group"] = new() { Exact = "beta" } },
        };
        var policy = Compile(Rule(match, To("v2", 100)));
        var beta = Headers(("x-user-group", "beta"));

        Assert.NotNull(policy.Select("GET", "/api/x", beta, 0));
        Assert.Null(policy.Select("POST", "/api/x", beta, 0));
        Assert.Null(policy.Select("GET", "/web/x", beta, 0));
        Assert.Null(policy.Select("GET", "/api/x", _noHeaders, 0));
    }

    [Theory]
    [InlineData(0, "v1")]
    [InlineData(89, "v1")]
    [InlineData(90, "v2")]
    [InlineData(99, "v2")]
    public void Select_NinetyTenWithFixedRoll_PicksByCumulativeWeight(int roll, string expected)
    {
        var policy = Compile(Rule(null, To("v1", 90), To("v2", 10)));

        var choice = policy.Select("GET", "/", _noHeaders, roll);

        Assert.NotNull(choice);
        Assert.Equal(expected, choice.Subset);
    }

    [Fact]
    public void Select_EveryRollOfNinetyTenRule_ExactlyNinetyAndTen()
    {
        var policy = Compile(Rule(null, To("v1", 90), To("v2", 10)));

        var counts = Enumerable.Range(0, 100)
            .Select(roll => policy.Select("GET", "/", _noHeaders, roll)!.Subset)
            .GroupBy(subset => subset, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);

        Assert.Equal(2, counts.Count);
        Assert.Equal(90, counts["v1"]);
        Assert.Equal(10, counts["v2"]);
    }

    [Fact]
    public void Select_ZeroWeightDestination_NeverPicked()
    {
        var first = Compile(Rule(null, To("v1", 0), To("v2", 100)));
        var last = Compile(Rule(null, To("v2", 100), To("v1", 0)));
        var middle = Compile(Rule(null, To("v2", 50), To("v1", 0), To("v3", 50)));

        for (var roll = 0; roll < 100; roll++)
        {
            Assert.Equal("v2", first.Select("GET", "/", _noHeaders, roll)!.Subset);
            Assert.Equal("v2", last.Select("GET", "/", _noHeaders, roll)!.Subset);
            Assert.NotEqual("v1", middle.Select("GET", "/", _noHeaders, roll)!.Subset);
        }
    }

    [Fact]
    public void Select_MatchingRule_ChoiceCarriesRuleIndexSubsetAndItsLabels()
    {
        var policy = new CompiledRoutePolicy(new RoutePolicy
        {
            Subsets =
            [
                new Subset { Name = "v1", Labels = new Dictionary<string, string> { ["version"] = "v1" } },
                new Subset { Name = "canary", Labels = new Dictionary<string, string> { ["version"] = "v2", ["track"] = "canary" } },
            ],
            Rules =
            [
                Rule(new RouteMatch { PathPrefix = "/admin/" }, To("v1", 100)),
                Rule(null, To("v1", 50), To("canary", 50)),
            ],
        });

        var choice = policy.Select("GET", "/", _noHeaders, 75);

        Assert.NotNull(choice);
        Assert.Equal(1, choice.RuleIndex);
        Assert.Equal("canary", choice.Subset);
        Assert.Equal(
            new Dictionary<string, string> { ["version"] = "v2", ["track"] = "canary" },
            choice.Labels);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(100)]
    [InlineData(int.MinValue)]
    [InlineData(int.MaxValue)]
    public void Select_RollOutsideZeroToHundred_ThrowsArgumentOutOfRange(int roll)
    {
        var policy = Compile(Rule(null, To("v1", 100)));

        Assert.Throws<ArgumentOutOfRangeException>(() => policy.Select("GET", "/", _noHeaders, roll));
    }

    [Fact]
    public void Select_NullHeaderFunc_ThrowsArgumentNull()
    {
        var policy = Compile(Rule(null, To("v1", 100)));

        Assert.Throws<ArgumentNullException>(() => policy.Select("GET", "/", null!, 0));
    }

    [Fact]
    public void Constructor_NullPolicy_ThrowsArgumentNull()
    {
        Assert.Throws<ArgumentNullException>(() => new CompiledRoutePolicy(null!));
    }

    [Fact]
    public void Policy_AfterCompile_IsTheSourcePolicy()
    {
        var source = new RoutePolicy { Subsets = [NewSubset("v1")], Rules = [Rule(null, To("v1", 100))] };

        var policy = new CompiledRoutePolicy(source);

        Assert.Same(source, policy.Policy);
    }

    [Fact]
    public void Select_CatastrophicRegexOnLongValue_NoMatchWithoutThrowing()
    {
        var policy = Compile(
            Rule(HeaderMatch("x-a", new StringMatch { Regex = "(a+)+$" }), To("v2", 100)));
        var value = new string('a', 30_000) + "!";

        var choice = policy.Select("GET", "/", Headers(("x-a", value)), 0);

        Assert.Null(choice);
    }

    [Fact]
    public void Select_CatastrophicRegexThenCatchAll_FallsThroughToCatchAll()
    {
        var policy = Compile(
            Rule(HeaderMatch("x-a", new StringMatch { Regex = "(a+)+$" }), To("v2", 100)),
            Rule(null, To("v1", 100)));
        var value = new string('a', 30_000) + "!";

        var choice = policy.Select("GET", "/", Headers(("x-a", value)), 0);

        Assert.NotNull(choice);
        Assert.Equal(1, choice.RuleIndex);
        Assert.Equal("v1", choice.Subset);
    }
}
