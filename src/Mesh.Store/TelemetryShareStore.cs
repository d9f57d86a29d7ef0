using Mesh.Store.Entities;
using Microsoft.EntityFrameworkCore;

namespace Mesh.Store;

/// <summary>Live calls passed between console replicas through Postgres (see <see cref="TelemetryShare"/>).</summary>
public sealed class TelemetryShareStore(MeshDbContext db)
{
    public async Task AddAsync(string replica, DateTimeOffset at, string payload, CancellationToken ct = default)
    {
        db.TelemetryShares.Add(new TelemetryShare { Replica = replica, At = at, Payload = payload });
        await db.SaveChangesAsync(ct).ConfigureAwait(false);
        db.ChangeTracker.Clear();
    }

    /// <summary>
    /// Other replicas' shares after <paramref name="afterId"/>, oldest first, at most <paramref name="max"/>; only
    /// those older than <paramref name="settledBefore"/>, so that one still being committed (ids are taken at
    /// insert, commits may land out of order) is not skipped for good.
    /// </summary>
    public async Task<IReadOnlyList<TelemetryShare>> ReadAfterAsync(
        long afterId, string exceptReplica, DateTimeOffset settledBefore, int max, CancellationToken ct = default) =>
        await db.TelemetryShares.AsNoTracking()
            .Where(s => s.Id > afterId && s.Replica != exceptReplica && s.At < settledBefore)
            .OrderBy(s => s.Id).Take(max)
            .ToListAsync(ct).ConfigureAwait(false);

    public Task<int> DeleteBeforeAsync(DateTimeOffset at, CancellationToken ct = default) =>
        db.TelemetryShares.Where(s => s.At < at).ExecuteDeleteAsync(ct);
}
