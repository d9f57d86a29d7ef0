using Mesh.Store.Entities;
using Mesh.Testing;

namespace Mesh.Store.Tests;

/// <summary>The topology rollups' contract, run once on SQLite and once on Postgres.</summary>
public abstract class RollupStoreSuite(string provider) : IAsyncLifetime
{
    private const long Minute = 1_795_000_000 - (1_795_000_000 % 60);
    private TestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync(provider);

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task WriteThenRead_EveryReplicasRowsOfTheMinutesAsked()
    {
        await WriteAsync(Minute, "a", Row(Minute, "a", "web", "api", 10));
        await WriteAsync(Minute, "b", Row(Minute, "b", "web", "api", 5));
        await WriteAsync(Minute + 60, "a", Row(Minute + 60, "a", "web", "api", 7));

        var first = await ReadAsync(Minute, Minute + 60);
        var both = await ReadAsync(Minute, Minute + 120);

        Assert.Equal([10L, 5L], first.OrderBy(r => r.Replica).Select(r => r.Requests));
        Assert.Equal(22, both.Sum(r => r.Requests));
        Assert.Equal("[[1000,3]]", first[0].Latencies);
    }

    [Fact]
    public async Task WriteSameMinuteAgain_ReplacesThatReplicasRows()
    {
        await WriteAsync(Minute, "a", Row(Minute, "a", "web", "api", 10), Row(Minute, "a", "web", "db", 2));

        await WriteAsync(Minute, "a", Row(Minute, "a", "web", "api", 12));

        var rows = await ReadAsync(Minute, Minute + 60);
        Assert.Equal(12, Assert.Single(rows).Requests);
    }

    [Fact]
    public async Task DeleteBefore_OnlyOlderMinutesGo()
    {
        await WriteAsync(Minute, "a", Row(Minute, "a", "web", "api", 1));
        await WriteAsync(Minute + 60, "a", Row(Minute + 60, "a", "web", "api", 2));

        await using var db = _database.CreateContext();
        var deleted = await new RollupStore(db).DeleteBeforeAsync(Minute + 60);

        Assert.Equal(1, deleted);
        Assert.Equal(2, Assert.Single(await ReadAsync(0, long.MaxValue)).Requests);
    }

    private static TopologyRollup Row(long minute, string replica, string source, string destination, long requests) => new()
    {
        Minute = minute,
        Replica = replica,
        Source = source,
        Destination = destination,
        Protocol = "http",
        Requests = requests,
        Errors = 1,
        Latencies = "[[1000,3]]",
    };

    private async Task WriteAsync(long minute, string replica, params TopologyRollup[] rows)
    {
        await using var db = _database.CreateContext();
        await new RollupStore(db).WriteAsync(minute, replica, rows);
    }

    private async Task<IReadOnlyList<TopologyRollup>> ReadAsync(long from, long to)
    {
        await using var db = _database.CreateContext();
        return await new RollupStore(db).ReadAsync(from, to);
    }
}

public sealed class SqliteRollupStoreTests() : RollupStoreSuite(StoreProviders.Sqlite);

public sealed class PostgresRollupStoreTests() : RollupStoreSuite(StoreProviders.Postgres);
