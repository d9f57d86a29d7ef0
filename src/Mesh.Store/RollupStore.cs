using Mesh.Store.Entities;
using Microsoft.EntityFrameworkCore;

namespace Mesh.Store;

/// <summary>The topology's per-minute rollups: written once a minute by each replica, read to replay.</summary>
public sealed class RollupStore(MeshDbContext db)
{
    /// <summary>
    /// Writes one replica's rollups of one minute, replacing what that replica wrote for it before
    /// (a minute written again after a retry is not counted twice).
    /// </summary>
    public async Task WriteAsync(long minute, string replica, IReadOnlyList<TopologyRollup> rows, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(rows);
        await using var transaction = await db.Database.BeginTransactionAsync(ct).ConfigureAwait(false);
        await db.TopologyRollups.Where(r => r.Minute == minute && r.Replica == replica).ExecuteDeleteAsync(ct).ConfigureAwait(false);
        db.TopologyRollups.AddRange(rows);
        await db.SaveChangesAsync(ct).ConfigureAwait(false);
        await transaction.CommitAsync(ct).ConfigureAwait(false);
        db.ChangeTracker.Clear();
    }

    /// <summary>Every replica's rollups of the minutes in [<paramref name="from"/>, <paramref name="to"/>).</summary>
    public async Task<IReadOnlyList<TopologyRollup>> ReadAsync(long from, long to, CancellationToken ct = default) =>
        await db.TopologyRollups.AsNoTracking().Where(r => r.Minute >= from && r.Minute < to).ToListAsync(ct).ConfigureAwait(false);

    /// <summary>Deletes the rollups of minutes before <paramref name="minute"/>; the number deleted.</summary>
    public Task<int> DeleteBeforeAsync(long minute, CancellationToken ct = default) =>
        db.TopologyRollups.Where(r => r.Minute < minute).ExecuteDeleteAsync(ct);
}
