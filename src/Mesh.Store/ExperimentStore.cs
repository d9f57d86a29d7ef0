using Mesh.Store.Entities;
using Microsoft.EntityFrameworkCore;

namespace Mesh.Store;

/// <summary>
/// Fault-injection experiments. Every change is a compare-and-set on <see cref="Experiment.Version"/>:
/// the caller sends the row as it read it, changed, and learns whether it was still current.
/// </summary>
public sealed class ExperimentStore(MeshDbContext db)
{
    /// <summary>Most experiments a list shows: the running ones and the latest past ones.</summary>
    public const int ListLimit = 200;

    /// <summary>Adds <paramref name="experiment"/> at version 1 and gives it its id.</summary>
    public async Task<Experiment> AddAsync(Experiment experiment, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(experiment);
        experiment.Version = 1;
        db.Experiments.Add(experiment);
        await db.SaveChangesAsync(ct).ConfigureAwait(false);
        db.ChangeTracker.Clear();
        return experiment;
    }

    public Task<Experiment?> GetAsync(long id, CancellationToken ct = default) =>
        db.Experiments.AsNoTracking().SingleOrDefaultAsync(e => e.Id == id, ct);

    /// <summary>Running experiments first, soonest end first; then past ones, latest start first.</summary>
    public async Task<IReadOnlyList<Experiment>> ListAsync(CancellationToken ct = default)
    {
        var running = await db.Experiments.AsNoTracking()
            .Where(e => e.State == ExperimentState.Running)
            .OrderBy(e => e.EndsAt).ThenBy(e => e.Id)
            .Take(ListLimit).ToListAsync(ct).ConfigureAwait(false);
        var past = await db.Experiments.AsNoTracking()
            .Where(e => e.State != ExperimentState.Running)
            .OrderByDescending(e => e.StartedAt).ThenByDescending(e => e.Id)
            .Take(ListLimit - running.Count).ToListAsync(ct).ConfigureAwait(false);
        return [.. running, .. past];
    }

    /// <summary>Experiments the console still has work on: running, or ended with a fault to remove or figures to write.</summary>
    public async Task<IReadOnlyList<Experiment>> UnsettledAsync(CancellationToken ct = default) =>
        await db.Experiments.AsNoTracking().Where(e => !e.Settled).OrderBy(e => e.Id).ToListAsync(ct).ConfigureAwait(false);

    /// <summary>
    /// Saves <paramref name="changed"/> if the row is still at the version it carries, and bumps the
    /// version on both. False when someone else changed it first: nothing was written.
    /// </summary>
    public async Task<bool> UpdateAsync(Experiment changed, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(changed);
        var read = changed.Version;
        var entry = db.Experiments.Attach(changed);
        entry.State = EntityState.Modified;
        entry.Property(e => e.Version).OriginalValue = read;
        changed.Version = read + 1;
        try
        {
            await db.SaveChangesAsync(ct).ConfigureAwait(false);
            return true;
        }
        catch (DbUpdateConcurrencyException)
        {
            changed.Version = read;
            return false;
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }

    /// <summary>Deletes an experiment whose start failed before its fault was written; false when it changed since.</summary>
    public async Task<bool> DeleteAsync(long id, long version, CancellationToken ct = default) =>
        await db.Experiments.Where(e => e.Id == id && e.Version == version).ExecuteDeleteAsync(ct).ConfigureAwait(false) == 1;
}
