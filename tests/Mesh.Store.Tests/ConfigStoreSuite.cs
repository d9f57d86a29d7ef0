using Mesh.Policy.Documents;
using Mesh.Policy.Faults;
using Mesh.Policy.Routing;
using Mesh.Policy.Services;
using Mesh.Store.Entities;
using Mesh.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace Mesh.Store.Tests;

/// <summary>The store's contract, run once on SQLite and once on Postgres.</summary>
public abstract class ConfigStoreSuite(string provider) : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
    private TestDatabase _database = null!;
    private ConfigDocuments _documents = null!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync(provider);
        _documents = new ConfigDocuments(_time);
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task PutAsync_NewService_CreatesVersionOneAndRevisionOne()
    {
        var result = await PutServiceAsync("orders", "team-orders", expectedVersion: 0);

        Assert.Equal(WriteStatus.Created, result.Status);
        Assert.Equal(1, result.Current!.Version);
        Assert.Equal(1, result.Revision!.Number);
        Assert.Equal(RevisionAction.Create, result.Revision.Action);
        Assert.Null(result.Revision.Before);
        Assert.Equal("alice", result.Revision.Actor);
        Assert.Equal(_time.GetUtcNow(), result.Revision.At);
    }

    [Fact]
    public async Task PutAsync_RoutePolicy_RoundTripsCanonicalJson()
    {
        await PutServiceAsync("orders", "team", 0);
        var document = Routes(90, 10);

        await PutAsync(document, "orders", 0);
        var stored = await UseStoreAsync(s => s.GetAsync(ConfigKind.Routes, "orders"));

        // jsonb on Postgres keeps its own key order; the canonical form must come back the same.
        Assert.Equal(document.Json, ConfigDocuments.Canonical(ConfigKind.Routes, stored!.Spec));
        var policy = ConfigDocuments.Deserialize<RoutePolicy>(stored.Spec);
        Assert.Equal(10, policy.Rules[0].Destinations[1].Weight);
    }

    [Fact]
    public async Task PutAsync_PolicyOfUnknownService_NotFoundAndNothingWritten()
    {
        var result = await PutAsync(Routes(90, 10), "ghost", 0);

        Assert.Equal(WriteStatus.NotFound, result.Status);
        Assert.Contains("service ghost does not exist", result.Message, StringComparison.Ordinal);
        await AssertNothingWrittenAsync(expectedLatest: 0);
    }

    [Fact]
    public async Task PutAsync_StaleVersion_ConflictAndNothingWritten()
    {
        await PutServiceAsync("orders", "team", 0);
        await PutAsync(Routes(90, 10), "orders", 0);
        await PutAsync(Routes(80, 20), "orders", 1);

        var stale = await PutAsync(Routes(50, 50), "orders", 1);

        Assert.Equal(WriteStatus.Conflict, stale.Status);
        Assert.Contains("version 1 is stale", stale.Message, StringComparison.Ordinal);
        Assert.Contains("at version 2", stale.Message, StringComparison.Ordinal);
        var stored = await UseStoreAsync(s => s.GetAsync(ConfigKind.Routes, "orders"));
        Assert.Equal(20, ConfigDocuments.Deserialize<RoutePolicy>(stored!.Spec).Rules[0].Destinations[1].Weight);
        await AssertNothingWrittenAsync(expectedLatest: 3);
    }

    [Fact]
    public async Task PutAsync_CreateOverExisting_Conflict()
    {
        await PutServiceAsync("orders", "team", 0);

        var again = await PutServiceAsync("orders", "other", expectedVersion: 0);

        Assert.Equal(WriteStatus.Conflict, again.Status);
        await AssertNothingWrittenAsync(expectedLatest: 1);
    }

    [Fact]
    public async Task PutAsync_SameSpecAgain_UnchangedWithoutRevision()
    {
        await PutServiceAsync("orders", "team", 0);

        var again = await PutServiceAsync("orders", "team", 1);

        Assert.Equal(WriteStatus.Unchanged, again.Status);
        Assert.Equal(1, again.Current!.Version);
        await AssertNothingWrittenAsync(expectedLatest: 1);
    }

    [Fact]
    public async Task PutAsync_ConcurrentWritersOfOneVersion_ExactlyOneWins()
    {
        await PutServiceAsync("orders", "team", 0);

        var writers = Enumerable.Range(0, 8)
            .Select(i => Task.Run(() => PutServiceAsync("orders", $"owner-{i}", expectedVersion: 1)));
        var results = await Task.WhenAll(writers);

        Assert.Single(results, r => r.Status == WriteStatus.Updated);
        Assert.Equal(7, results.Count(r => r.Status == WriteStatus.Conflict));
        var stored = await UseStoreAsync(s => s.GetAsync(ConfigKind.Service, "orders"));
        Assert.Equal(2, stored!.Version);
        await AssertNothingWrittenAsync(expectedLatest: 2);
    }

    [Fact]
    public async Task PutAsync_ConcurrentWritersOfDifferentTargets_GapFreeNumbersInCommitOrder()
    {
        var writers = Enumerable.Range(0, 12).Select(i => Task.Run(() => PutServiceAsync($"svc-{i}", "team", 0)));
        var results = await Task.WhenAll(writers);

        Assert.All(results, r => Assert.Equal(WriteStatus.Created, r.Status));
        Assert.Equal(Enumerable.Range(1, 12).Select(n => (long)n), results.Select(r => r.Revision!.Number).Order());
        Assert.Equal(12, await UseStoreAsync(s => s.LatestRevisionAsync()));
    }

    [Fact]
    public async Task ReadSnapshotAsync_DuringWrites_RevisionMatchesTheDocumentsRead()
    {
        // Each revision creates one service, so a consistent snapshot holds exactly as many
        // documents as its revision number.
        var writing = Task.Run(async () =>
        {
            for (var i = 0; i < 40; i++)
                await PutServiceAsync($"svc-{i}", "team", 0);
        });
        var reads = 0;
        while (!writing.IsCompleted || reads == 0)
        {
            var snapshot = await UseStoreAsync(s => s.ReadSnapshotAsync());
            Assert.Equal(snapshot.Revision, snapshot.Documents.Count);
            reads++;
        }

        await writing;
        var last = await UseStoreAsync(s => s.ReadSnapshotAsync());
        Assert.Equal(40, last.Revision);
        Assert.Equal(40, last.Documents.Count);
    }

    [Fact]
    public async Task DeleteAsync_ServiceWithPolicies_ConflictNamingThem()
    {
        await PutServiceAsync("orders", "team", 0);
        await PutAsync(Routes(90, 10), "orders", 0);

        var result = await UseStoreAsync(s => s.DeleteAsync(ConfigKind.Service, "orders", 1, "alice", ""));

        Assert.Equal(WriteStatus.Conflict, result.Status);
        Assert.Contains("routes", result.Message, StringComparison.Ordinal);
        await AssertNothingWrittenAsync(expectedLatest: 2);
    }

    [Fact]
    public async Task DeleteAsync_Existing_RecordsBeforeStateAndRemoves()
    {
        await PutServiceAsync("orders", "team", 0);

        var result = await UseStoreAsync(s => s.DeleteAsync(ConfigKind.Service, "orders", null, "bob", "retired"));

        Assert.Equal(WriteStatus.Deleted, result.Status);
        Assert.Equal(RevisionAction.Delete, result.Revision!.Action);
        Assert.Null(result.Revision.After);
        Assert.NotNull(result.Revision.Before);
        Assert.Equal("retired", result.Revision.Reason);
        Assert.Null(await UseStoreAsync(s => s.GetAsync(ConfigKind.Service, "orders")));
    }

    [Fact]
    public async Task DeleteAsync_Missing_NotFound()
    {
        var result = await UseStoreAsync(s => s.DeleteAsync(ConfigKind.Routes, "orders", null, "bob", ""));

        Assert.Equal(WriteStatus.NotFound, result.Status);
        await AssertNothingWrittenAsync(expectedLatest: 0);
    }

    [Fact]
    public async Task RevertAsync_Update_WritesNewRevisionRestoringBeforeState()
    {
        await PutServiceAsync("orders", "team", 0);
        await PutAsync(Routes(90, 10), "orders", 0);
        var change = await PutAsync(Routes(50, 50), "orders", 1);

        var revert = await UseStoreAsync(s => s.RevertAsync(change.Revision!.Number, "carol", "bad canary", force: false));

        Assert.Equal(WriteStatus.Updated, revert.Status);
        Assert.Equal(change.Revision!.Number + 1, revert.Revision!.Number);
        Assert.Equal(change.Revision.Number, revert.Revision.RevertOf);
        Assert.Equal(change.Revision.After, revert.Revision.Before);
        Assert.Equal(change.Revision.Before, revert.Revision.After);
        Assert.Equal(3, revert.Current!.Version);
        var stored = await UseStoreAsync(s => s.GetAsync(ConfigKind.Routes, "orders"));
        Assert.Equal(Routes(90, 10).Json, ConfigDocuments.Canonical(ConfigKind.Routes, stored!.Spec));
    }

    [Fact]
    public async Task RevertAsync_Create_DeletesTheDocument()
    {
        await PutServiceAsync("orders", "team", 0);
        var created = await PutAsync(Routes(90, 10), "orders", 0);

        var revert = await UseStoreAsync(s => s.RevertAsync(created.Revision!.Number, "carol", "", force: false));

        Assert.Equal(WriteStatus.Deleted, revert.Status);
        Assert.Null(await UseStoreAsync(s => s.GetAsync(ConfigKind.Routes, "orders")));
    }

    [Fact]
    public async Task RevertAsync_TargetChangedSince_ConflictUnlessForced()
    {
        await PutServiceAsync("orders", "team", 0);
        var first = await PutAsync(Routes(90, 10), "orders", 0);
        await PutAsync(Routes(50, 50), "orders", 1);

        var refused = await UseStoreAsync(s => s.RevertAsync(first.Revision!.Number, "carol", "", force: false));
        Assert.Equal(WriteStatus.Conflict, refused.Status);
        Assert.Contains("changed after revision 2", refused.Message, StringComparison.Ordinal);
        await AssertNothingWrittenAsync(expectedLatest: 3);

        var forced = await UseStoreAsync(s => s.RevertAsync(first.Revision!.Number, "carol", "", force: true));
        Assert.Equal(WriteStatus.Deleted, forced.Status);
    }

    [Fact]
    public async Task RevertAsync_UnknownRevision_NotFound()
    {
        var result = await UseStoreAsync(s => s.RevertAsync(42, "carol", "", force: false));

        Assert.Equal(WriteStatus.NotFound, result.Status);
    }

    [Fact]
    public async Task RevertAsync_RestoresExpiredFault_InvalidAndNothingWritten()
    {
        await PutServiceAsync("orders", "team", 0);
        var fault = new FaultPolicy
        {
            Faults = [new FaultRule { Abort = new FaultAbort { HttpStatus = 503, Percent = 10 }, ExpiresAt = _time.GetUtcNow().AddMinutes(5) }],
        };
        await PutAsync(Valid(ConfigKind.Faults, fault), "orders", 0);
        var removal = await UseStoreAsync(s => s.DeleteAsync(ConfigKind.Faults, "orders", 1, "alice", ""));
        _time.Advance(TimeSpan.FromMinutes(10));

        var revert = await UseStoreAsync(s => s.RevertAsync(removal.Revision!.Number, "carol", "", force: false));

        Assert.Equal(WriteStatus.Invalid, revert.Status);
        Assert.Contains(revert.Errors, e => e.Field == "faults[0].expiresAt");
        await AssertNothingWrittenAsync(expectedLatest: 3);
    }

    [Fact]
    public async Task ListRevisionsAsync_FiltersAndPagesNewestFirst()
    {
        await PutServiceAsync("orders", "team", 0);
        await PutServiceAsync("payments", "team", 0);
        await PutAsync(Routes(90, 10), "orders", 0, actor: "bob");
        await PutAsync(Routes(80, 20), "orders", 1, actor: "bob");

        var byTarget = await UseStoreAsync(s => s.ListRevisionsAsync(new RevisionQuery { Target = "orders" }));
        var byKind = await UseStoreAsync(s => s.ListRevisionsAsync(new RevisionQuery { Kind = ConfigKind.Service }));
        var byActor = await UseStoreAsync(s => s.ListRevisionsAsync(new RevisionQuery { Actor = "bob", PageSize = 1, Page = 2 }));

        Assert.Equal([4L, 3L, 1L], byTarget.Items.Select(r => r.Number));
        Assert.Equal([2L, 1L], byKind.Items.Select(r => r.Number));
        Assert.Equal(2, byActor.Total);
        Assert.Equal(3, Assert.Single(byActor.Items).Number);
    }

    [Fact]
    public async Task WriteAllAsync_ServiceAndItsPolicy_ConsecutiveRevisionsOneNotice()
    {
        await PutServiceAsync("payments", "team", 0);
        var feed = new ConfigChangeFeed();
        var notices = new List<long>();
        feed.Committed += notices.Add;

        await using var db = _database.CreateContext();
        var batch = await new ConfigStore(db, _documents, _time, feed).WriteAllAsync(
            [
                new ConfigChange(ConfigKind.Service, "orders", Valid(ConfigKind.Service, new ServiceSpec { Owner = "team" }), 0),
                new ConfigChange(ConfigKind.Service, "payments", Valid(ConfigKind.Service, new ServiceSpec { Owner = "team" }), 1),
                new ConfigChange(ConfigKind.Routes, "orders", Routes(90, 10), 0),
            ],
            "token:ci", "apply");

        Assert.True(batch.Succeeded);
        Assert.Equal([WriteStatus.Created, WriteStatus.Unchanged, WriteStatus.Created], batch.Results.Select(r => r.Status));
        Assert.Equal([2L, 3L], batch.Results.Where(r => r.Revision is not null).Select(r => r.Revision!.Number));
        Assert.All(batch.Results.Where(r => r.Revision is not null), r => Assert.Equal("token:ci", r.Revision!.Actor));
        Assert.Equal([3L], notices);
        await AssertNothingWrittenAsync(expectedLatest: 3);
    }

    [Fact]
    public async Task WriteAllAsync_OneChangeRefused_NothingOfTheBatchWritten()
    {
        await PutServiceAsync("orders", "team", 0);

        var batch = await UseStoreAsync(s => s.WriteAllAsync(
            [
                new ConfigChange(ConfigKind.Service, "orders", Valid(ConfigKind.Service, new ServiceSpec { Owner = "other team" }), 1),
                new ConfigChange(ConfigKind.Routes, "orders", Routes(90, 10), 0),
                new ConfigChange(ConfigKind.Routes, "ghost", Routes(90, 10), 0),
            ],
            "token:ci", "apply"));

        Assert.False(batch.Succeeded);
        Assert.Equal(2, batch.RefusedAt);
        Assert.Equal(WriteStatus.NotFound, Assert.Single(batch.Results).Status);
        var service = await UseStoreAsync(s => s.GetAsync(ConfigKind.Service, "orders"));
        Assert.Equal("team", ConfigDocuments.Deserialize<ServiceSpec>(service!.Spec).Owner);
        Assert.Null(await UseStoreAsync(s => s.GetAsync(ConfigKind.Routes, "orders")));
        await AssertNothingWrittenAsync(expectedLatest: 1);
    }

    [Fact]
    public async Task WriteAllAsync_PoliciesDeletedBeforeTheirService_AllGone()
    {
        await PutServiceAsync("orders", "team", 0);
        await PutAsync(Routes(90, 10), "orders", 0);

        var batch = await UseStoreAsync(s => s.WriteAllAsync(
            [new ConfigChange(ConfigKind.Routes, "orders", null, 1), new ConfigChange(ConfigKind.Service, "orders", null, 1)],
            "alice", "retire orders"));

        Assert.True(batch.Succeeded);
        Assert.Empty(await UseStoreAsync(s => s.ListAsync()));
        await AssertNothingWrittenAsync(expectedLatest: 4);
    }

    private async Task<T> UseStoreAsync<T>(Func<ConfigStore, Task<T>> action)
    {
        await using var db = _database.CreateContext();
        return await action(new ConfigStore(db, _documents, _time));
    }

    private Task<WriteResult> PutServiceAsync(string name, string owner, long expectedVersion) =>
        PutAsync(Valid(ConfigKind.Service, new ServiceSpec { Owner = owner }), name, expectedVersion);

    private Task<WriteResult> PutAsync(ConfigDocument document, string target, long expectedVersion, string actor = "alice") =>
        UseStoreAsync(s => s.PutAsync(document, target, expectedVersion, actor, "test"));

    private ConfigDocument Valid(ConfigKind kind, object spec)
    {
        var result = _documents.Validate(kind, spec);
        return result.Document ?? throw new InvalidOperationException(string.Join("; ", result.Errors));
    }

    private ConfigDocument Routes(int v1, int v2) => Valid(ConfigKind.Routes, new RoutePolicy
    {
        Subsets =
        [
            new Subset { Name = "v1", Labels = new Dictionary<string, string> { ["version"] = "v1" } },
            new Subset { Name = "v2", Labels = new Dictionary<string, string> { ["version"] = "v2" } },
        ],
        Rules = [new RouteRule { Destinations = [new() { Subset = "v1", Weight = v1 }, new() { Subset = "v2", Weight = v2 }] }],
    });

    private async Task AssertNothingWrittenAsync(long expectedLatest)
    {
        await using var db = _database.CreateContext();
        Assert.Equal(expectedLatest, (await db.MeshState.SingleAsync()).LatestRevision);
        Assert.Equal(expectedLatest, await db.ConfigRevisions.CountAsync());
    }
}

public sealed class SqliteConfigStoreTests() : ConfigStoreSuite(StoreProviders.Sqlite);

public sealed class PostgresConfigStoreTests() : ConfigStoreSuite(StoreProviders.Postgres);
