using System.Text.Json.Nodes;
using Mesh.Policy.Access;
using Mesh.Policy.Documents;
using Mesh.Policy.Faults;
using Mesh.Policy.Resilience;
using Mesh.Policy.Routing;
using Mesh.Policy.Services;
using Microsoft.Extensions.Time.Testing;

namespace Mesh.Policy.Tests.Documents;

public class ConfigDocumentsTests
{
    private const string ExampleRoutes = """
        { "subsets": [ {"name":"v1","labels":{"version":"v1"}}, {"name":"v2","labels":{"version":"v2"}} ],
          "rules": [
            { "match": {"headers": {"x-user-group": {"exact": "beta"}}},
              "destinations": [ {"subset":"v2","weight":100} ] },
            { "destinations": [ {"subset":"v1","weight":90}, {"subset":"v2","weight":10} ] } ] }
        """;

    private const string ExampleRoutesCanonical =
        """{"subsets":[{"name":"v1","labels":{"version":"v1"}},{"name":"v2","labels":{"version":"v2"}}],"rules":[{"match":{"headers":{"x-user-group":{"exact":"beta"}}},"destinations":[{"subset":"v2","weight":100}]},{"destinations":[{"subset":"v1","weight":90},{"subset":"v2","weight":10}]}]}""";

    /// <summary>The example with every object's keys written in another order.</summary>
    private const string ExampleRoutesReordered = """
        { "rules": [
            { "destinations": [ {"weight":100,"subset":"v2"} ], "match": {"headers": {"x-user-group": {"exact": "beta"}}} },
            { "destinations": [ {"weight":90,"subset":"v1"}, {"subset":"v2","weight":10} ] } ],
          "subsets": [ {"labels":{"version":"v1"},"name":"v1"}, {"labels":{"version":"v2"},"name":"v2"} ] }
        """;

    private static readonly DateTimeOffset _now = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(_now);

    private ConfigDocuments Documents() => new(_time);

    /// <summary>A one-rule route document whose only rule matches on header <c>x-a</c> with <paramref name="headerMatch"/>.</summary>
    private static string RoutesWithHeader(string headerMatch) =>
        $$$"""{"subsets":[{"name":"v1","labels":{"version":"v1"}}],"rules":[{"match":{"headers":{"x-a":{{{headerMatch}}}}},"destinations":[{"subset":"v1","weight":100}]}]}""";

    private static string FaultExpiring(string expiresAt) =>
        $$"""{"faults":[{"delay":{"fixedMs":100,"percent":50},"expiresAt":"{{expiresAt}}"}]}""";

    [Fact]
    public void Read_ExampleRoutes_IsValid()
    {
        var result = Documents().Read(ConfigKind.Routes, ExampleRoutes);

        Assert.True(result.IsValid);
        Assert.False(result.Malformed);
        Assert.Empty(result.Errors);
        var document = Assert.IsType<ConfigDocument>(result.Document);
        Assert.Equal(ConfigKind.Routes, document.Kind);
        var spec = Assert.IsType<RoutePolicy>(document.Spec);
        Assert.Equal(["v1", "v2"], spec.Subsets.Select(s => s.Name));
        Assert.Equal("beta", spec.Rules[0].Match!.Headers["x-user-group"].Exact);
        Assert.Null(spec.Rules[1].Match);
        Assert.Equal([90, 10], spec.Rules[1].Destinations.Select(d => d.Weight));
    }

    [Fact]
    public void Read_ExampleRoutes_CanonicalJsonIsCompactInDeclarationOrder()
    {
        var result = Documents().Read(ConfigKind.Routes, ExampleRoutes);

        Assert.Equal(ExampleRoutesCanonical, result.Document?.Json);
    }

    [Fact]
    public void Read_CanonicalJson_GivesIdenticalText()
    {
        var documents = Documents();
        var first = documents.Read(ConfigKind.Routes, ExampleRoutes).Document!.Json;

        var second = documents.Read(ConfigKind.Routes, first);

        Assert.Equal(first, second.Document?.Json);
    }

    [Fact]
    public void Read_KeysInAnotherOrder_GivesSameCanonicalJson()
    {
        var result = Documents().Read(ConfigKind.Routes, ExampleRoutesReordered);

        Assert.Equal(ExampleRoutesCanonical, result.Document?.Json);
    }

