using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Mesh.Store;
using Mesh.Testing;

namespace MeshConsole.Tests.Experiments;

/// <summary>The experiments' REST contract over the whole console on SQLite: every class of bad input changes nothing.</summary>
public sealed class ExperimentApiTests : IAsyncLifetime
{
    private const string Valid = """
        { "name": "payments down", "target": "payments", "abortHttpStatus": 503, "abortPercent": 100,
          "durationSeconds": 300, "conditionSource": "orders", "conditionDestination": "payments",
          "conditionErrorPercent": 20, "conditionForSeconds": 10, "reason": "game day" }
        """;

    private TestDatabase _database = null!;
    private ConsoleFactory _factory = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync(StoreProviders.Sqlite);
        _factory = new ConsoleFactory(_database);
        _client = _factory.CreateClient();
        var service = await _client.PutAsync("/api/services/payments", Json("""{"owner":"team-pay","version":0}"""));
        Assert.Equal(HttpStatusCode.Created, service.StatusCode);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task Post_Valid_201ThenListedReadAndStopped()
    {
        var created = await _client.PostAsync("/api/experiments", Json(Valid));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var view = await created.Content.ReadFromJsonAsync<JsonElement>();
        var id = view.GetProperty("id").GetInt64();
        Assert.Equal("running", view.GetProperty("state").GetString());
        Assert.Equal($"exp-{id}", view.GetProperty("faultName").GetString());
        Assert.Equal($"/api/experiments/{id}", created.Headers.Location?.ToString());

        var faults = await _client.GetFromJsonAsync<JsonElement>("/api/services/payments/faults");
        Assert.Equal($"exp-{id}", faults.GetProperty("faults")[0].GetProperty("name").GetString());
        var list = await _client.GetFromJsonAsync<JsonElement>("/api/experiments");
        Assert.Equal(id, list[0].GetProperty("id").GetInt64());

        var stopped = await _client.PostAsync($"/api/experiments/{id}/stop", null);
        Assert.Equal(HttpStatusCode.OK, stopped.StatusCode);
        Assert.Equal("stopped", (await stopped.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("state").GetString());
        var again = await _client.PostAsync($"/api/experiments/{id}/stop", null);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync("/api/services/payments/faults")).StatusCode);
    }

    [Fact]
    public async Task Post_InvalidFields_422NamingEachAndNothingWritten()
    {
        var body = Valid.Replace("\"abortHttpStatus\": 503", "\"abortHttpStatus\": 200", StringComparison.Ordinal)
            .Replace("\"durationSeconds\": 300", "\"durationSeconds\": 5", StringComparison.Ordinal)
            .Replace("\"reason\": \"game day\"", "\"reason\": \"\"", StringComparison.Ordinal);

        var response = await _client.PostAsync("/api/experiments", Json(body));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal(["abortHttpStatus", "durationSeconds", "reason"], (await ErrorsAsync(response)).Keys.Order(StringComparer.Ordinal));
        await AssertNothingWrittenAsync();
    }

    [Fact]
    public async Task Post_UnknownTarget_422OnTarget()
    {
        var response = await _client.PostAsync("/api/experiments", Json(Valid.Replace("\"target\": \"payments\"", "\"target\": \"nowhere\"", StringComparison.Ordinal)));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("does not exist", (await ErrorsAsync(response))["target"][0], StringComparison.Ordinal);
        await AssertNothingWrittenAsync();
    }

    [Theory]
    [InlineData("""{ "durationSeconds": "five minutes" }""", "durationSeconds")]
    [InlineData("""{ "name": "x", "colour": "red" }""", "colour")]
    [InlineData("""{ "name": """, "name")]
    [InlineData("""[1, 2]""", "$")]
    [InlineData("null", "$")]
    public async Task Post_Malformed_400NamingTheField(string body, string field)
    {
        var response = await _client.PostAsync("/api/experiments", Json(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(field, (await ErrorsAsync(response)).Keys);
        await AssertNothingWrittenAsync();
    }

    [Fact]
    public async Task Post_NotJson_415()
    {
        var response = await _client.PostAsync("/api/experiments", new StringContent(Valid, Encoding.UTF8, "text/plain"));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        await AssertNothingWrittenAsync();
    }

    [Fact]
    public async Task GetAndStop_Unknown_404()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync("/api/experiments/42")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.PostAsync("/api/experiments/42/stop", null)).StatusCode);
    }

    private async Task AssertNothingWrittenAsync()
    {
        Assert.Equal(0, (await _client.GetFromJsonAsync<JsonElement>("/api/experiments")).GetArrayLength());
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync("/api/services/payments/faults")).StatusCode);
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<Dictionary<string, string[]>> ErrorsAsync(HttpResponseMessage response)
    {
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        return problem.GetProperty("errors").Deserialize<Dictionary<string, string[]>>()!;
    }
}
