using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Mesh.Store;
using Mesh.Testing;
using MeshConsole.Policies.Rollouts;
using MeshConsole.Telemetry.Aggregation;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace MeshConsole.Tests.Policies.Rollouts;

/// <summary>Rollouts over REST and the runner's steps, on a real store, with the console's clock in the test's hands.</summary>
public sealed class RolloutApiTests : IAsyncLifetime
{
    private const string Routes = """
        { "subsets": [ {"name":"v1","labels":{"version":"v1"}}, {"name":"v2","labels":{"version":"v2"}} ],
          "rules": [ { "name": "beta", "match": {"headers": {"x-beta": {"exact": "on"}}}, "destinations": [ {"subset":"v2","weight":100} ] },
                     { "name": "rest", "destinations": [ {"subset":"v1","weight":100} ] } ],
          "version": 0, "reason": "seed" }
        """;

    private const string Start = """{"canary":"v2","stable":"v1","steps":[10,50,100],"intervalSeconds":60,"minCalls":20,"reason":"ship v2"}""";

    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private TestDatabase _database = null!;
    private ConsoleFactory _console = null!;
    private WebApplicationFactory<Program> _factory = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync(StoreProviders.Sqlite);
        _console = new ConsoleFactory(_database);
        Open();
        await PutAsync("api/services/orders", """{"owner":"team","version":0}""");
        await PutAsync("api/services/orders/routes", Routes);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
        await _console.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Theory]
    [InlineData("""{"canary":"v2","stable":"v1","steps":[10,5],"reason":"r"}""", "steps[1]")]
    [InlineData("""{"canary":"v2","stable":"v1","steps":[],"reason":"r"}""", "steps")]
    [InlineData("""{"canary":"v2","stable":"v1","intervalSeconds":1,"reason":"r"}""", "intervalSeconds")]
    [InlineData("""{"canary":"v2","stable":"v1","maxErrorExcessPercent":-2,"reason":"r"}""", "maxErrorExcessPercent")]
    [InlineData("""{"canary":"v2","stable":"v1","maxP99Ratio":0.9,"reason":"r"}""", "maxP99Ratio")]
    [InlineData("""{"canary":"v2","stable":"v1","minCalls":0,"reason":"r"}""", "minCalls")]
    [InlineData("""{"canary":"v2","stable":"v1"}""", "reason")]
    [InlineData("""{"canary":"Canary!","stable":"v1","reason":"r"}""", "canary")]
    [InlineData("""{"canary":"v3","stable":"v1","reason":"r"}""", "canary")]
    [InlineData("""{"canary":"v2","stable":"v2","reason":"r"}""", "stable")]
    public async Task Post_BadInput_422NamingTheField_NothingStarted(string body, string field)
    {
        var response = await PostAsync("api/services/orders/rollouts", body);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.True((await ErrorsAsync(response)).TryGetProperty(field, out _), await response.Content.ReadAsStringAsync());
        Assert.Empty((await _client.GetFromJsonAsync<JsonElement>("api/services/orders/rollouts")).EnumerateArray());
    }

    [Theory]
    [InlineData("""{"canary":"v2",""", "$")]
    [InlineData("""{"canary":"v2","stable":"v1","steps":"many","reason":"r"}""", "steps")]
    [InlineData("""{"canary":"v2","stable":"v1","intervalSeconds":"soon","reason":"r"}""", "intervalSeconds")]
    public async Task Post_Malformed_400NamingWhere(string body, string field)
    {
        var response = await PostAsync("api/services/orders/rollouts", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await ErrorsAsync(response)).TryGetProperty(field, out _), await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Post_NoRoutePolicy_422_UnknownService_404()
    {
        await PutAsync("api/services/payments", """{"owner":"team","version":0}""");

        var noRoutes = await PostAsync("api/services/payments/rollouts", Start);
        var unknown = await PostAsync("api/services/ghost/rollouts", Start);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, noRoutes.StatusCode);
        Assert.Contains("has no route policy", await noRoutes.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task Post_Valid_201_FirstStepIsARevisionByTheStarter()
    {
        var response = await PostAsync("api/services/orders/rollouts", Start);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var rollout = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("running", rollout.GetProperty("state").GetString());
        Assert.Equal(10, rollout.GetProperty("canaryPercent").GetInt32());
        Assert.Equal(["v1:90", "v2:10"], await CatchAllAsync());
        Assert.Equal(["v2:100"], await RuleAsync(0));
        var revision = (await _client.GetFromJsonAsync<JsonElement>("api/revisions?target=orders")).GetProperty("items")[0];
        Assert.Equal("token:bootstrap (rollout 1)", revision.GetProperty("actor").GetString());
        Assert.Contains("ship v2", revision.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_SecondWhileOneIsActive_409()
    {
        await PostAsync("api/services/orders/rollouts", Start);

        var second = await PostAsync("api/services/orders/rollouts", Start);

        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
    }

    [Fact]
    public async Task Runner_HealthyCanary_PromotedStepByStep_EachStepARevision_ThenSucceeded()
    {
        await PostAsync("api/services/orders/rollouts", Start);

        foreach (var (expected, state) in new[] { ("v1:50,v2:50", "running"), ("v2:100", "succeeded") })
        {
            _time.Advance(TimeSpan.FromSeconds(30));
            Calls("v1", 200, errors: 1, milliseconds: 10);
            Calls("v2", 50, errors: 0, milliseconds: 10);
            await TickAsync();
            Assert.Equal("running", (await RolloutAsync(1)).GetProperty("state").GetString());
            _time.Advance(TimeSpan.FromSeconds(30));
            await TickAsync();

            Assert.Equal(expected, string.Join(",", await CatchAllAsync()));
            var rollout = await RolloutAsync(1);
            Assert.Equal(state, rollout.GetProperty("state").GetString());
            Assert.Equal("pass", rollout.GetProperty("gate").GetProperty("verdict").GetString());
        }

        var revisions = (await _client.GetFromJsonAsync<JsonElement>("api/revisions?target=orders")).GetProperty("items").EnumerateArray()
            .Where(r => r.GetProperty("actor").GetString()!.EndsWith("(rollout 1)", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, revisions.Count);
    }

    [Fact]
    public async Task TwoTicksAtOnce_AsTwoReplicas_OnlyOneStepWritten()
    {
        await PostAsync("api/services/orders/rollouts", Start);
        _time.Advance(TimeSpan.FromSeconds(30));
        Calls("v1", 200, errors: 0, milliseconds: 10);
        Calls("v2", 50, errors: 0, milliseconds: 10);
        _time.Advance(TimeSpan.FromSeconds(30));

        await Task.WhenAll(TickAsync(), TickAsync(), TickAsync());

        var steps = (await _client.GetFromJsonAsync<JsonElement>("api/revisions?target=orders")).GetProperty("items").EnumerateArray()
            .Count(r => r.GetProperty("actor").GetString()!.EndsWith("(rollout 1)", StringComparison.Ordinal));
        Assert.Equal(2, steps);
        Assert.Equal(["v1:50", "v2:50"], await CatchAllAsync());
    }

    [Fact]
    public async Task Runner_CanaryFailsTheGate_RolledBackTo100Stable_SayingWhy()
    {
        await PostAsync("api/services/orders/rollouts", Start);
        _time.Advance(TimeSpan.FromSeconds(30));
        Calls("v1", 500, errors: 0, milliseconds: 10);
        Calls("v2", 50, errors: 10, milliseconds: 10);
        _time.Advance(TimeSpan.FromSeconds(30));

        await TickAsync();

        Assert.Equal(["v1:100"], await CatchAllAsync());
        var rollout = await RolloutAsync(1);
        Assert.Equal("rolled-back", rollout.GetProperty("state").GetString());
        Assert.Equal(0, rollout.GetProperty("canaryPercent").GetInt32());
        Assert.Contains("v2's error rate 20 % is 20 points above v1's 0 %", rollout.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(50, rollout.GetProperty("gate").GetProperty("canary").GetProperty("calls").GetInt64());
    }

    [Fact]
    public async Task Runner_TooFewCalls_Holds_SayingHowMany()
    {
        await PostAsync("api/services/orders/rollouts", Start);
        _time.Advance(TimeSpan.FromSeconds(30));
        Calls("v1", 100, errors: 0, milliseconds: 10);
        Calls("v2", 5, errors: 0, milliseconds: 10);
        _time.Advance(TimeSpan.FromSeconds(30));

        await TickAsync();

        Assert.Equal(["v1:90", "v2:10"], await CatchAllAsync());
        Assert.Contains("v2 had 5 of the 20 needed", (await RolloutAsync(1)).GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PauseResumeAbort_PausedTakesNoStep_AbortSendsAllToStable()
    {
        await PostAsync("api/services/orders/rollouts", Start);
        Calls("v1", 200, errors: 0, milliseconds: 10);
        Calls("v2", 50, errors: 0, milliseconds: 10);

        Assert.Equal(HttpStatusCode.OK, (await PostAsync("api/services/orders/rollouts/1/pause", "{}")).StatusCode);
        _time.Advance(TimeSpan.FromSeconds(60));
        await TickAsync();
        Assert.Equal(["v1:90", "v2:10"], await CatchAllAsync());
        Assert.Equal(HttpStatusCode.Conflict, (await PostAsync("api/services/orders/rollouts/1/pause", "{}")).StatusCode);
        var resumed = await (await PostAsync("api/services/orders/rollouts/1/resume", "{}")).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("running", resumed.GetProperty("state").GetString());
        var aborted = await PostAsync("api/services/orders/rollouts/1/abort", "{}");

        Assert.Equal(HttpStatusCode.OK, aborted.StatusCode);
        Assert.Equal(["v1:100"], await CatchAllAsync());
        Assert.Equal("aborted", (await RolloutAsync(1)).GetProperty("state").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await PostAsync("api/services/orders/rollouts/9/abort", "{}")).StatusCode);
    }

    [Fact]
    public async Task StepClaimedButNotWritten_NextTickWritesItsWeights()
    {
        await PostAsync("api/services/orders/rollouts", Start);
        // A replica claimed step 2 and stopped before writing its weights.
        await using (var scope = _factory.Services.CreateAsyncScope())
        {
            var store = scope.ServiceProvider.GetRequiredService<RolloutStore>();
            var claimed = (await store.GetAsync(1))!;
            claimed.StepIndex = 1;
            Assert.True(await store.UpdateAsync(claimed));
        }

        await TickAsync();

        Assert.Equal(["v1:50", "v2:50"], await CatchAllAsync());
        var revision = (await _client.GetFromJsonAsync<JsonElement>("api/revisions?target=orders")).GetProperty("items")[0];
        Assert.Equal("token:bootstrap (rollout 1)", revision.GetProperty("actor").GetString());
        Assert.Contains("claimed but not written", revision.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(revision.GetProperty("number").GetInt64(), (await RolloutAsync(1)).GetProperty("lastRevision").GetInt64());
    }

    [Fact]
    public async Task PersonEditedTheWeightsDuringAStep_TickDoesNotUndoIt()
    {
        await PostAsync("api/services/orders/rollouts", Start);
        var routes = await _client.GetFromJsonAsync<JsonElement>("api/services/orders/routes");
        await PutAsync("api/services/orders/routes", Routes.Replace("\"version\": 0", $"\"version\": {routes.GetProperty("version").GetInt64()}", StringComparison.Ordinal));
        var edited = await CatchAllAsync();

        await TickAsync();

        Assert.Equal(edited, await CatchAllAsync());
    }

    [Fact]
    public async Task ConsoleRestarts_RolloutResumesFromTheStore()
    {
        await PostAsync("api/services/orders/rollouts", Start);
        _client.Dispose();
        await _factory.DisposeAsync();

        Open();
        _time.Advance(TimeSpan.FromSeconds(30));
        Calls("v1", 200, errors: 0, milliseconds: 10);
        Calls("v2", 50, errors: 0, milliseconds: 10);
        _time.Advance(TimeSpan.FromSeconds(30));
        await TickAsync();

        Assert.Equal(["v1:50", "v2:50"], await CatchAllAsync());
    }

    private void Open()
    {
        // The test takes the runner's ticks itself: its timer would fire on every move of the test's clock.
        _factory = _console.WithWebHostBuilder(b => b.ConfigureServices(s =>
        {
            s.AddSingleton<TimeProvider>(_time);
            s.Remove(s.Single(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(RolloutRunner)));
        }));
        _client = _factory.CreateClient();
    }

    private Task TickAsync() => _factory.Services.GetRequiredService<RolloutManager>().TickAsync(CancellationToken.None);

    private void Calls(string subset, int calls, int errors, double milliseconds) =>
        Assert.True(_factory.Services.GetRequiredService<SubsetAggregator>().Record(subset, Observation.Many(
            new EdgeKey("frontend", "orders", "http"), _time.GetUtcNow(), Enumerable.Repeat(TimeSpan.FromMilliseconds(milliseconds), calls).ToList(), errors, 0)));

    private async Task<JsonElement> RolloutAsync(long id) => await _client.GetFromJsonAsync<JsonElement>($"api/services/orders/rollouts/{id}");

    private Task<List<string>> CatchAllAsync() => RuleAsync(1);

    private async Task<List<string>> RuleAsync(int index)
    {
        var routes = await _client.GetFromJsonAsync<JsonElement>("api/services/orders/routes");
        return [.. routes.GetProperty("rules")[index].GetProperty("destinations").EnumerateArray()
            .Select(d => $"{d.GetProperty("subset").GetString()}:{d.GetProperty("weight").GetInt32()}")];
    }

    private async Task PutAsync(string path, string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        var response = await _client.PutAsync(path, content);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private async Task<HttpResponseMessage> PostAsync(string path, string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        return await _client.PostAsync(path, content);
    }

    private static async Task<JsonElement> ErrorsAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
}