    [Fact]
    public void Read_EmptyListsAndMaps_LeftOutOfCanonicalJson()
    {
        const string json = """
            {"defaultAction":"deny","rules":[{"source":"web","destination":"orders","methods":[],"pathPrefixes":[],"action":"allow"}]}
            """;

        var result = Documents().Read(ConfigKind.Access, json);

        Assert.Equal("""{"defaultAction":"deny","rules":[{"source":"web","destination":"orders","action":"allow"}]}""", result.Document?.Json);
    }

    [Fact]
    public void Read_MatchWithEmptyHeaders_WrittenAsEmptyMatchAndReadBackTheSame()
    {
        var documents = Documents();
        const string json = """{"subsets":[{"name":"v1","labels":{"version":"v1"}}],"rules":[{"match":{"headers":{},"methods":[]},"destinations":[{"subset":"v1","weight":100}]}]}""";

        var first = documents.Read(ConfigKind.Routes, json).Document!.Json;
        var second = documents.Read(ConfigKind.Routes, first).Document;

        Assert.Equal("""{"subsets":[{"name":"v1","labels":{"version":"v1"}}],"rules":[{"match":{},"destinations":[{"subset":"v1","weight":100}]}]}""", first);
        Assert.NotNull(Assert.IsType<RoutePolicy>(second?.Spec).Rules[0].Match);
        Assert.Equal(first, second?.Json);
    }

    [Fact]
    public void Read_JsonObject_SameResultAsText()
    {
        var body = JsonNode.Parse(ExampleRoutes)!.AsObject();

        var result = Documents().Read(ConfigKind.Routes, body);

        Assert.Equal(ExampleRoutesCanonical, result.Document?.Json);
    }

