using Mesh.Store.Entities;
using Mesh.Testing;

namespace Mesh.Store.Tests;

/// <summary>The registry rows other replicas read a sidecar's sync state from (Postgres: replicas share it).</summary>
public sealed class InstanceStoreTests : IAsyncLifetime
{
    private static readonly DateTimeOffset _at = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
    private TestDatabase _database = null!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync(StoreProviders.Postgres);
        await UseAsync(s => s.UpsertAsync(new SidecarInstance { InstanceId = "orders-1", Service = "orders", Address = "10.0.0.7", Port = 15006, ConnectedAt = _at, LastSeen = _at, Connected = true }));
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task RecordSync_AckThenNackOfALaterRevision_BothKept()
    {
        await UseAsync(s => s.RecordSyncAsync("orders-1", 7, null, null));
        await UseAsync(s => s.RecordSyncAsync("orders-1", 7, 8, "routes: unknown subset v3"));

        var row = await RowAsync();
        Assert.Equal(7, row.AppliedRevision);
        Assert.Equal(8, row.RefusedRevision);
        Assert.Equal("routes: unknown subset v3", row.RefusedError);
    }

    [Fact]
    public async Task RecordSync_OlderAnswerArrivingLate_DoesNotOverwriteANewerOne()
    {
        await UseAsync(s => s.RecordSyncAsync("orders-1", 9, null, null));
        await UseAsync(s => s.RecordSyncAsync("orders-1", 7, 8, "late"));

        var row = await RowAsync();
        Assert.Equal(9, row.AppliedRevision);
        Assert.Null(row.RefusedRevision);
    }

    [Fact]
    public async Task RecordSync_AckAfterANack_ClearsTheRefusal()
    {
        await UseAsync(s => s.RecordSyncAsync("orders-1", 7, 8, "bad"));
        await UseAsync(s => s.RecordSyncAsync("orders-1", 9, null, null));

        var row = await RowAsync();
        Assert.Equal(9, row.AppliedRevision);
        Assert.Null(row.RefusedRevision);
        Assert.Null(row.RefusedError);
    }

    private async Task UseAsync(Func<InstanceStore, Task> action)
    {
        await using var db = _database.CreateContext();
        await action(new InstanceStore(db));
    }

    private async Task<SidecarInstance> RowAsync()
    {
        await using var db = _database.CreateContext();
        return Assert.Single(await new InstanceStore(db).ListAsync());
    }
}
