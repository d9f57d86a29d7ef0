using Mesh.Store.Entities;
using Mesh.Testing;

namespace Mesh.Store.Tests;

/// <summary>The experiments' contract, run once on SQLite and once on Postgres.</summary>
public abstract class ExperimentStoreSuite(string provider) : IAsyncLifetime
{
    private static readonly DateTimeOffset _t0 = new(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);
    private TestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync(provider);

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task AddThenGet_EveryFieldRoundTrips()
    {
        var added = await AddAsync(New("checkout-latency", _t0));
        var read = await GetAsync(added.Id);

        Assert.NotNull(read);
        Assert.Equal(1, read.Version);
        Assert.Equal("payments", read.Target);
        Assert.Equal("orders", read.ConditionSource);
        Assert.Equal(20, read.ConditionErrorPercent);
        Assert.Equal(ExperimentState.Running, read.State);
        Assert.Equal(_t0, read.StartedAt);
        Assert.Equal(_t0.AddMinutes(5), read.EndsAt);
        Assert.Equal(503, read.AbortHttpStatus);
    }

    [Fact]
    public async Task List_RunningFirstBySoonestEnd_ThenPastByLatestStart()
    {
        var oldPast = await AddAsync(New("old", _t0.AddHours(-2)) with { State = ExperimentState.Completed });
        var late = await AddAsync(New("late", _t0) with { EndsAt = _t0.AddHours(1) });
        var recentPast = await AddAsync(New("recent", _t0.AddHours(-1)) with { State = ExperimentState.Aborted });
        var soon = await AddAsync(New("soon", _t0.AddMinutes(-1)));

        await using var db = _database.CreateContext();
        var list = await new ExperimentStore(db).ListAsync();

        Assert.Equal([soon.Id, late.Id, recentPast.Id, oldPast.Id], list.Select(e => e.Id));
    }

    [Fact]
    public async Task Update_AtTheVersionRead_SavesAndBumps()
    {
        var added = await AddAsync(New("a", _t0));
        var read = (await GetAsync(added.Id))!;
        read.State = ExperimentState.Stopped;
        read.EndedBy = "alice";

        await using var db = _database.CreateContext();
        var saved = await new ExperimentStore(db).UpdateAsync(read);

        Assert.True(saved);
        Assert.Equal(2, read.Version);
        var again = (await GetAsync(added.Id))!;
        Assert.Equal(ExperimentState.Stopped, again.State);
        Assert.Equal("alice", again.EndedBy);
        Assert.Equal(2, again.Version);
    }

    [Fact]
    public async Task Update_TwoWritersFromOneVersion_OnlyTheFirstWins()
    {
        var added = await AddAsync(New("a", _t0));
        var first = (await GetAsync(added.Id))!;
        var second = (await GetAsync(added.Id))!;
        first.State = ExperimentState.Aborted;
        second.State = ExperimentState.Completed;

        await using var db1 = _database.CreateContext();
        await using var db2 = _database.CreateContext();
        var firstSaved = await new ExperimentStore(db1).UpdateAsync(first);
        var secondSaved = await new ExperimentStore(db2).UpdateAsync(second);

        Assert.True(firstSaved);
        Assert.False(secondSaved);
        Assert.Equal(1, second.Version);
        Assert.Equal(ExperimentState.Aborted, (await GetAsync(added.Id))!.State);
    }

    [Fact]
    public async Task Unsettled_LeavesSettledOut()
    {
        var settled = await AddAsync(New("done", _t0) with { State = ExperimentState.Completed, Settled = true });
        var running = await AddAsync(New("running", _t0));

        await using var db = _database.CreateContext();
        var unsettled = await new ExperimentStore(db).UnsettledAsync();

        Assert.Equal([running.Id], unsettled.Select(e => e.Id));
        Assert.NotEqual(settled.Id, running.Id);
    }

    [Fact]
    public async Task Delete_OnlyAtTheVersionGiven()
    {
        var added = await AddAsync(New("a", _t0));

        await using var db = _database.CreateContext();
        var store = new ExperimentStore(db);
        Assert.False(await store.DeleteAsync(added.Id, version: 2));
        Assert.True(await store.DeleteAsync(added.Id, version: 1));
        Assert.Null(await GetAsync(added.Id));
    }

    private static ExperimentRow New(string name, DateTimeOffset startedAt) => new(name, startedAt, startedAt.AddMinutes(5), ExperimentState.Running, false);

    private async Task<Experiment> AddAsync(ExperimentRow row)
    {
        await using var db = _database.CreateContext();
        return await new ExperimentStore(db).AddAsync(new Experiment
        {
            Name = row.Name,
            Target = "payments",
            AbortHttpStatus = 503,
            AbortPercent = 100,
            DurationSeconds = 300,
            ConditionSource = "orders",
            ConditionDestination = "payments",
            ConditionErrorPercent = 20,
            ConditionForSeconds = 10,
            State = row.State,
            Reason = "game day",
            StartedBy = "alice",
            StartedAt = row.StartedAt,
            EndsAt = row.EndsAt,
            Settled = row.Settled,
        });
    }

    private async Task<Experiment?> GetAsync(long id)
    {
        await using var db = _database.CreateContext();
        return await new ExperimentStore(db).GetAsync(id);
    }

    private sealed record ExperimentRow(string Name, DateTimeOffset StartedAt, DateTimeOffset EndsAt, ExperimentState State, bool Settled);
}

public sealed class SqliteExperimentStoreTests() : ExperimentStoreSuite(StoreProviders.Sqlite);

public sealed class PostgresExperimentStoreTests() : ExperimentStoreSuite(StoreProviders.Postgres);
