using Google.Protobuf;
using Mesh.Contracts.V1;
using Mesh.Policy.Routing;
using MeshSidecar.Configuration;
using MeshSidecar.Snapshots;

namespace MeshSidecar.Tests.Snapshots;

public sealed class SnapshotHolderTests : IDisposable
{
    private const string WeightsSumTo90 =
        """{"subsets":[{"name":"v1","labels":{"version":"v1"}}],"rules":[{"destinations":[{"subset":"v1","weight":90}]}]}""";

    private readonly DirectoryInfo _temporary = Directory.CreateTempSubdirectory("mesh-sidecar-tests-");
    private readonly SidecarOptions _options;

    public SnapshotHolderTests() =>
        // A folder that does not exist yet: the holder creates it on its first write.
        _options = TestSnapshots.Options(Path.Combine(_temporary.FullName, "state"));

    public void Dispose() => _temporary.Delete(recursive: true);

    private SnapshotHolder NewHolder() => TestSnapshots.Holder(_options);

    /// <summary>A snapshot of revision 8 broken in the way <paramref name="kind"/> names, and the error it must be refused with.</summary>
    private static (Snapshot Snapshot, string Error) Broken(string kind)
    {
        var snapshot = TestSnapshots.Valid(revision: 8);
        var orders = snapshot.Services[0];
        switch (kind)
        {
            case "weights-90":
                orders.RoutesJson = WeightsSumTo90;
                return (snapshot, "services[orders].routes.rules[0].destinations: weights sum to 90, must be 100");
            case "port-0":
                orders.Endpoints[1].Port = 0;
                return (snapshot, "services[orders].endpoints[1].port: 0 is not a port");
            case "service-name":
                orders.Name = "Orders";
                return (snapshot, "services[Orders].name: \"Orders\" is not a DNS label (lower-case letters, digits and '-', starting and ending with a letter or digit)");
            case "empty-hash":
                snapshot.Hash = "";
                return (snapshot, "snapshot.hash: empty");
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }
    }

    [Fact]
    public void Current_NewHolder_IsNull()
    {
        var holder = NewHolder();

        Assert.Null(holder.Current);
    }

    [Fact]
    public void Apply_ValidSnapshot_ReturnsNullAndSetsCurrent()
    {
        var holder = NewHolder();
        var message = TestSnapshots.Valid();

        var error = holder.Apply(message);

        Assert.Null(error);
        var current = Assert.IsType<AppliedSnapshot>(holder.Current);
        Assert.Equal(message.Hash, current.Hash);
        Assert.Equal(7, current.Revision);
        Assert.Equal(message, current.Message);
        var orders = Assert.Single(current.Services).Value;
        Assert.Equal("orders", orders.Name);
        Assert.Equal(["orders-a", "orders-b"], orders.Endpoints.Select(e => e.InstanceId));
        Assert.NotNull(orders.Routes);
        Assert.Null(orders.Resilience);
        Assert.Null(orders.Faults);
        Assert.Null(current.Access);
    }

    [Fact]
    public void Apply_ValidSnapshot_CompilesRoutesToSubsetV1()
    {
        var holder = NewHolder();

        holder.Apply(TestSnapshots.Valid());

        var routes = holder.Current?.Services["orders"].Routes;
        Assert.NotNull(routes);
        var choice = Assert.IsType<SubsetChoice>(routes.Select("GET", "/", _ => null, 0));
        Assert.Equal("v1", choice.Subset);
        Assert.Equal(new Dictionary<string, string> { ["version"] = "v1" }, choice.Labels);
    }

    [Fact]
    public void Apply_ValidSnapshot_RaisesAppliedOnceWithCurrent()
    {
        var holder = NewHolder();
        var raised = new List<AppliedSnapshot>();
        holder.Applied += raised.Add;

        holder.Apply(TestSnapshots.Valid());

        var applied = Assert.Single(raised);
        Assert.Same(holder.Current, applied);
    }

    [Fact]
    public void Apply_ValidSnapshot_WritesSnapshotFile()
    {
        var holder = NewHolder();
        var message = TestSnapshots.Valid();

        holder.Apply(message);

        Assert.Equal(Path.Combine(_options.StateDirectory, "checkout-15006.snapshot.pb"), _options.SnapshotPath);
        Assert.True(File.Exists(_options.SnapshotPath));
        Assert.Equal(message, Snapshot.Parser.ParseFrom(File.ReadAllBytes(_options.SnapshotPath)));
        Assert.False(File.Exists(_options.SnapshotPath + ".tmp"));
    }

