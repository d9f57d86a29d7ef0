using Mesh.Store.Entities;
using Microsoft.EntityFrameworkCore;

namespace Mesh.Store;

/// <summary>Progressive rollouts: at most one active (running or paused) per service; every change checked against the version read.</summary>
public sealed class RolloutStore(MeshDbContext db)
{
    public static bool IsActive(RolloutState state) => state is RolloutState.Running or RolloutState.Paused;

    /// <summary>Adds a rollout at version 1; null when the service already has an active one (nothing is written then).</summary>
    public async Task<Rollout?> CreateAsync(Rollout rollout, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(rollout);
        // Serializable: two operators starting a rollout of one service at once must not both succeed.
        await using var transaction = await db.Database.BeginTransactionAsync(System.Data.IsolationLevel.Serializable, ct).ConfigureAwait(false);
        if (await ActiveQuery(rollout.Service).AnyAsync(ct).ConfigureAwait(false))
            return null;
        rollout.Version = 1;
        db.Rollouts.Add(rollout);
        try
        {
            await db.SaveChangesAsync(ct).ConfigureAwait(false);
            await transaction.CommitAsync(ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsSerializationFailure(ex))
        {
            return null;
        }
        finally
        {
            db.ChangeTracker.Clear();
        }

        return rollout;
    }

    public Task<Rollout?> GetAsync(long id, CancellationToken ct = default) =>
        db.Rollouts.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, ct);

    /// <summary>A service's rollouts, newest first.</summary>
    public async Task<IReadOnlyList<Rollout>> ListAsync(string service, int limit = 20, CancellationToken ct = default) =>
        await db.Rollouts.AsNoTracking().Where(r => r.Service == service).OrderByDescending(r => r.Id).Take(limit).ToListAsync(ct).ConfigureAwait(false);

    /// <summary>Every running rollout, for the runner to tick.</summary>
    public async Task<IReadOnlyList<Rollout>> RunningAsync(CancellationToken ct = default) =>
        await db.Rollouts.AsNoTracking().Where(r => r.State == RolloutState.Running).OrderBy(r => r.Id).ToListAsync(ct).ConfigureAwait(false);

    /// <summary>
    /// Writes <paramref name="rollout"/> as changed from version <paramref name="rollout"/>.Version, which it
    /// then bumps; false (nothing written) when someone else changed the row since that version was read.
    /// </summary>
    public async Task<bool> UpdateAsync(Rollout rollout, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(rollout);
        var read = rollout.Version;
        db.Rollouts.Attach(rollout);
        db.Entry(rollout).Property(r => r.Version).OriginalValue = read;
        rollout.Version = read + 1;
        db.Entry(rollout).State = EntityState.Modified;
        try
        {
            await db.SaveChangesAsync(ct).ConfigureAwait(false);
            return true;
        }
        catch (DbUpdateConcurrencyException)
        {
            rollout.Version = read;
            return false;
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }

    private IQueryable<Rollout> ActiveQuery(string service) =>
        db.Rollouts.Where(r => r.Service == service && (r.State == RolloutState.Running || r.State == RolloutState.Paused));

    // Postgres refuses one of two overlapping serializable transactions, at the insert or at the commit.
    private static bool IsSerializationFailure(Exception exception) =>
        (exception as Npgsql.PostgresException ?? exception.InnerException as Npgsql.PostgresException)?.SqlState == Npgsql.PostgresErrorCodes.SerializationFailure;
}
