using MeshSidecar.Traffic;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Model;

namespace MeshSidecar.Tests.Traffic;

public sealed class ConsistentHashPolicyTests : IDisposable
{
    private const string HashHeader = "x-user";

    private readonly HttpMessageInvoker _invoker = new(new SocketsHttpHandler());
    private readonly ConsistentHashPolicy _policy = new();

    public void Dispose() => _invoker.Dispose();

    private ClusterState Cluster(string? hashHeader = HashHeader)
    {
        var config = new ClusterConfig
        {
            ClusterId = "orders",
            Metadata = hashHeader is null ? null : new Dictionary<string, string> { [ConsistentHashPolicy.HeaderMetadata] = hashHeader },
        };
        return new ClusterState("orders", new ClusterModel(config, _invoker));
    }

    private static List<DestinationState> Destinations(params string[] ids) => [.. ids.Select(id => new DestinationState(id))];

    private static DefaultHttpContext Request(string? key)
    {
        var context = new DefaultHttpContext();
        if (key is not null)
            context.Request.Headers[HashHeader] = key;
        return context;
    }

    // Not Assert.Contains on the states: a DestinationState is also a list of itself, which xunit's
    // structural equality recurses into until the stack runs out.
    private static void AssertOneOf(IReadOnlyList<DestinationState> destinations, DestinationState? picked) =>
        Assert.Contains(destinations, d => ReferenceEquals(d, picked));

    private string Pick(ClusterState cluster, IReadOnlyList<DestinationState> destinations, string key) =>
        _policy.PickDestination(Request(key), cluster, destinations)!.DestinationId;

    [Fact]
    public void Name_Always_IsThePolicyName() =>
        Assert.Equal(ConsistentHashPolicy.PolicyName, _policy.Name);

    [Fact]
    public void PickDestination_SameKey_SameDestinationEveryTime()
    {
        var cluster = Cluster();
        var destinations = Destinations("a", "b", "c");

        var first = Pick(cluster, destinations, "user-42");

        for (var i = 0; i < 50; i++)
            Assert.Equal(first, Pick(cluster, destinations, "user-42"));
    }

    [Fact]
    public void PickDestination_OtherCallerWithOtherOrder_PicksTheSameDestination()
    {
        var destinations = Destinations("a", "b", "c");
        var expected = Pick(Cluster(), destinations, "user-42");

        // Another sidecar: its own policy and state objects, its list in another order.
        var other = new ConsistentHashPolicy().PickDestination(Request("user-42"), Cluster(), Destinations("c", "a", "b"));

        Assert.Equal(expected, other!.DestinationId);
    }

    [Fact]
    public void PickDestination_ManyKeys_SpreadOverAllDestinations()
    {
        var cluster = Cluster();
        var destinations = Destinations("a", "b", "c");

        var counts = Enumerable.Range(0, 300)
            .GroupBy(i => Pick(cluster, destinations, $"user-{i}"))
            .ToDictionary(g => g.Key, g => g.Count());

        Assert.Equal(["a", "b", "c"], counts.Keys.Order());
        Assert.All(counts.Values, count => Assert.InRange(count, 50, 150));
    }

    [Fact]
    public void PickDestination_DestinationRemoved_MovesOnlyItsKeys()
    {
        var cluster = Cluster();
        var all = Destinations("a", "b", "c");
        var withoutB = all.Where(d => d.DestinationId != "b").ToList();
        var keys = Enumerable.Range(0, 300).Select(i => $"user-{i}").ToList();

        var before = keys.ToDictionary(k => k, k => Pick(cluster, all, k));
        var after = keys.ToDictionary(k => k, k => Pick(cluster, withoutB, k));

        Assert.Contains("b", before.Values);
        foreach (var key in keys)
        {
            if (before[key] == "b")
                Assert.NotEqual("b", after[key]);
            else
                Assert.Equal(before[key], after[key]);
        }
    }

    [Fact]
    public void PickDestination_DestinationAdded_TakesKeysOnlyForItself()
    {
        var cluster = Cluster();
        var keys = Enumerable.Range(0, 300).Select(i => $"user-{i}").ToList();

        var before = keys.ToDictionary(k => k, k => Pick(cluster, Destinations("a", "b", "c"), k));
        var after = keys.ToDictionary(k => k, k => Pick(cluster, Destinations("a", "b", "c", "d"), k));

        var moved = keys.Where(k => before[k] != after[k]).ToList();
        Assert.NotEmpty(moved);
        Assert.All(moved, k => Assert.Equal("d", after[k]));
    }

    [Fact]
    public void PickDestination_NoHeader_PicksFromTheList()
    {
        var cluster = Cluster();
        var destinations = Destinations("a", "b", "c");

        for (var i = 0; i < 50; i++)
            AssertOneOf(destinations, _policy.PickDestination(Request(key: null), cluster, destinations));
    }

    [Fact]
    public void PickDestination_NoHashHeaderInMetadata_PicksFromTheList()
    {
        var cluster = Cluster(hashHeader: null);
        var destinations = Destinations("a", "b", "c");

        for (var i = 0; i < 50; i++)
            AssertOneOf(destinations, _policy.PickDestination(Request("user-42"), cluster, destinations));
    }

    [Fact]
    public void PickDestination_OneDestination_PicksIt()
    {
        var destinations = Destinations("a");

        Assert.Same(destinations[0], _policy.PickDestination(Request("user-42"), Cluster(), destinations));
    }

    [Theory]
    [InlineData("user-42")]
    [InlineData(null)]
    public void PickDestination_EmptyList_ReturnsNull(string? key) =>
        Assert.Null(_policy.PickDestination(Request(key), Cluster(), []));
}
