using Mesh.Store.Entities;
using Mesh.Testing;

namespace Mesh.Store.Tests;

/// <summary>The rollouts' contract, run once on SQLite and once on Postgres.</summary>
public abstract class RolloutStoreSuite(string provider) : IAsyncLifetime
{
    private static readonly DateTimeOffset _at = new(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);
    private TestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync(provider);

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task Create_ThenGet_EveryFieldKept_AtVersion1()
    {
        var created = await CreateAsync(New("orders"));

        var read = await GetAsync(created!.Id);

        Assert.Equal(1, read!.Version);
        Assert.Equal(("orders", "v2", "v1", "5,25,50,100"), (read.Service, read.CanarySubset, read.StableSubset, read.Steps));
        Assert.Equal((60, 1.0, 1.5, 50), (read.IntervalSeconds, read.MaxErrorExcessPercent, read.MaxP99Ratio, read.MinCalls));
        Assert.Equal(RolloutState.Running, read.State);
        Assert.Equal(_at, read.StepStartedAt);
        Assert.Equal("alice", read.StartedBy);
    }

    [Fact]
    public async Task Create_ServiceHasAnActiveRollout_Refused_OtherServiceFine()
    {
        await CreateAsync(New("orders"));

        var second = await CreateAsync(New("orders"));
        var other = await CreateAsync(New("payments"));

        Assert.Null(second);
        Assert.NotNull(other);
        await using var db = _database.CreateContext();
        Assert.Single(await new RolloutStore(db).ListAsync("orders"));
    }

    [Fact]
    public async Task Create_PreviousRolloutEnded_Allowed()
    {
        var first = await CreateAsync(New("orders"));
        first!.State = RolloutState.RolledBack;
        await UpdateAsync(first);

        var second = await CreateAsync(New("orders"));

        Assert.NotNull(second);
        await using var db = _database.CreateContext();
        Assert.Equal([second!.Id, first.Id], (await new RolloutStore(db).ListAsync("orders")).Select(r => r.Id));
    }

    [Fact]
    public async Task Update_FromTheVersionRead_WrittenAndBumped()
    {
        var rollout = await CreateAsync(New("orders"));
        rollout!.StepIndex = 1;
        rollout.Gate = """{"verdict":"pass"}""";

        var written = await UpdateAsync(rollout);

        Assert.True(written);
        Assert.Equal(2, rollout.Version);
        var read = await GetAsync(rollout.Id);
        Assert.Equal((1, 2L, """{"verdict":"pass"}"""), (read!.StepIndex, read.Version, read.Gate));
    }

    [Fact]
    public async Task Update_TwoReplicasFromTheSameVersion_OnlyOneTakesTheStep()
    {
        var created = await CreateAsync(New("orders"));
        var mine = await GetAsync(created!.Id);
        var theirs = await GetAsync(created.Id);
        mine!.StepIndex = 1;
        mine.Message = "mine";
        theirs!.StepIndex = 1;
        theirs.Message = "theirs";

        var first = await UpdateAsync(mine);
        var second = await UpdateAsync(theirs);

        Assert.True(first);
        Assert.False(second);
        Assert.Equal(1, theirs.Version);
        var read = await GetAsync(created.Id);
        Assert.Equal(("mine", 2L), (read!.Message, read.Version));
    }

    [Fact]
    public async Task Running_OnlyRunningOnes()
    {
        var running = await CreateAsync(New("orders"));
        var paused = await CreateAsync(New("payments"));
        paused!.State = RolloutState.Paused;
        await UpdateAsync(paused);

        await using var db = _database.CreateContext();
        var listed = await new RolloutStore(db).RunningAsync();

        Assert.Equal(running!.Id, Assert.Single(listed).Id);
    }

    private static Rollout New(string service) => new()
    {
        Service = service,
        CanarySubset = "v2",
        StableSubset = "v1",
        Steps = "5,25,50,100",
        IntervalSeconds = 60,
        MaxErrorExcessPercent = 1,
        MaxP99Ratio = 1.5,
        MinCalls = 50,
        StepStartedAt = _at,
        StartedAt = _at,
        UpdatedAt = _at,
        StartedBy = "alice",
        Reason = "ship v2",
        Message = "started",
        State = RolloutState.Running,
    };

    private async Task<Rollout?> CreateAsync(Rollout rollout)
    {
        await using var db = _database.CreateContext();
        return await new RolloutStore(db).CreateAsync(rollout);
    }

    private async Task<Rollout?> GetAsync(long id)
    {
        await using var db = _database.CreateContext();
        return await new RolloutStore(db).GetAsync(id);
    }

    private async Task<bool> UpdateAsync(Rollout rollout)
    {
        await using var db = _database.CreateContext();
        return await new RolloutStore(db).UpdateAsync(rollout);
    }
}

public sealed class SqliteRolloutStoreTests() : RolloutStoreSuite(StoreProviders.Sqlite);

public sealed class PostgresRolloutStoreTests() : RolloutStoreSuite(StoreProviders.Postgres);
