using System.Net;
using System.Text.Json;
using Mesh.Store;
using Mesh.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace MeshConsole.Tests.Telemetry;

/// <summary>Per-minute rollups written to the store, and the topology replayed from them with <c>at</c>.</summary>
public sealed class TopologyReplayTests : IAsyncLifetime
{
    private static readonly DateTimeOffset _start = new(2026, 11, 24, 11, 59, 59, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(_start);
    private TestDatabase _database = null!;
    private Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> _factory = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync(StoreProviders.Sqlite);
        _factory = new ConsoleFactory(_database).WithWebHostBuilder(builder =>
            builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(_time)));
        _client = _factory.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task MinuteWrittenAfterItEnds_ReplayShowsItsCalls_LiveWindowForgetsThem()
    {
        _time.SetUtcNow(_start.AddSeconds(6));
        await OtlpExports.PostCallsAsync(_client, "web", "api", count: 10, at: _time.GetUtcNow());
        await WaitAsync("/api/topology?window=1m", "web", "api", 10);

        // The writer stores minute 12:00 once 12:02 has come (late exports get a minute).
        _time.SetUtcNow(new DateTimeOffset(2026, 11, 24, 12, 2, 1, TimeSpan.Zero));
        var replay = await WaitAsync("/api/topology?window=5m&at=2026-11-24T12:01:00Z", "web", "api", 10);
        _time.SetUtcNow(new DateTimeOffset(2026, 11, 24, 13, 30, 0, TimeSpan.Zero));
        var live = JsonDocument.Parse(await _client.GetStringAsync("/api/topology?window=1h")).RootElement;

        Assert.True(replay.GetProperty("replay").GetBoolean());
        Assert.Equal("5m", replay.GetProperty("window").GetString());
        Assert.Empty(live.GetProperty("edges").EnumerateArray());
    }

    [Fact]
    public async Task Replay_BadTime_400NamingTheField()
    {
        var response = await _client.GetAsync("/api/topology?at=yesterday");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("\"at\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    /// <summary>Polls a topology URL until it shows the edge with the given calls; bounded to 10 s.</summary>
    private async Task<JsonElement> WaitAsync(string url, string source, string destination, long requests)
    {
        var last = "";
        for (var attempt = 0; attempt < 100; attempt++)
        {
            last = await _client.GetStringAsync(url);
            var topology = JsonDocument.Parse(last).RootElement.Clone();
            if (topology.GetProperty("edges").EnumerateArray().Any(e =>
                    e.GetProperty("source").GetString() == source && e.GetProperty("destination").GetString() == destination
                    && e.GetProperty("requests").GetInt64() == requests))
                return topology;
            await Task.Delay(100);
        }

        throw new TimeoutException($"{url} never showed {source} -> {destination} with {requests}; last: {last}");
    }
}
