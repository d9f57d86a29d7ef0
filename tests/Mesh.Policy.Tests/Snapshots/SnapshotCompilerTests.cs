using Mesh.Policy.Documents;
using Mesh.Policy.Snapshots;

namespace Mesh.Policy.Tests.Snapshots;

public class SnapshotCompilerTests
{
    private const string ServiceJson = """{"owner":"team"}""";

    private const string RoutesJson =
        """{"subsets":[{"name":"v1","labels":{"version":"v1"}}],"rules":[{"destinations":[{"subset":"v1","weight":100}]}]}""";

    private const string OtherRoutesJson =
        """{"subsets":[{"name":"v1","labels":{"version":"v1"}},{"name":"v2","labels":{"version":"v2"}}],"rules":[{"destinations":[{"subset":"v1","weight":90},{"subset":"v2","weight":10}]}]}""";

    private const string ResilienceJson = """{"timeoutMs":2000}""";

    private const string FaultsJson =
        """{"faults":[{"name":"slow","delay":{"fixedMs":300,"percent":50},"expiresAt":"2026-11-25T18:00:00Z"}]}""";

    private const string AllowAllJson = """{"defaultAction":"allow","rules":[]}""";

    private const string DenyAllJson = """{"defaultAction":"deny","rules":[]}""";

    private static SnapshotDocument Doc(ConfigKind kind, string target, string json) => new(kind, target, json);

    private static InstanceEndpoint Instance(
        string service, string id, int port = 15001, bool healthy = true, string version = "v1") =>
        new(service, id, "10.0.0.1", port, new Dictionary<string, string> { ["version"] = version }, healthy);

    private static List<SnapshotDocument> Documents() =>
    [
        Doc(ConfigKind.Service, "orders", ServiceJson),
        Doc(ConfigKind.Service, "payments", ServiceJson),
        Doc(ConfigKind.Routes, "orders", RoutesJson),
        Doc(ConfigKind.Resilience, "orders", ResilienceJson),
        Doc(ConfigKind.Access, ConfigKinds.MeshTarget, AllowAllJson),
    ];

    private static List<InstanceEndpoint> Instances() =>
    [
        Instance("orders", "orders-a"),
        Instance("orders", "orders-b"),
        Instance("payments", "payments-a"),
    ];

    private static MeshSnapshot Baseline() => SnapshotCompiler.Compile(1, Documents(), Instances());

    [Fact]
    public void Compile_SameInputsInAnotherOrder_SameHashAndServiceOrder()
    {
        var documents = Documents();
        var instances = Instances();
        var reversedDocuments = Enumerable.Reverse(documents).ToList();
        var reversedInstances = Enumerable.Reverse(instances).ToList();

        var first = SnapshotCompiler.Compile(1, documents, instances);
        var second = SnapshotCompiler.Compile(1, reversedDocuments, reversedInstances);

        Assert.Equal(first.Hash, second.Hash);
        Assert.Equal(first.Services.Select(s => s.Name), second.Services.Select(s => s.Name));
        Assert.Equal(
            first.Services.SelectMany(s => s.Endpoints).Select(e => e.InstanceId),
            second.Services.SelectMany(s => s.Endpoints).Select(e => e.InstanceId));
    }

    [Fact]
    public void Compile_SameInputsTwice_SameHash()
    {
        var first = Baseline();
        var second = Baseline();

        Assert.Equal(first.Hash, second.Hash);
        Assert.Matches("^[0-9a-f]{64}$", first.Hash);
    }

    [Fact]
    public void Compile_ServicesGivenOutOfOrder_OrderedByNameOrdinally()
    {
        var documents = new[]
        {
            Doc(ConfigKind.Service, "zeta", ServiceJson),
            Doc(ConfigKind.Service, "alpha", ServiceJson),
            Doc(ConfigKind.Service, "mid", ServiceJson),
        };
        var instances = new[] { Instance("beta", "beta-1"), Instance("alpha", "alpha-1") };

        var snapshot = SnapshotCompiler.Compile(1, documents, instances);

        Assert.Equal(["alpha", "beta", "mid", "zeta"], snapshot.Services.Select(s => s.Name));
    }

