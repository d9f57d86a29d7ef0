using MeshConsole.Telemetry.Aggregation;
using Microsoft.Extensions.Time.Testing;
using static MeshConsole.Tests.Telemetry.Aggregation.AggregatorTestData;

namespace MeshConsole.Tests.Telemetry.Aggregation;

public sealed class SubsetAggregatorTests
{
    private static readonly EdgeKey _webToOrders = new("web", "orders", "http");
    private static readonly EdgeKey _apiToOrders = new("api", "orders", "grpc");

    [Fact]
    public void Subsets_NinetyTenFromTwoCallers_SharesRatesAndCountsPerSubset()
    {
        var (subsets, clock) = Create();
        for (var i = 0; i < 60; i++)
            subsets.Record("v1", Call(_webToOrders, T0.AddSeconds(-30)));
        for (var i = 0; i < 30; i++)
            subsets.Record("v1", Call(_apiToOrders, T0.AddSeconds(-20)));
        for (var i = 0; i < 10; i++)
            subsets.Record("v2", Call(_webToOrders, T0.AddSeconds(-10)));

        var view = subsets.Subsets("orders", AggregationWindows.OneMinute);

        Assert.Equal(["v1", "v2"], view.Subsets.Select(s => s.Subset));
        var v1 = view.Find("v1")!;
        var v2 = view.Find("v2")!;
        Assert.Equal(90, v1.Requests);
        Assert.Equal(90.0, v1.SharePercent);
        Assert.Equal(10.0, v2.SharePercent);
        // T0 starts a bucket: the minute window covers the five whole buckets before it, 50 s.
        Assert.Equal(1.8, v1.RequestsPerSecond, precision: 6);
        Assert.Equal(clock.GetUtcNow(), view.At);
    }

    [Fact]
    public void Subsets_ErrorsAndLatencies_JudgedPerSubset()
    {
        var (subsets, _) = Create();
        for (var i = 0; i < 98; i++)
            subsets.Record("stable", Call(_webToOrders, T0.AddSeconds(-5), milliseconds: 10));
        subsets.Record("stable", Call(_webToOrders, T0.AddSeconds(-5), milliseconds: 10, isError: true));
        subsets.Record("stable", Call(_webToOrders, T0.AddSeconds(-5), milliseconds: 10, isError: true));
        for (var i = 0; i < 9; i++)
            subsets.Record("canary", Call(_webToOrders, T0.AddSeconds(-5), milliseconds: 400));
        subsets.Record("canary", Call(_webToOrders, T0.AddSeconds(-5), milliseconds: 400, isError: true));

        var view = subsets.Subsets("orders", AggregationWindows.OneMinute);

        Assert.Equal(2.0, view.Find("stable")!.ErrorPercent);
        Assert.Equal(10.0, view.Find("canary")!.ErrorPercent);
        Assert.InRange(view.Find("stable")!.P99Milliseconds!.Value, 9, 11);
        Assert.InRange(view.Find("canary")!.P50Milliseconds!.Value, 380, 420);
    }

    [Fact]
    public void Subsets_OtherServicesSubsets_LeftOut()
    {
        var (subsets, _) = Create();
        subsets.Record("v1", Call(_webToOrders, T0));
        subsets.Record("v1", Call(new EdgeKey("web", "payments", "http"), T0));
        subsets.Record("blue", Call(new EdgeKey("web", "payments", "http"), T0));

        var view = subsets.Subsets("orders", AggregationWindows.OneMinute);

        var only = Assert.Single(view.Subsets);
        Assert.Equal("v1", only.Subset);
        Assert.Equal(100.0, only.SharePercent);
        Assert.Empty(subsets.Subsets("catalog", AggregationWindows.OneMinute).Subsets);
    }

    [Fact]
    public void Subsets_WindowSlidesPastCalls_TheyLeaveIt()
    {
        var (subsets, clock) = Create();
        subsets.Record("v1", Call(_webToOrders, T0));
        subsets.Record("v2", Call(_webToOrders, T0));

        clock.Advance(TimeSpan.FromSeconds(50));
        subsets.Record("v2", Call(_webToOrders, clock.GetUtcNow()));
        var before = subsets.Subsets("orders", AggregationWindows.OneMinute);
        clock.Advance(TimeSpan.FromSeconds(20));
        var after = subsets.Subsets("orders", AggregationWindows.OneMinute);

        Assert.Equal(2, before.Subsets.Count);
        var left = Assert.Single(after.Subsets);
        Assert.Equal("v2", left.Subset);
        Assert.Equal(1, left.Requests);
        Assert.Equal(2, subsets.Subsets("orders", AggregationWindows.FiveMinutes).Find("v2")!.Requests);
    }

    [Fact]
    public void Record_NewSubsetPastTheCap_RefusedAndCounted()
    {
        var (subsets, _) = Create(maxSubsets: 2);
        Assert.True(subsets.Record("v1", Call(_webToOrders, T0)));
        Assert.True(subsets.Record("v2", Call(_webToOrders, T0)));

        var refused = subsets.Record("v3", Call(_webToOrders, T0));
        var known = subsets.Record("v1", Call(_apiToOrders, T0));

        Assert.False(refused);
        Assert.True(known);
        Assert.Equal(1, subsets.DroppedSubsets);
        Assert.Equal(2, subsets.SubsetCount);
        Assert.Null(subsets.Subsets("orders", AggregationWindows.OneMinute).Find("v3"));
    }

    [Fact]
    public void Record_SameSubsetOfTwoServices_TwoPairsKept()
    {
        var (subsets, _) = Create(maxSubsets: 2);

        subsets.Record("v1", Call(_webToOrders, T0));
        subsets.Record("v1", Call(new EdgeKey("web", "payments", "http"), T0));
        var third = subsets.Record("v1", Call(new EdgeKey("web", "catalog", "http"), T0));

        Assert.False(third);
        Assert.Equal(2, subsets.SubsetCount);
    }

    [Fact]
    public void Record_EmptySubset_Throws()
    {
        var (subsets, _) = Create();

        Assert.Throws<ArgumentException>(() => subsets.Record("", Call(_webToOrders, T0)));
    }

    private static (SubsetAggregator Subsets, FakeTimeProvider Clock) Create(int maxSubsets = 100)
    {
        var clock = new FakeTimeProvider(T0 - TimeSpan.FromHours(2));
        var subsets = new SubsetAggregator(clock, new TopologyAggregatorOptions { MaxEdges = maxSubsets });
        clock.SetUtcNow(T0);
        return (subsets, clock);
    }
}