    [Fact]
    public void Apply_SecondValidSnapshot_ReplacesCurrentAndFile()
    {
        var holder = NewHolder();
        holder.Apply(TestSnapshots.Valid(revision: 7));
        var second = TestSnapshots.Snapshot(8, TestSnapshots.Orders(), new ServiceConfig { Name = "payments" });

        var error = holder.Apply(second);

        Assert.Null(error);
        Assert.Equal(8, holder.Current?.Revision);
        Assert.Equal(second.Hash, holder.Current?.Hash);
        Assert.Equal(["orders", "payments"], holder.Current?.Services.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(second, Snapshot.Parser.ParseFrom(File.ReadAllBytes(_options.SnapshotPath)));
    }

    [Fact]
    public void Apply_RoutesWeightsSumTo90_ReturnsErrorNamingPath()
    {
        var holder = NewHolder();
        var (message, _) = Broken("weights-90");

        var error = holder.Apply(message);

        Assert.NotNull(error);
        Assert.Contains("services[orders].routes.rules[0].destinations", error, StringComparison.Ordinal);
        Assert.Contains("weights sum to 90", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("weights-90")]
    [InlineData("port-0")]
    [InlineData("service-name")]
    [InlineData("empty-hash")]
    public void Apply_InvalidSnapshot_ReturnsExactError(string kind)
    {
        var holder = NewHolder();
        var (message, expected) = Broken(kind);

        var error = holder.Apply(message);

        Assert.Equal(expected, error);
    }

    [Theory]
    [InlineData("weights-90")]
    [InlineData("port-0")]
    [InlineData("service-name")]
    [InlineData("empty-hash")]
    public void Apply_InvalidSnapshotAfterValid_PreviousStaysInForce(string kind)
    {
        var holder = NewHolder();
        holder.Apply(TestSnapshots.Valid(revision: 7));
        var previous = holder.Current;
        var previousFile = File.ReadAllBytes(_options.SnapshotPath);
        var raised = 0;
        holder.Applied += _ => raised++;

        var error = holder.Apply(Broken(kind).Snapshot);

        Assert.NotNull(error);
        Assert.Same(previous, holder.Current);
        Assert.Equal(7, holder.Current?.Revision);
        Assert.Equal(previousFile, File.ReadAllBytes(_options.SnapshotPath));
        Assert.Equal(0, raised);
    }

    [Fact]
    public void Apply_InvalidFirstSnapshot_NoCurrentAndNoFile()
    {
        var holder = NewHolder();
        var raised = 0;
        holder.Applied += _ => raised++;

        var error = holder.Apply(Broken("port-0").Snapshot);

        Assert.NotNull(error);
        Assert.Null(holder.Current);
        Assert.False(File.Exists(_options.SnapshotPath));
        Assert.Equal(0, raised);
    }

    [Fact]
    public void Apply_SeveralMistakes_ReportsEveryOneSeparatedBySemicolons()
    {
        var holder = NewHolder();
        var message = TestSnapshots.Valid();
        message.Hash = "";
        message.Services[0].Endpoints[0].Address = "bad host";
        message.Services[0].Endpoints[1].Port = 70000;

        var error = holder.Apply(message);

        Assert.Equal(
            "snapshot.hash: empty; "
            + "services[orders].endpoints[0].address: \"bad host\" is not a host name or IP address; "
            + "services[orders].endpoints[1].port: 70000 is not a port",
            error);
    }

    [Fact]
    public void Apply_SameServiceTwice_Refused()
    {
        var holder = NewHolder();

        var error = holder.Apply(TestSnapshots.Snapshot(7, TestSnapshots.Orders(), TestSnapshots.Orders()));

        Assert.Equal("services[orders]: listed twice", error);
        Assert.Null(holder.Current);
    }

    [Fact]
    public void Apply_MalformedPolicyJson_ReportsKindPath()
    {
        var holder = NewHolder();
        var message = TestSnapshots.Valid();
        message.Services[0].ResilienceJson = """{"loadBalancer":{"policy":"fastest"}}""";
        message.AccessJson = "{";

        var error = holder.Apply(message);

        Assert.NotNull(error);
        Assert.StartsWith("services[orders].resilience.", error, StringComparison.Ordinal);
        Assert.Contains("; access", error, StringComparison.Ordinal);
        Assert.Null(holder.Current);
    }

    [Fact]
    public void Apply_FaultExpiredInThePast_Accepted()
    {
        var holder = NewHolder();
        var message = TestSnapshots.Valid();
        message.Services[0].FaultsJson =
            """{"faults":[{"abort":{"httpStatus":503,"percent":50},"expiresAt":"2020-01-01T00:00:00Z"}]}""";

        var error = holder.Apply(message);

        Assert.Null(error);
        var faults = holder.Current?.Services["orders"].Faults;
        Assert.NotNull(faults);
        var fault = Assert.Single(faults.Policy.Faults);
        Assert.Equal(new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero), fault.ExpiresAt);
    }

    [Fact]
    public void Apply_FaultWithoutExpiry_Refused()
    {
        var holder = NewHolder();
        var message = TestSnapshots.Valid();
        message.Services[0].FaultsJson = """{"faults":[{"abort":{"httpStatus":503,"percent":50}}]}""";

        var error = holder.Apply(message);

        Assert.Equal("services[orders].faults.faults[0].expiresAt: required: every fault must end", error);
    }

    /// <summary>
    /// A state folder the sidecar may not write to (a read-only volume mounted for another user,
    /// here: a folder in the way of the temporary file) must not stop a valid snapshot from being
    /// applied and announced: keeping it on disk is only for restarts.
    /// </summary>
    [Fact]
    public void Apply_SnapshotFileCannotBeWritten_StillAppliesAndAnnounces()
    {
        var holder = NewHolder();
        Directory.CreateDirectory(_options.SnapshotPath + ".tmp");
        var raised = 0;
        holder.Applied += _ => raised++;

        var error = "not returned";

        var exception = Record.Exception(() => error = holder.Apply(TestSnapshots.Valid()));

        Assert.Null(exception);
        Assert.Null(error);
        Assert.Equal(7, holder.Current?.Revision);
        Assert.Equal(1, raised);
    }

    [Fact]
    public void LoadFromDisk_AfterApply_RestoresLastSnapshotInNewHolder()
    {
        var first = NewHolder();
        first.Apply(TestSnapshots.Valid(revision: 7));
        var last = TestSnapshots.Valid(revision: 9);
        first.Apply(last);
        var restarted = NewHolder();
        var raised = 0;
        restarted.Applied += _ => raised++;

        restarted.LoadFromDisk();

        var current = Assert.IsType<AppliedSnapshot>(restarted.Current);
        Assert.Equal(last.Hash, current.Hash);
        Assert.Equal(9, current.Revision);
        Assert.Equal(last, current.Message);
        Assert.Equal(["orders"], current.Services.Keys);
        Assert.Equal(1, raised);
    }

    [Fact]
    public void LoadFromDisk_AfterRefusedApply_RestoresLastAppliedSnapshot()
    {
        var first = NewHolder();
        var applied = TestSnapshots.Valid(revision: 7);
        first.Apply(applied);
        first.Apply(Broken("weights-90").Snapshot);
        var restarted = NewHolder();

        restarted.LoadFromDisk();

        Assert.Equal(applied.Hash, restarted.Current?.Hash);
        Assert.Equal(7, restarted.Current?.Revision);
    }

    [Fact]
    public void LoadFromDisk_NoFile_CurrentStaysNull()
    {
        var holder = NewHolder();

        holder.LoadFromDisk();

        Assert.Null(holder.Current);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("truncated")]
    [InlineData("empty")]
    public void LoadFromDisk_CorruptFile_CurrentNullAndNoThrow(string corruption)
    {
        var valid = TestSnapshots.Valid().ToByteArray();
        byte[] bytes = corruption switch
        {
            "garbage" => [0xFF, 0xFF, 0xFF, 0xFF, 0x0F],
            "truncated" => valid[..^1],
            _ => [],
        };
        Directory.CreateDirectory(_options.StateDirectory);
        File.WriteAllBytes(_options.SnapshotPath, bytes);
        var holder = NewHolder();

        var exception = Record.Exception(holder.LoadFromDisk);

        Assert.Null(exception);
        Assert.Null(holder.Current);
    }

    [Fact]
    public void LoadFromDisk_FileOfAnotherInboundPort_NotRead()
    {
        NewHolder().Apply(TestSnapshots.Valid());
        var otherPort = TestSnapshots.Holder(_options with { InboundPort = 16006 });

        otherPort.LoadFromDisk();

        Assert.Null(otherPort.Current);
    }
}