    [Fact]
    public void Compile_InstancesGivenOutOfOrder_EndpointsOrderedByInstanceId()
    {
        var instances = new[]
        {
            Instance("orders", "orders-c"),
            Instance("orders", "orders-a"),
            Instance("orders", "orders-b"),
        };

        var snapshot = SnapshotCompiler.Compile(1, [], instances);

        var service = Assert.Single(snapshot.Services);
        Assert.Equal(["orders-a", "orders-b", "orders-c"], service.Endpoints.Select(e => e.InstanceId));
    }

    [Fact]
    public void Compile_DifferentRevisionSameContent_SameHash()
    {
        var first = SnapshotCompiler.Compile(1, Documents(), Instances());
        var second = SnapshotCompiler.Compile(42, Documents(), Instances());

        Assert.Equal(first.Hash, second.Hash);
        Assert.Equal(1, first.Revision);
        Assert.Equal(42, second.Revision);
    }

    [Fact]
    public void Compile_RoutesChanged_HashChanges()
    {
        var documents = Documents();
        documents[2] = Doc(ConfigKind.Routes, "orders", OtherRoutesJson);

        var changed = SnapshotCompiler.Compile(1, documents, Instances());

        Assert.NotEqual(Baseline().Hash, changed.Hash);
    }

    [Fact]
    public void Compile_EndpointHealthChanged_HashChanges()
    {
        var instances = Instances();
        instances[1] = instances[1] with { Healthy = false };

        var changed = SnapshotCompiler.Compile(1, Documents(), instances);

        Assert.NotEqual(Baseline().Hash, changed.Hash);
    }

    [Fact]
    public void Compile_EndpointLabelValueChanged_HashChanges()
    {
        var instances = Instances();
        instances[1] = Instance("orders", "orders-b", version: "v2");

        var changed = SnapshotCompiler.Compile(1, Documents(), instances);

        Assert.NotEqual(Baseline().Hash, changed.Hash);
    }

    [Fact]
    public void Compile_EndpointLabelAdded_HashChanges()
    {
        var instances = Instances();
        instances[1] = instances[1] with
        {
            Labels = new Dictionary<string, string> { ["version"] = "v1", ["zone"] = "eu-1" },
        };

        var changed = SnapshotCompiler.Compile(1, Documents(), instances);

        Assert.NotEqual(Baseline().Hash, changed.Hash);
    }

    [Fact]
    public void Compile_EndpointLabelsInAnotherOrder_SameHash()
    {
        var labels = new Dictionary<string, string> { ["version"] = "v1", ["zone"] = "eu-1" };
        var reordered = new Dictionary<string, string> { ["zone"] = "eu-1", ["version"] = "v1" };

        var first = SnapshotCompiler.Compile(1, [], [Instance("orders", "orders-a") with { Labels = labels }]);
        var second = SnapshotCompiler.Compile(1, [], [Instance("orders", "orders-a") with { Labels = reordered }]);

        Assert.Equal(first.Hash, second.Hash);
    }

    [Fact]
    public void Compile_EndpointPortChanged_HashChanges()
    {
        var instances = Instances();
        instances[1] = Instance("orders", "orders-b", port: 15002);

        var changed = SnapshotCompiler.Compile(1, Documents(), instances);

        Assert.NotEqual(Baseline().Hash, changed.Hash);
    }

    [Fact]
    public void Compile_AccessPolicyChanged_HashChanges()
    {
        var documents = Documents();
        documents[4] = Doc(ConfigKind.Access, ConfigKinds.MeshTarget, DenyAllJson);

        var changed = SnapshotCompiler.Compile(1, documents, Instances());

        Assert.NotEqual(Baseline().Hash, changed.Hash);
    }

