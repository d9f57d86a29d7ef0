using System.Text.Json;
using Mesh.Store;
using Mesh.Testing;
using MeshConsole.Telemetry;
using MeshConsole.Telemetry.Aggregation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace MeshConsole.Tests.Telemetry;

/// <summary>Console replicas on one Postgres pass each other the calls they receive, so every replica's live views are whole.</summary>
public sealed class TelemetrySharingTests
{
    [Fact]
    public void DrainThenApply_AnotherReplicasAggregatorsSeeTheSameCalls()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));
        var (sender, senderTopology, _, _) = Replica(time);
        var (receiver, receiverTopology, receiverSubsets, _) = Replica(time);
        var edge = new EdgeKey("orders", "payments", "http");
        foreach (var (duration, error) in new[] { (5, false), (5, false), (40, true), (900, false) })
        {
            var call = Observation.Single(edge, time.GetUtcNow().AddMilliseconds(-300), TimeSpan.FromMilliseconds(duration), error, isDenied: false);
            senderTopology.Record(call);
            sender.Offer(call, "v2");
        }

        sender.Offer(Observation.CountsOnly(edge, time.GetUtcNow(), 6, 0, 1), null);
        senderTopology.Record(Observation.CountsOnly(edge, time.GetUtcNow(), 6, 0, 1));
        var payload = sender.Drain();
        receiver.Apply(payload!);

        var sent = Assert.Single(senderTopology.Snapshot(TimeSpan.FromMinutes(1)).Edges);
        var received = Assert.Single(receiverTopology.Snapshot(TimeSpan.FromMinutes(1)).Edges);
        Assert.Equal((10L, 1L, 1L), (received.Requests, received.Errors, received.Denied));
        Assert.Equal((sent.Requests, sent.P50Milliseconds, sent.P99Milliseconds), (received.Requests, received.P50Milliseconds, received.P99Milliseconds));
        Assert.Equal(4, Assert.Single(receiverSubsets.Subsets("payments", TimeSpan.FromMinutes(1)).Subsets).Requests);
        Assert.Null(sender.Drain());
    }

    [Fact]
    public void DrainThenApply_SpansReachTheOtherReplica_NoMoreThanItKeepsPerEdge()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));
        var (sender, _, _, _) = Replica(time);
        var (receiver, _, _, receiverSpans) = Replica(time);
        var edge = new EdgeKey("web", "search", "grpc");
        var other = new EdgeKey("web", "ads", "http");
        var spans = Enumerable.Range(0, RecentSpans.DefaultSpansPerEdge + 10)
            .Select(i => new SpanSummary($"{i:x32}", $"{i:x16}", $"call-{i}", time.GetUtcNow().AddMilliseconds(i), TimeSpan.FromMicroseconds(1500 + i), i % 7 == 0 ? "UNAVAILABLE" : "OK", i % 7 == 0))
            .ToList();
        foreach (var span in spans)
            sender.Offer(edge, span);
        sender.Offer(other, spans[0]);

        receiver.Apply(sender.Drain()!);

        // The newest of each edge, as many as a replica keeps, with every field as it was sent.
        Assert.Equal(spans.Skip(10), receiverSpans.Get(edge));
        Assert.Equal([spans[0]], receiverSpans.Get(other));
        Assert.Null(sender.Drain());
    }

    [Fact]
    public void Disabled_OffersNothing()
    {
        var time = new FakeTimeProvider();
        var topology = new TopologyAggregator(time);
        var sharing = new TelemetrySharing(topology, new SubsetAggregator(time), new RecentSpans(time), null!, time, enabled: false, NullLogger<TelemetrySharing>.Instance);

        sharing.Offer(Observation.CountsOnly(new EdgeKey("a", "b", "http"), time.GetUtcNow(), 1, 0, 0), null);
        sharing.Offer(new EdgeKey("a", "b", "http"), new SpanSummary(new string('1', 32), new string('2', 16), "call", time.GetUtcNow(), TimeSpan.FromMilliseconds(1), "OK", false));

        Assert.Null(sharing.Drain());
    }

    [Fact]
    public async Task TwoReplicas_ExportToOne_BothShowTheCallsOnce()
    {
        await using var database = await TestDatabase.CreateAsync(StoreProviders.Postgres);
        await using var replicaA = new KestrelConsole(database);
        await using var replicaB = new KestrelConsole(database);
        replicaA.StartServer();
        replicaB.StartServer();

        using var otlp = new HttpClient(replicaA.CreateMeshHandler()) { BaseAddress = replicaA.OtlpHttpAddress }.Authenticate();
        await OtlpExports.PostCallsAsync(otlp, "web", "api", 10, DateTimeOffset.UtcNow);

        using var a = replicaA.CreateHttpClient();
        using var b = replicaB.CreateHttpClient();
        await OtlpExports.PostClientSpanAsync(otlp, "web", "db", "SELECT orders");
        await WaitForEdgeAsync(b, "web", "api", 10);
        await WaitForEdgeAsync(a, "web", "api", 10);
        await WaitForSpanAsync(b, "web", "db", "SELECT orders");

        // Several passes later, neither has counted the calls twice (a replica never takes back its own share).
        await Task.Delay(TelemetrySharing.Interval * 3);
        Assert.Equal(10, await RequestsAsync(a, "web", "api"));
        Assert.Equal(10, await RequestsAsync(b, "web", "api"));
        Assert.Single(await SpansAsync(a, "web", "db"));
        Assert.Single(await SpansAsync(b, "web", "db"));

        // Rollups hold what a replica received itself (a replay adds up every replica's): A's have the calls, B's not.
        Assert.Single(replicaA.Services.GetRequiredService<ReplicaCalls>().Aggregator.Snapshot(TimeSpan.FromMinutes(1)).Edges);
        Assert.Empty(replicaB.Services.GetRequiredService<ReplicaCalls>().Aggregator.Snapshot(TimeSpan.FromMinutes(1)).Edges);
    }

    [Fact]
    public async Task LoneConsoleOnSqlite_RollupsAreTheLiveAggregatorsCalls()
    {
        await using var database = await TestDatabase.CreateAsync(StoreProviders.Sqlite);
        await using var console = new ConsoleFactory(database);
        using var client = console.CreateClient();

        Assert.Same(console.Services.GetRequiredService<TopologyAggregator>(), console.Services.GetRequiredService<ReplicaCalls>().Aggregator);
    }

    private static (TelemetrySharing Sharing, TopologyAggregator Topology, SubsetAggregator Subsets, RecentSpans Spans) Replica(TimeProvider time)
    {
        var topology = new TopologyAggregator(time);
        var subsets = new SubsetAggregator(time);
        var spans = new RecentSpans(time);
        return (new TelemetrySharing(topology, subsets, spans, null!, time, enabled: true, NullLogger<TelemetrySharing>.Instance), topology, subsets, spans);
    }

    private static async Task<long> RequestsAsync(HttpClient api, string source, string destination)
    {
        var topology = JsonDocument.Parse(await api.GetStringAsync("api/topology?window=1m")).RootElement;
        return topology.GetProperty("edges").EnumerateArray()
            .Where(e => e.GetProperty("source").GetString() == source && e.GetProperty("destination").GetString() == destination)
            .Select(e => e.GetProperty("requests").GetInt64()).SingleOrDefault();
    }

    /// <summary>Polls the live topology until it shows the edge with the given calls; bounded to 20 s.</summary>
    private static async Task WaitForEdgeAsync(HttpClient api, string source, string destination, long requests)
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            if (await RequestsAsync(api, source, destination) == requests)
                return;
            await Task.Delay(100);
        }

        Assert.Fail($"{api.BaseAddress} never showed {source} -> {destination} with {requests} calls");
    }

    private static async Task<IReadOnlyList<string?>> SpansAsync(HttpClient api, string source, string destination) =>
        [.. JsonDocument.Parse(await api.GetStringAsync($"api/topology/spans?source={source}&destination={destination}")).RootElement
            .EnumerateArray().Select(s => s.GetProperty("name").GetString())];

    /// <summary>Polls the edge's recent spans until the named one shows; bounded to 20 s.</summary>
    private static async Task WaitForSpanAsync(HttpClient api, string source, string destination, string name)
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            if ((await SpansAsync(api, source, destination)).Contains(name))
                return;
            await Task.Delay(100);
        }

        Assert.Fail($"{api.BaseAddress} never showed the span {name} on {source} -> {destination}");
    }
}
