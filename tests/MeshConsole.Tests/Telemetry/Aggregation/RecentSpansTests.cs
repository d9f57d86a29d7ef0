using MeshConsole.Telemetry.Aggregation;
using Microsoft.Extensions.Time.Testing;

namespace MeshConsole.Tests.Telemetry.Aggregation;

public sealed class RecentSpansTests
{
    private static readonly DateTimeOffset _t0 = new(2026, 11, 24, 10, 0, 0, TimeSpan.Zero);
    private static readonly EdgeKey _webToApi = new("web", "api", "http");
    private static readonly EdgeKey _apiToDb = new("api", "db", "grpc");

    [Fact]
    public void Add_MoreThanCapacity_KeepsTheLastInOrder()
    {
        var spans = new RecentSpans(new FakeTimeProvider(_t0), spansPerEdge: 3);

        for (var i = 1; i <= 5; i++)
        {
            spans.Add(_webToApi, Span(i));
        }

        Assert.Equal(["3", "4", "5"], spans.Get(_webToApi).Select(s => s.Name));
    }

    [Fact]
    public void Get_UnknownEdge_Empty() =>
        Assert.Empty(new RecentSpans(new FakeTimeProvider(_t0)).Get(_webToApi));

    [Fact]
    public void Add_NewEdgeBeyondCap_RefusedAndCounted()
    {
        var spans = new RecentSpans(new FakeTimeProvider(_t0), maxEdges: 1);
        spans.Add(_webToApi, Span(1));

        Assert.False(spans.Add(_apiToDb, Span(2)));

        Assert.Equal(1, spans.DroppedEdges);
        Assert.Empty(spans.Get(_apiToDb));
        Assert.True(spans.Add(_webToApi, Span(3)));
    }

    [Fact]
    public void Add_CapReachedByIdleEdge_ForgetsIt()
    {
        var clock = new FakeTimeProvider(_t0);
        var spans = new RecentSpans(clock, maxEdges: 1);
        spans.Add(_webToApi, Span(1));
        clock.Advance(RecentSpans.IdleAfter + TimeSpan.FromSeconds(10));

        Assert.True(spans.Add(_apiToDb, Span(2)));

        Assert.Empty(spans.Get(_webToApi));
        Assert.Equal(0, spans.DroppedEdges);
    }

    [Fact]
    public async Task Add_ConcurrentWriters_EachEdgeKeepsExactlyItsCapacity()
    {
        var spans = new RecentSpans(new FakeTimeProvider(_t0), spansPerEdge: 50);

        await Task.WhenAll(Enumerable.Range(0, 4).Select(w => Task.Run(() =>
        {
            for (var i = 0; i < 1_000; i++)
            {
                spans.Add(i % 2 == 0 ? _webToApi : _apiToDb, Span(i));
            }
        })));

        Assert.Equal(50, spans.Get(_webToApi).Count);
        Assert.Equal(50, spans.Get(_apiToDb).Count);
    }

    private static SpanSummary Span(int i) =>
        new($"{i:x32}", $"{i:x16}", i.ToString(System.Globalization.CultureInfo.InvariantCulture), _t0, TimeSpan.FromMilliseconds(i), "200", IsError: false);
}