    [Fact]
    public void Compile_AccessPolicyRemoved_HashChanges()
    {
        var documents = Documents();
        documents.RemoveAt(4);

        var changed = SnapshotCompiler.Compile(1, documents, Instances());

        Assert.Null(changed.AccessJson);
        Assert.NotEqual(Baseline().Hash, changed.Hash);
    }

    [Fact]
    public void Compile_RoutesWithKeysInAnotherOrder_SameRoutesJsonAndHash()
    {
        const string reordered =
            """{"rules":[{"destinations":[{"weight":100,"subset":"v1"}]}],"subsets":[{"labels":{"version":"v1"},"name":"v1"}]}""";
        var documents = Documents();
        documents[2] = Doc(ConfigKind.Routes, "orders", reordered);

        var baseline = Baseline();
        var changed = SnapshotCompiler.Compile(1, documents, Instances());

        Assert.Equal(baseline.Services[0].RoutesJson, changed.Services[0].RoutesJson);
        Assert.Equal(baseline.Hash, changed.Hash);
    }

    [Fact]
    public void Compile_RoutesWithMapKeysInAnotherOrder_SameRoutesJsonAndHash()
    {
        // Postgres jsonb sorts the keys of every object, maps included ("zone" before "version": shorter first).
        const string written =
            """{"subsets":[{"name":"v1","labels":{"version":"v1","zone":"eu-1"}}],"rules":[{"destinations":[{"subset":"v1","weight":100}]}]}""";
        const string readBack =
            """{"rules":[{"destinations":[{"subset":"v1","weight":100}]}],"subsets":[{"name":"v1","labels":{"zone":"eu-1","version":"v1"}}]}""";

        var first = SnapshotCompiler.Compile(1, [Doc(ConfigKind.Routes, "orders", written)], [Instance("orders", "orders-a")]);
        var second = SnapshotCompiler.Compile(1, [Doc(ConfigKind.Routes, "orders", readBack)], [Instance("orders", "orders-a")]);

        Assert.Equal(first.Services[0].RoutesJson, second.Services[0].RoutesJson);
        Assert.Equal(first.Hash, second.Hash);
    }

    [Fact]
    public void Compile_StoredRoutesWithWhitespace_RoutesJsonIsCompactCanonical()
    {
        const string spaced = """
            { "subsets": [ { "name": "v1", "labels": { "version": "v1" } } ],
              "rules": [ { "destinations": [ { "subset": "v1", "weight": 100 } ] } ] }
            """;

        var snapshot = SnapshotCompiler.Compile(1, [Doc(ConfigKind.Routes, "orders", spaced)], [Instance("orders", "orders-a")]);

        Assert.Equal(ConfigDocuments.Canonical(ConfigKind.Routes, RoutesJson), snapshot.Services[0].RoutesJson);
        Assert.Equal(Baseline().Services[0].RoutesJson, snapshot.Services[0].RoutesJson);
    }

    [Fact]
    public void Compile_DeclaredAndRegisteredServices_ListsBoth()
    {
        var documents = new[] { Doc(ConfigKind.Service, "declared", ServiceJson) };
        var instances = new[] { Instance("registered", "registered-1") };

        var snapshot = SnapshotCompiler.Compile(1, documents, instances);

        Assert.Equal(["declared", "registered"], snapshot.Services.Select(s => s.Name));
        Assert.Empty(snapshot.Services[0].Endpoints);
        Assert.Equal("registered-1", Assert.Single(snapshot.Services[1].Endpoints).InstanceId);
    }

    [Fact]
    public void Compile_ServiceDeclaredAndRegistered_ListedOnceWithItsEndpoints()
    {
        var snapshot = Baseline();

        Assert.Equal(["orders", "payments"], snapshot.Services.Select(s => s.Name));
        Assert.Equal(["orders-a", "orders-b"], snapshot.Services[0].Endpoints.Select(e => e.InstanceId));
        Assert.All(snapshot.Services[0].Endpoints, e => Assert.Equal("orders", e.Service));
    }