    [Fact]
    public void Pretty_KeysInAnotherOrder_IndentsInCanonicalOrder()
    {
        const string stored = """{"loadBalancer":{"hashHeader":"x-user","policy":"consistent-hash"},"timeoutMs":1000}""";

        var pretty = ConfigDocuments.Pretty(ConfigKind.Resilience, stored);

        Assert.Equal(
            """
            {
              "timeoutMs": 1000,
              "loadBalancer": {
                "policy": "consistent-hash",
                "hashHeader": "x-user"
              }
            }
            """.ReplaceLineEndings("\n"),
            pretty.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Pretty_ReorderedExample_SameTextAsCanonicalExample()
    {
        var fromCanonical = ConfigDocuments.Pretty(ConfigKind.Routes, ExampleRoutesCanonical);

        var fromReordered = ConfigDocuments.Pretty(ConfigKind.Routes, ExampleRoutesReordered);

        Assert.Equal(fromCanonical, fromReordered);
        Assert.True(fromCanonical.IndexOf("\"subsets\"", StringComparison.Ordinal) < fromCanonical.IndexOf("\"rules\"", StringComparison.Ordinal));
        Assert.Contains("\n", fromCanonical, StringComparison.Ordinal);
    }

    [Fact]
    public void Deserialize_CanonicalJson_ReturnsTypedSpec()
    {
        var spec = ConfigDocuments.Deserialize<RoutePolicy>(ExampleRoutesCanonical);

        Assert.Equal(2, spec.Rules.Count);
        Assert.Equal("v2", spec.Rules[0].Destinations[0].Subset);
    }

    [Theory]
    [InlineData(ConfigKind.Service, typeof(ServiceSpec))]
    [InlineData(ConfigKind.Routes, typeof(RoutePolicy))]
    [InlineData(ConfigKind.Resilience, typeof(ResiliencePolicy))]
    [InlineData(ConfigKind.Faults, typeof(FaultPolicy))]
    [InlineData(ConfigKind.Access, typeof(AccessPolicy))]
    public void SpecType_EachKind_ReturnsItsSpecType(ConfigKind kind, Type expected)
    {
        Assert.Equal(expected, ConfigDocuments.SpecType(kind));
    }

    [Fact]
    public void Read_UnknownTopLevelField_ReportsItsName()
    {
        var json = ExampleRoutesCanonical[..^1] + ""","weights":{}}""";

        var result = Documents().Read(ConfigKind.Routes, json);

        Assert.False(result.Malformed);
        var error = Assert.Single(result.Errors);
        Assert.Equal("weights", error.Field);
        Assert.Equal("unknown field", error.Reason);
    }

    [Fact]
    public void Read_UnknownNestedField_ReportsItsPath()
    {
        var json = ExampleRoutesCanonical.Replace("""{"subset":"v1","weight":90}""", """{"subset":"v1","share":90}""", StringComparison.Ordinal);

        var result = Documents().Read(ConfigKind.Routes, json);

        var error = Assert.Single(result.Errors);
        Assert.Equal("rules[1].destinations[0].share", error.Field);
        Assert.Equal("unknown field", error.Reason);
    }

    [Theory]
    [InlineData(ConfigKind.Routes, """{"subsets":[],"rules":[{"destinations":[{"subset":"v1","weight":"100"}]}]}""", "rules[0].destinations[0].weight", "must be an integer")]
    [InlineData(ConfigKind.Routes, """{"subsets":[],"rules":[{"destinations":[{"subset":"v1","weight":12.5}]}]}""", "rules[0].destinations[0].weight", "must be an integer")]
    [InlineData(ConfigKind.Resilience, """{"timeoutMs":"1000"}""", "timeoutMs", "must be an integer")]
    [InlineData(ConfigKind.Routes, """{"mirror":{"subset":"v1","percent":"5"}}""", "mirror.percent", "must be a number")]
    [InlineData(ConfigKind.Routes, """{"subsets":[{"name":1}]}""", "subsets[0].name", "must be a string")]
    [InlineData(ConfigKind.Resilience, """{"retries":{"attempts":1,"retryOn":["5xx"],"retryNonIdempotent":"yes"}}""", "retries.retryNonIdempotent", "must be true or false")]
    [InlineData(ConfigKind.Routes, """{"rules":{}}""", "rules", "must be an array")]
    [InlineData(ConfigKind.Routes, """{"mirror":"v1"}""", "mirror", "must be an object")]
    [InlineData(ConfigKind.Routes, """{"subsets":[{"name":"v1","labels":["version"]}]}""", "subsets[0].labels", "must be an object")]
    [InlineData(ConfigKind.Faults, """{"faults":[{"expiresAt":"tomorrow"}]}""", "faults[0].expiresAt", "must be an ISO 8601 date-time with offset")]
    public void Read_WrongType_ReportsFieldAndExpectedType(ConfigKind kind, string json, string field, string reason)
    {
        var result = Documents().Read(kind, json);

        Assert.False(result.Malformed);
        var error = ErrorAssert.Single(result.Errors, field, reason);
        Assert.StartsWith(reason, error.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"subsets":null,"rules":[]}""", "subsets")]
    [InlineData("""{"subsets":[],"rules":null}""", "rules")]
    [InlineData("""{"subsets":[{"name":"v1","labels":{"version":"v1"}}],"rules":[null]}""", "rules[0]")]
    [InlineData("""{"subsets":[null],"rules":[{"destinations":[]}]}""", "subsets[0]")]
    [InlineData("""{"subsets":[{"name":"v1","labels":{"version":"v1"}}],"rules":[{"destinations":null}]}""", "rules[0].destinations")]
    [InlineData("""{"subsets":[{"name":null,"labels":{"version":"v1"}}],"rules":[]}""", "subsets[0].name")]
    public void Read_NullInListOrRequiredField_ReportsMustNotBeNull(string json, string field)
    {
        var result = Documents().Read(ConfigKind.Routes, json);

        Assert.False(result.Malformed);
        ErrorAssert.Has(result.Errors, field, "must not be null");
    }

    [Theory]
    [InlineData("{")]
    [InlineData("""{"rules": [}""")]
    [InlineData("""{"rules": [],}""")]
    [InlineData("""{/* comment */ "rules": []}""")]
    [InlineData("""{'rules': []}""")]
    [InlineData("not json")]
    [InlineData("""{"rules": []} {}""")]
    public void Read_MalformedJson_MalformedWithReason(string json)
    {
        var result = Documents().Read(ConfigKind.Routes, json);

        Assert.True(result.Malformed);
        Assert.False(result.IsValid);
        Assert.Null(result.Document);
        var error = Assert.Single(result.Errors);
        Assert.StartsWith("malformed JSON", error.Reason, StringComparison.Ordinal);
        Assert.Contains("(line 1, byte ", error.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\n")]
    public void Read_EmptyBody_Malformed(string json)
    {
        var result = Documents().Read(ConfigKind.Access, json);

        Assert.True(result.Malformed);
        var error = Assert.Single(result.Errors);
        Assert.Equal("", error.Field);
        Assert.StartsWith("malformed JSON", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_NullText_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => Documents().Read(ConfigKind.Routes, (string)null!));
    }

    [Fact]
    public void Read_JsonNullDocument_NotMalformedButRefused()
    {
        var result = Documents().Read(ConfigKind.Routes, "null");

        Assert.False(result.Malformed);
        var error = Assert.Single(result.Errors);
        Assert.Equal("", error.Field);
        Assert.Equal("the document must be a JSON object, not null", error.Reason);
    }

    [Fact]
    public void Read_ArrayDocument_ReportsMustBeObject()
    {
        var result = Documents().Read(ConfigKind.Access, "[]");

        Assert.False(result.Malformed);
        ErrorAssert.Single(result.Errors, "", "must be an object");
    }

    [Fact]
    public void Read_DuplicateKey_ReportsKeyTwice()
    {
        var result = Documents().Read(ConfigKind.Resilience, """{"timeoutMs":1000,"timeoutMs":2000}""");

        Assert.False(result.Malformed);
        ErrorAssert.Single(result.Errors, "timeoutMs", "a key appears twice");
    }

    [Fact]
    public void Read_ValidJsonWithThreeMistakes_NotMalformedAndReportsAllThree()
    {
        var json = ExampleRoutesCanonical
            .Replace("\"weight\":10}", "\"weight\":20}", StringComparison.Ordinal)
            .Replace("{\"exact\":\"beta\"}}", "{\"exact\":\"beta\"}},\"methods\":[\"get\"]", StringComparison.Ordinal)[..^1] + ""","mirror":{"subset":"v3","percent":5}}""";

        var result = Documents().Read(ConfigKind.Routes, json);

        Assert.False(result.Malformed);
        Assert.Null(result.Document);
        Assert.Equal(3, result.Errors.Count);
        var weights = Assert.Single(result.Errors, e => e.Field == "rules[1].destinations");
        Assert.Equal("weights sum to 110, must be 100", weights.Reason);
        ErrorAssert.Has(result.Errors, "rules[0].match.methods[0]", "\"get\" is not one of");
        ErrorAssert.Has(result.Errors, "mirror.subset", "unknown subset \"v3\"");
    }

    [Fact]
    public void Read_ResilienceEnumWords_ReadAndWrittenExactly()
    {
        const string json = """
            {"retries":{"attempts":2,"retryOn":["5xx","connect-failure","reset","gateway-error"]},
             "rateLimit":{"tokensPerSecond":10,"burst":20,"scope":"per-source"},
             "loadBalancer":{"policy":"round-robin"}}
            """;

        var result = Documents().Read(ConfigKind.Resilience, json);

        var spec = Assert.IsType<ResiliencePolicy>(result.Document?.Spec);
        Assert.Equal([RetryOn.ServerError, RetryOn.ConnectFailure, RetryOn.Reset, RetryOn.GatewayError], spec.Retries!.RetryOn);
        Assert.Equal(RateLimitScope.PerSource, spec.RateLimit!.Scope);
        Assert.Equal(LoadBalancerKind.RoundRobin, spec.LoadBalancer!.Policy);
        Assert.Equal(
            """{"retries":{"attempts":2,"retryOn":["5xx","connect-failure","reset","gateway-error"],"retryNonIdempotent":false},"rateLimit":{"tokensPerSecond":10,"burst":20,"scope":"per-source"},"loadBalancer":{"policy":"round-robin"}}""",
            result.Document!.Json);
    }

    [Theory]
    [InlineData(LoadBalancerKind.RoundRobin, "round-robin")]
    [InlineData(LoadBalancerKind.Random, "random")]
    [InlineData(LoadBalancerKind.LeastRequest, "least-request")]
    public void Validate_LoadBalancerKind_WrittenAsKebabWord(LoadBalancerKind kind, string word)
    {
        var spec = new ResiliencePolicy { LoadBalancer = new LoadBalancerPolicy { Policy = kind } };

        var result = Documents().Validate(ConfigKind.Resilience, spec);

        Assert.Equal($$$"""{"loadBalancer":{"policy":"{{{word}}}"}}""", result.Document?.Json);
    }

    [Fact]
    public void Validate_TypedResilienceSpec_WritesEnumWords()
    {
        var spec = new ResiliencePolicy
        {
            Retries = new RetryPolicy { Attempts = 1, RetryOn = [RetryOn.ServerError, RetryOn.GatewayError] },
            RateLimit = new RateLimitPolicy { TokensPerSecond = 1, Burst = 1 },
            LoadBalancer = new LoadBalancerPolicy { Policy = LoadBalancerKind.ConsistentHash, HashHeader = "x-user" },
        };

        var result = Documents().Validate(ConfigKind.Resilience, spec);

        var json = Assert.IsType<ConfigDocument>(result.Document).Json;
        Assert.Contains("\"retryOn\":[\"5xx\",\"gateway-error\"]", json, StringComparison.Ordinal);
        Assert.Contains("\"scope\":\"global\"", json, StringComparison.Ordinal);
        Assert.Contains("\"policy\":\"consistent-hash\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_AccessWords_ReadAndWrittenExactly()
    {
        const string json = """
            {"defaultAction":"deny","rules":[
              {"source":"web","destination":"orders","action":"allow"},
              {"source":"*","destination":"orders","action":"deny","methods":["DELETE"]}]}
            """;

        var result = Documents().Read(ConfigKind.Access, json);

        var spec = Assert.IsType<AccessPolicy>(result.Document?.Spec);
        Assert.Equal(AccessAction.Deny, spec.DefaultAction);
        Assert.Equal([AccessAction.Allow, AccessAction.Deny], spec.Rules.Select(r => r.Action));
        Assert.Equal(
            """{"defaultAction":"deny","rules":[{"source":"web","destination":"orders","action":"allow"},{"source":"*","destination":"orders","methods":["DELETE"],"action":"deny"}]}""",
            result.Document!.Json);
    }

    [Theory]
    [InlineData(ConfigKind.Access, """{"defaultAction":"Allow"}""", "defaultAction", "\"Allow\" is not one of allow, deny")]
    [InlineData(ConfigKind.Access, """{"defaultAction":1}""", "defaultAction", "must be one of allow, deny")]
    [InlineData(ConfigKind.Access, """{"rules":[{"source":"*","destination":"*","action":"permit"}]}""", "rules[0].action", "\"permit\" is not one of allow, deny")]
    [InlineData(ConfigKind.Resilience, """{"retries":{"attempts":1,"retryOn":["5xx","500"]}}""", "retries.retryOn[1]", "\"500\" is not one of 5xx, connect-failure, reset, gateway-error")]
    [InlineData(ConfigKind.Resilience, """{"retries":{"attempts":1,"retryOn":["ConnectFailure"]}}""", "retries.retryOn[0]", "\"ConnectFailure\" is not one of 5xx, connect-failure, reset, gateway-error")]
    [InlineData(ConfigKind.Resilience, """{"rateLimit":{"tokensPerSecond":1,"burst":1,"scope":"perSource"}}""", "rateLimit.scope", "\"perSource\" is not one of global, per-source")]
    [InlineData(ConfigKind.Resilience, """{"loadBalancer":{"policy":"round_robin"}}""", "loadBalancer.policy", "\"round_robin\" is not one of round-robin, random, least-request, consistent-hash")]
    public void Read_BadEnumWord_ListsAllowedWords(ConfigKind kind, string json, string field, string reason)
    {
        var result = Documents().Read(kind, json);

        Assert.False(result.Malformed);
        var error = Assert.Single(result.Errors);
        Assert.Equal(field, error.Field);
        Assert.Equal(reason, error.Reason);
    }

    [Fact]
    public void Read_HeaderValueOfWrongType_PathRendersHeaderKey()
    {
        var result = Documents().Read(ConfigKind.Routes, RoutesWithHeader("""{"exact":5}"""));

        var error = Assert.Single(result.Errors);
        Assert.Equal("rules[0].match.headers[\"x-a\"].exact", error.Field);
        Assert.Equal("must be a string", error.Reason);
    }

    [Fact]
    public void Read_UnknownFieldInHeaderMatch_PathRendersHeaderKey()
    {
        var result = Documents().Read(ConfigKind.Routes, RoutesWithHeader("""{"exakt":"b"}"""));

        var error = Assert.Single(result.Errors);
        Assert.Equal("rules[0].match.headers[\"x-a\"].exakt", error.Field);
        Assert.Equal("unknown field", error.Reason);
    }

    [Fact]
    public void Read_NullHeaderMatch_PathRendersHeaderKey()
    {
        var result = Documents().Read(ConfigKind.Routes, RoutesWithHeader("null"));

        ErrorAssert.Single(result.Errors, "rules[0].match.headers[\"x-a\"]", "must not be null");
    }

    [Fact]
    public void Read_InvalidRegexInHeader_ReportsRegexUnderHeaderKey()
    {
        var result = Documents().Read(ConfigKind.Routes, RoutesWithHeader("""{"regex":"(a"}"""));

        Assert.False(result.Malformed);
        var error = Assert.Single(result.Errors);
        Assert.Equal("rules[0].match.headers[\"x-a\"].regex", error.Field);
        Assert.StartsWith("invalid pattern (", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_BackreferenceInHeader_Refused()
    {
        var result = Documents().Read(ConfigKind.Routes, RoutesWithHeader("""{"regex":"(a)\\1"}"""));

        ErrorAssert.Single(result.Errors, "rules[0].match.headers[\"x-a\"].regex", "invalid pattern (");
    }

    [Fact]
    public void Read_CatastrophicRegexInHeader_Accepted()
    {
        var result = Documents().Read(ConfigKind.Routes, RoutesWithHeader("""{"regex":"(a+)+$"}"""));

        Assert.True(result.IsValid);
    }

    [Fact]
    public void Read_LabelKeyWithDots_PathQuotesWholeKey()
    {
        const string json = """{"subsets":[{"name":"v1","labels":{"topology.kubernetes.io/zone":5}}],"rules":[]}""";

        var result = Documents().Read(ConfigKind.Routes, json);

        ErrorAssert.Single(result.Errors, "subsets[0].labels[\"topology.kubernetes.io/zone\"]", "must be a string");
    }

    [Fact]
    public void Read_HeaderKeyWithDot_PathQuotesWholeKey()
    {
        var json = RoutesWithHeader("""{"exact":5}""").Replace("\"x-a\"", "\"x.a\"", StringComparison.Ordinal);

        var result = Documents().Read(ConfigKind.Routes, json);

        ErrorAssert.Single(result.Errors, "rules[0].match.headers[\"x.a\"].exact", "must be a string");
    }

    /// <summary>
    /// <c>x'a</c> is a valid header name (an RFC 9110 token), and System.Text.Json writes it as
    /// <c>['x'a']</c> in its path. Exposes a bug: the path is passed through as <c>headers['x'a']</c>
    /// instead of rendering like every other key.
    /// </summary>
    [Fact]
    public void Read_HeaderKeyWithApostrophe_PathRendersLikeOtherKeys()
    {
        var json = RoutesWithHeader("""{"exact":5}""").Replace("\"x-a\"", "\"x'a\"", StringComparison.Ordinal);

        var result = Documents().Read(ConfigKind.Routes, json);

        ErrorAssert.Single(result.Errors, "rules[0].match.headers[\"x'a\"].exact", "must be a string");
    }

    [Fact]
    public void Read_HtmlAndNonAsciiCharacters_CanonicalJsonKeepsThemReadable()
    {
        const string json = """{"defaultAction":"allow","rules":[{"source":"*","destination":"shop","action":"allow","pathPrefixes":["/a<b>&café"]}]}""";

        var result = Documents().Read(ConfigKind.Access, json);

        Assert.Contains("\"/a<b>&café\"", result.Document?.Json, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_FaultExpiringWithinAWeekOfFakeClock_Valid()
    {
        var result = Documents().Read(ConfigKind.Faults, FaultExpiring("2030-01-03T00:00:00Z"));

        Assert.True(result.IsValid);
        var spec = Assert.IsType<FaultPolicy>(result.Document!.Spec);
        Assert.Equal(_now.AddDays(2), spec.Faults[0].ExpiresAt);
    }

    [Fact]
    public void Read_FaultAfterFakeClockPassedExpiry_Refused()
    {
        var documents = Documents();
        _time.Advance(TimeSpan.FromDays(3));

        var result = documents.Read(ConfigKind.Faults, FaultExpiring("2030-01-03T00:00:00Z"));

        Assert.False(result.Malformed);
        ErrorAssert.Single(result.Errors, "faults[0].expiresAt", "is not in the future");
    }

    [Fact]
    public void Read_FaultExpiringMoreThanAWeekAway_Refused()
    {
        var result = Documents().Read(ConfigKind.Faults, FaultExpiring("2030-01-09T00:00:00Z"));

        ErrorAssert.Single(result.Errors, "faults[0].expiresAt", "is more than 7 days away");
    }

    /// <summary>
    /// An expiry without an offset means a different instant on each host's time zone; the reason
    /// for an unreadable expiry already asks for a date-time "with offset". Exposes a bug: the value
    /// is accepted and read in the host's local zone.
    /// </summary>
    [Fact]
    public void Read_ExpiresAtWithoutOffset_Refused()
    {
        var result = Documents().Read(ConfigKind.Faults, FaultExpiring("2030-01-02T12:00:00"));

        Assert.False(result.IsValid);
        ErrorAssert.Single(result.Errors, "faults[0].expiresAt", "with offset");
    }

    [Fact]
    public void Read_Service_ValidAndTooLongOwner()
    {
        var documents = Documents();
        var longOwner = new string('o', 201);

        var valid = documents.Read(ConfigKind.Service, """{"owner":"team-orders","description":"Order intake"}""");
        var invalid = documents.Read(ConfigKind.Service, $$"""{"owner":"{{longOwner}}","description":""}""");

        Assert.Equal("""{"owner":"team-orders","description":"Order intake"}""", valid.Document?.Json);
        ErrorAssert.Single(invalid.Errors, "owner", "at most 200 characters");
    }

    [Fact]
    public void Validate_SpecOfAnotherKind_Throws()
    {
        var spec = new ResiliencePolicy();

        var ex = Assert.Throws<ArgumentException>(() => Documents().Validate(ConfigKind.Routes, spec));

        Assert.Equal("spec", ex.ParamName);
        Assert.Contains("ResiliencePolicy is not a routes spec", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_InvalidTypedSpec_ReturnsErrorsWithoutDocument()
    {
        var spec = new AccessPolicy { Rules = [new AccessRule { Source = "Web", Destination = "orders" }] };

        var result = Documents().Validate(ConfigKind.Access, spec);

        Assert.False(result.IsValid);
        Assert.False(result.Malformed);
        ErrorAssert.Single(result.Errors, "rules[0].source", "is not a DNS label");
    }

    /// <summary>
    /// Exposes a bug: a typed resilience spec holding an undefined enum value passes validation and
    /// then makes the canonical JSON writer throw KeyNotFoundException instead of yielding an error.
    /// </summary>
    [Fact]
    public void Validate_UndefinedEnumInTypedSpec_ReturnsErrorInsteadOfThrowing()
    {
        var spec = new ResiliencePolicy
        {
            RateLimit = new RateLimitPolicy { TokensPerSecond = 1, Burst = 1, Scope = (RateLimitScope)7 },
        };

        var result = Record.Exception(() => Documents().Validate(ConfigKind.Resilience, spec));

        Assert.Null(result);
    }

    [Fact]
    public void Read_AccessRuleWithoutAction_RequiredNotFailOpen()
    {
        const string json = """{"defaultAction":"deny","rules":[{"source":"frontend","destination":"orders"}]}""";

        var result = Documents().Read(ConfigKind.Access, json);

        ErrorAssert.Single(result.Errors, "rules[0].action", "required");
    }

    [Fact]
    public void Read_AccessWithoutDefaultAction_Required()
    {
        var result = Documents().Read(ConfigKind.Access, """{"rules":[]}""");

        ErrorAssert.Single(result.Errors, "defaultAction", "required");
    }

    [Fact]
    public void Read_FieldInOtherCase_UnknownField()
    {
        var result = Documents().Read(ConfigKind.Service, """{"Owner":"team"}""");

        ErrorAssert.Single(result.Errors, "Owner", "unknown field");
    }
}
