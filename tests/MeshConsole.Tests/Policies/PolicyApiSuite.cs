using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Mesh.Store;
using Mesh.Testing;

namespace MeshConsole.Tests.Policies;

/// <summary>The REST contract over a real store, run on SQLite and on Postgres.</summary>
public abstract class PolicyApiSuite(string provider) : IAsyncLifetime
{
    private const string ValidRoutes = """
        { "subsets": [ {"name":"v1","labels":{"version":"v1"}}, {"name":"v2","labels":{"version":"v2"}} ],
          "rules": [
            { "match": {"headers": {"x-user-group": {"exact": "beta"}}},
              "destinations": [ {"subset":"v2","weight":100} ] },
            { "destinations": [ {"subset":"v1","weight":90}, {"subset":"v2","weight":10} ] } ],
          "version": 0 }
        """;

    private TestDatabase _database = null!;
    private ConsoleFactory _factory = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync(provider);
        _factory = new ConsoleFactory(_database);
        _client = _factory.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task PutRoutes_Weights90And20_422NamingDestinationsAndNothingStored()
    {
        await CreateServiceAsync("orders");
        var body = ValidRoutes.Replace("\"weight\":10", "\"weight\":20", StringComparison.Ordinal);

        var response = await PutAsync("/api/services/orders/routes", body);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = await ErrorsAsync(response);
        Assert.Equal(["weights sum to 110, must be 100"], errors["rules[1].destinations"]);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync("/api/services/orders/routes")).StatusCode);
        Assert.Equal(1, await RevisionCountAsync());
    }

    [Fact]
    public async Task PutRoutes_ThenRevert_RevisionNThenNPlusOneRestoringEarlierState()
    {
        await CreateServiceAsync("orders");
        var created = await WriteAsync(await PutAsync("/api/services/orders/routes", ValidRoutes));
        var changed = await WriteAsync(await PutAsync("/api/services/orders/routes", """
            { "subsets": [ {"name":"v1","labels":{"version":"v1"}}, {"name":"v2","labels":{"version":"v2"}} ],
              "rules": [ { "destinations": [ {"subset":"v1","weight":50}, {"subset":"v2","weight":50} ] } ],
              "version": 1 }
            """));

        var revert = await _client.PostAsJsonAsync($"/api/revisions/{changed.GetProperty("revision").GetInt64()}/revert", new { reason = "too early" });

        Assert.Equal(2, created.GetProperty("revision").GetInt64());
        Assert.Equal(3, changed.GetProperty("revision").GetInt64());
        Assert.Equal(HttpStatusCode.OK, revert.StatusCode);
        var reverted = await WriteAsync(revert);
        Assert.Equal(4, reverted.GetProperty("revision").GetInt64());
        Assert.Equal(3, reverted.GetProperty("revertOf").GetInt64());
        var current = await _client.GetFromJsonAsync<JsonElement>("/api/services/orders/routes");
        Assert.Equal(90, current.GetProperty("rules")[1].GetProperty("destinations")[0].GetProperty("weight").GetInt32());
        Assert.Equal(3, current.GetProperty("version").GetInt64());
        var detail = await _client.GetFromJsonAsync<JsonElement>("/api/revisions/4");
        Assert.Equal("too early", detail.GetProperty("reason").GetString());
        Assert.Contains("-           \"weight\": 50", detail.GetProperty("diff").GetString(), StringComparison.Ordinal);
        Assert.Contains("+           \"weight\": 90", detail.GetProperty("diff").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PutRoutes_StaleVersion_409WithCurrentVersionAndNothingStored()
    {
        await CreateServiceAsync("orders");
        await WriteAsync(await PutAsync("/api/services/orders/routes", ValidRoutes));

        var response = await PutAsync("/api/services/orders/routes", ValidRoutes);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(1, problem.GetProperty("currentVersion").GetInt64());
        Assert.Contains("version 0 is stale", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(2, await RevisionCountAsync());
    }

    [Fact]
    public async Task GetRoutes_AfterPut_ReturnsFlatDocumentWithVersionAndETag()
    {
        await CreateServiceAsync("orders");
        await WriteAsync(await PutAsync("/api/services/orders/routes", ValidRoutes));

        var response = await _client.GetAsync("/api/services/orders/routes");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("\"1\"", response.Headers.ETag?.Tag);
        Assert.Equal("2", response.Headers.GetValues("X-Mesh-Revision").Single());
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("beta", body.GetProperty("rules")[0].GetProperty("match").GetProperty("headers").GetProperty("x-user-group").GetProperty("exact").GetString());
        Assert.Equal(1, body.GetProperty("version").GetInt64());
    }

    [Theory]
    [InlineData("{\"owner\": \"x\", \"version\":", HttpStatusCode.BadRequest, "$", "malformed JSON")]
    [InlineData("[1, 2]", HttpStatusCode.UnprocessableEntity, "$", "must be a JSON object")]
    [InlineData("{\"owner\": \"x\"}", HttpStatusCode.UnprocessableEntity, "version", "required")]
    [InlineData("{\"owner\": \"x\", \"version\": -1}", HttpStatusCode.UnprocessableEntity, "version", "at least 0")]
    [InlineData("{\"owner\": \"x\", \"version\": 0, \"colour\": \"red\"}", HttpStatusCode.UnprocessableEntity, "colour", "unknown field")]
    [InlineData("{\"owner\": 7, \"version\": 0}", HttpStatusCode.UnprocessableEntity, "owner", "must be a string")]
    [InlineData("{\"owner\": null, \"version\": 0}", HttpStatusCode.UnprocessableEntity, "owner", "must not be null")]
    [InlineData("{\"owner\": \"x\", \"version\": 0, \"reason\": 5}", HttpStatusCode.UnprocessableEntity, "reason", "must be a string")]
    public async Task PutService_BadBody_ProblemNamingFieldAndNothingStored(string body, HttpStatusCode status, string field, string reason)
    {
        var response = await PutAsync("/api/services/orders", body);

        Assert.Equal(status, response.StatusCode);
        var errors = await ErrorsAsync(response);
        Assert.Contains(reason, Assert.Single(errors[field]), StringComparison.Ordinal);
        Assert.Equal(0, await RevisionCountAsync());
    }

    [Fact]
    public async Task PutService_UpperCaseName_422NamingName()
    {
        var response = await PutAsync("/api/services/Orders", "{\"owner\": \"x\", \"version\": 0}");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("is not a DNS label", (await ErrorsAsync(response))["name"][0], StringComparison.Ordinal);
        Assert.Equal(0, await RevisionCountAsync());
    }

    [Fact]
    public async Task PutRoutes_UnknownService_404AndNothingStored()
    {
        var response = await PutAsync("/api/services/ghost/routes", ValidRoutes);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(0, await RevisionCountAsync());
    }

    [Fact]
    public async Task PutService_FormContentType_415AndNothingStored()
    {
        using var content = new StringContent("owner=x", Encoding.UTF8, "application/x-www-form-urlencoded");

        var response = await _client.PutAsync("/api/services/orders", content);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal(0, await RevisionCountAsync());
    }

    [Fact]
    public async Task PutService_BodyOverOneMebibyte_413AndNothingStored()
    {
        var body = $"{{\"owner\": \"x\", \"description\": \"{new string('d', RequestBodyLimit + 1)}\", \"version\": 0}}";

        var response = await PutAsync("/api/services/orders", body);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(0, await RevisionCountAsync());
    }

    [Fact]
    public async Task PutFaults_ExpiryInThePast_422NamingExpiresAt()
    {
        await CreateServiceAsync("orders");
        const string body = """{ "faults": [ { "abort": { "httpStatus": 503, "percent": 5 }, "expiresAt": "2001-01-01T00:00:00Z" } ], "version": 0 }""";

        var response = await PutAsync("/api/services/orders/faults", body);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("not in the future", (await ErrorsAsync(response))["faults[0].expiresAt"][0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task PutResilienceAndAccess_Valid_StoredAndListedWithService()
    {
        await CreateServiceAsync("orders");
        await WriteAsync(await PutAsync("/api/services/orders/resilience",
            """{ "timeoutMs": 2000, "retries": { "attempts": 2, "retryOn": ["5xx", "reset"] }, "loadBalancer": { "policy": "least-request" }, "version": 0 }"""));
        await WriteAsync(await PutAsync("/api/access",
            """{ "defaultAction": "deny", "rules": [ { "source": "frontend", "destination": "orders", "action": "allow" } ], "version": 0 }"""));

        var services = await _client.GetFromJsonAsync<JsonElement>("/api/services");
        var access = await _client.GetFromJsonAsync<JsonElement>("/api/access");

        var orders = Assert.Single(services.EnumerateArray());
        Assert.Equal("orders", orders.GetProperty("name").GetString());
        Assert.Equal(1, orders.GetProperty("policies").GetProperty("resilience").GetProperty("version").GetInt64());
        Assert.Equal("deny", access.GetProperty("defaultAction").GetString());
    }

    [Fact]
    public async Task PutService_GrpcServiceClaimedByAnother_409AndNothingStored()
    {
        await WriteAsync(await PutAsync("/api/services/orders", """{"owner":"a","grpcServices":["shop.v1.Orders"],"version":0}"""));

        var response = await PutAsync("/api/services/payments", """{"owner":"b","grpcServices":["shop.v1.Payments","shop.v1.Orders"],"version":0}""");
        var badName = await PutAsync("/api/services/payments", """{"owner":"b","grpcServices":["shop/v1"],"version":0}""");

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("shop.v1.Orders is already served by service orders", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, badName.StatusCode);
        Assert.Contains("not a fully qualified gRPC service name", (await ErrorsAsync(badName))["grpcServices[0]"][0], StringComparison.Ordinal);
        Assert.Equal(1, await RevisionCountAsync());
    }

    [Fact]
    public async Task GetAccess_NeverWritten_DefaultAllowAtVersionZero()
    {
        var access = await _client.GetFromJsonAsync<JsonElement>("/api/access");

        Assert.Equal("allow", access.GetProperty("defaultAction").GetString());
        Assert.Equal(0, access.GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task DeleteService_StaleOrBadVersion_RefusedThenDeletedAtCurrentVersion()
    {
        await CreateServiceAsync("orders");

        var stale = await _client.DeleteAsync("/api/services/orders?version=7");
        var badVersion = await _client.DeleteAsync("/api/services/orders?version=seven");
        var deleted = await _client.DeleteAsync("/api/services/orders?version=1&reason=retired");

        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badVersion.StatusCode);
        Assert.Contains("is not a version", (await ErrorsAsync(badVersion))["version"][0], StringComparison.Ordinal);
        Assert.Equal("deleted", (await WriteAsync(deleted)).GetProperty("status").GetString());
        Assert.Equal(2, await RevisionCountAsync());
    }

    [Fact]
    public async Task Revert_TargetChangedSince_409UnlessForced()
    {
        await CreateServiceAsync("orders");
        await WriteAsync(await PutAsync("/api/services/orders", "{\"owner\": \"b\", \"version\": 1}"));

        var refused = await _client.PostAsync("/api/revisions/1/revert", null);
        var forced = await _client.PostAsJsonAsync("/api/revisions/1/revert", new { force = true });

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, forced.StatusCode);
        Assert.Equal("deleted", (await WriteAsync(forced)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Revisions_BadQueryAndUnknownNumber_ProblemDetails()
    {
        var badQuery = await _client.GetAsync("/api/revisions?kind=bogus&pageSize=500");
        var unknown = await _client.GetAsync("/api/revisions/99");
        var unknownRevert = await _client.PostAsync("/api/revisions/99/revert", null);

        Assert.Equal(HttpStatusCode.BadRequest, badQuery.StatusCode);
        var errors = await ErrorsAsync(badQuery);
        Assert.Contains("is not one of service, routes", errors["kind"][0], StringComparison.Ordinal);
        Assert.Contains("from 1 to 200", errors["pageSize"][0], StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknownRevert.StatusCode);
    }

    [Fact]
    public async Task Revisions_FilteredByKindAndActor_NewestFirst()
    {
        await CreateServiceAsync("orders");
        await CreateServiceAsync("payments");
        await WriteAsync(await PutAsync("/api/services/orders/routes", ValidRoutes));

        var services = await _client.GetFromJsonAsync<JsonElement>("/api/revisions?kind=service&actor=token:bootstrap");

        Assert.Equal(2, services.GetProperty("total").GetInt32());
        Assert.Equal([2L, 1L], services.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("number").GetInt64()));
    }

    private const int RequestBodyLimit = 1024 * 1024;

    private async Task CreateServiceAsync(string name) =>
        await WriteAsync(await PutAsync($"/api/services/{name}", "{\"owner\": \"team\", \"version\": 0}"));

    private Task<HttpResponseMessage> PutAsync(string path, string json) =>
        _client.PutAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

    private static async Task<JsonElement> WriteAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement;
    }

    private static async Task<Dictionary<string, string[]>> ErrorsAsync(HttpResponseMessage response)
    {
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        return problem.GetProperty("errors").Deserialize<Dictionary<string, string[]>>()!;
    }

    private async Task<int> RevisionCountAsync() =>
        (await _client.GetFromJsonAsync<JsonElement>("/api/revisions")).GetProperty("total").GetInt32();
}

public sealed class SqlitePolicyApiTests() : PolicyApiSuite(StoreProviders.Sqlite);

public sealed class PostgresPolicyApiTests() : PolicyApiSuite(StoreProviders.Postgres);