    [Fact]
    public void Compile_PolicyWithoutServiceOrInstances_NotListedAsService()
    {
        var documents = new[] { Doc(ConfigKind.Routes, "ghost", RoutesJson), Doc(ConfigKind.Service, "orders", ServiceJson) };

        var snapshot = SnapshotCompiler.Compile(1, documents, []);

        Assert.Equal("orders", Assert.Single(snapshot.Services).Name);
    }

    [Fact]
    public void Compile_ServiceWithoutPolicies_HasNullPolicyJson()
    {
        var snapshot = Baseline();

        var payments = snapshot.Services.Single(s => s.Name == "payments");
        Assert.Null(payments.RoutesJson);
        Assert.Null(payments.ResilienceJson);
        Assert.Null(payments.FaultsJson);
    }

    [Fact]
    public void Compile_ServiceWithPolicies_CarriesEachKindInItsOwnField()
    {
        var documents = Documents();
        documents.Add(Doc(ConfigKind.Faults, "orders", FaultsJson));

        var snapshot = SnapshotCompiler.Compile(1, documents, Instances());

        var orders = snapshot.Services.Single(s => s.Name == "orders");
        Assert.Equal(ConfigDocuments.Canonical(ConfigKind.Routes, RoutesJson), orders.RoutesJson);
        Assert.Equal(ConfigDocuments.Canonical(ConfigKind.Resilience, ResilienceJson), orders.ResilienceJson);
        Assert.Equal(ConfigDocuments.Canonical(ConfigKind.Faults, FaultsJson), orders.FaultsJson);
    }

    [Fact]
    public void Compile_AccessPolicyOnMeshTarget_LandsInAccessJson()
    {
        var snapshot = Baseline();

        Assert.Equal(ConfigDocuments.Canonical(ConfigKind.Access, AllowAllJson), snapshot.AccessJson);
        Assert.Contains("\"defaultAction\":\"allow\"", snapshot.AccessJson, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_NoAccessPolicy_AccessJsonNull()
    {
        var snapshot = SnapshotCompiler.Compile(1, [Doc(ConfigKind.Service, "orders", ServiceJson)], []);

        Assert.Null(snapshot.AccessJson);
    }

    [Fact]
    public void Compile_NullArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>(() => SnapshotCompiler.Compile(1, null!, []));
        Assert.Throws<ArgumentNullException>(() => SnapshotCompiler.Compile(1, [], null!));
    }

    [Fact]
    public void KeepIfUnchanged_SameHash_ReturnsPrevious()
    {
        var previous = SnapshotCompiler.Compile(1, Documents(), Instances());
        var next = SnapshotCompiler.Compile(2, Documents(), Instances());

        var kept = SnapshotCompiler.KeepIfUnchanged(previous, next);

        Assert.Same(previous, kept);
        Assert.Equal(1, kept.Revision);
    }

    [Fact]
    public void KeepIfUnchanged_DifferentHash_ReturnsNext()
    {
        var previous = Baseline();
        var instances = Instances();
        instances[0] = instances[0] with { Healthy = false };
        var next = SnapshotCompiler.Compile(2, Documents(), instances);

        var kept = SnapshotCompiler.KeepIfUnchanged(previous, next);

        Assert.Same(next, kept);
    }

    [Fact]
    public void Empty_NothingConfigured_NoServicesAndNullAccess()
    {
        var empty = MeshSnapshot.Empty;

        Assert.Empty(empty.Services);
        Assert.Null(empty.AccessJson);
        Assert.Equal(0, empty.Revision);
        Assert.Equal(SnapshotCompiler.Compile(0, [], []).Hash, empty.Hash);
    }
}
