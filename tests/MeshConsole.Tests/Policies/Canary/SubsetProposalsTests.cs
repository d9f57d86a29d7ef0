using Mesh.Policy.Snapshots;
using MeshConsole.Policies.Canary;

namespace MeshConsole.Tests.Policies.Canary;

public sealed class SubsetProposalsTests
{
    [Fact]
    public void From_VersionsAndOneZone_VersionsFirstNamedByValue()
    {
        var instances = new[]
        {
            Instance("orders", "a", ("version", "v1"), ("zone", "eu-1")),
            Instance("orders", "b", ("version", "v1"), ("zone", "eu-1")),
            Instance("orders", "c", ("version", "v2"), ("zone", "eu-1")),
            Instance("payments", "d", ("version", "v9")),
        };

        var proposals = SubsetProposals.From(instances, "orders", []);

        Assert.Equal(["v1", "v2", "eu-1"], proposals.Select(p => p.Name));
        Assert.Equal(2, proposals[0].Instances);
        Assert.Equal(("version", "v2"), (proposals[1].LabelKey, proposals[1].LabelValue));
    }

    [Fact]
    public void From_AlreadyDeclaredSelector_LeftOut()
    {
        var instances = new[] { Instance("orders", "a", ("version", "v1")), Instance("orders", "b", ("version", "v2")) };

        var proposals = SubsetProposals.From(instances, "orders", [new Dictionary<string, string> { ["version"] = "v1" }]);

        Assert.Equal("v2", Assert.Single(proposals).Name);
    }

    [Fact]
    public void From_UnhealthyInstance_NotProposed()
    {
        var instances = new[] { Instance("orders", "a", ("version", "v1")), Instance("orders", "b", ("version", "v2")) with { Healthy = false } };

        Assert.Equal("v1", Assert.Single(SubsetProposals.From(instances, "orders", [])).Name);
    }

    [Fact]
    public void From_ValueSharedByTwoKeysOrNotADnsLabel_NamedKeyValue()
    {
        var instances = new[]
        {
            Instance("orders", "a", ("track", "blue"), ("color", "blue"), ("topology.kubernetes.io/zone", "EU_West")),
        };

        var proposals = SubsetProposals.From(instances, "orders", []);

        Assert.Equal(["color-blue", "zone-eu-west", "track-blue"], proposals.Select(p => p.Name));
    }

    [Fact]
    public void From_NoInstances_NoProposals()
    {
        Assert.Empty(SubsetProposals.From([], "orders", []));
    }

    private static InstanceEndpoint Instance(string service, string id, params (string Key, string Value)[] labels) =>
        new(service, id, "127.0.0.1", 9000, labels.ToDictionary(l => l.Key, l => l.Value), Healthy: true);
}
