using MeshConsole.Telemetry.Aggregation;
using static MeshConsole.Tests.Telemetry.Aggregation.AggregatorTestData;

namespace MeshConsole.Tests.Telemetry.Aggregation;

public sealed class TopologyAggregatorLimitsTests
{
    private static readonly EdgeKey _first = new("a", "b", "http");
    private static readonly EdgeKey _second = new("a", "c", "http");
    private static readonly EdgeKey _third = new("a", "d", "http");

    [Fact]
    public void Record_NewEdgeBeyondCap_RefusedAndCountedWhileKnownEdgesGoOn()
    {
        var (aggregator, _) = Create(new TopologyAggregatorOptions { MaxEdges = 2 });
        Assert.True(aggregator.Record(Call(_first, T0)));
        Assert.True(aggregator.Record(Call(_second, T0)));

        Assert.False(aggregator.Record(Call(_third, T0)));
        Assert.False(aggregator.Record(Call(_third, T0)));
        Assert.True(aggregator.Record(Call(_first, T0)));

        Assert.Equal(2, aggregator.DroppedEdges);
        Assert.Equal(2, aggregator.EdgeCount);
        var view = aggregator.Snapshot(AggregationWindows.OneMinute);
        Assert.Equal([_first, _second], view.Edges.Select(e => e.Key));
        Assert.Equal(2, view.Edge(_first).Requests);
    }

    [Fact]
    public void Record_CapReachedByEdgesIdleForTheRetention_ForgetsThemForNewOnes()
    {
        var (aggregator, clock) = Create(new TopologyAggregatorOptions { MaxEdges = 2 });
        aggregator.Record(Call(_first, T0));
        clock.Advance(TimeSpan.FromMinutes(30));
        aggregator.Record(Call(_second, clock.GetUtcNow()));
        clock.Advance(TimeSpan.FromMinutes(30) + TimeSpan.FromSeconds(10));

        Assert.True(aggregator.Record(Call(_third, clock.GetUtcNow())));

        Assert.Equal(0, aggregator.DroppedEdges);
        Assert.Equal([_second, _third], aggregator.Snapshot(AggregationWindows.OneHour).Edges.Select(e => e.Key));
    }

    [Fact]
    public async Task Record_ConcurrentWriters_LoseNoCounts()
    {
        var (aggregator, _) = Create();
        const int Writers = 4;
        const int PerWriter = 10_000;
        using var stop = new CancellationTokenSource();
        var reader = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                aggregator.Snapshot(AggregationWindows.OneMinute);
            }
        });

        var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(() =>
        {
            for (var i = 0; i < PerWriter; i++)
            {
                var edge = i % 2 == 0 ? _first : new EdgeKey("a", $"svc{w}", "grpc");
                aggregator.Record(Call(edge, T0 - TimeSpan.FromSeconds(i % 3 * 10), i % 100, isError: i % 10 == 0));
            }
        }));
        await Task.WhenAll(writers);
        await stop.CancelAsync();
        await reader;

        var view = aggregator.Snapshot(AggregationWindows.OneMinute);
        Assert.Equal(Writers * PerWriter, view.Edges.Sum(e => e.Requests));
        Assert.Equal(Writers * PerWriter / 10, view.Edges.Sum(e => e.Errors));
        Assert.Equal(Writers * PerWriter / 2, view.Edge(_first).Requests);
    }
}
