using Mesh.Store.Entities;
using Microsoft.EntityFrameworkCore;

namespace Mesh.Store;

/// <summary>Join tokens: created by admins, checked and counted when a sidecar says hello.</summary>
public sealed class JoinTokenStore(MeshDbContext db)
{
    /// <summary>Adds a token; false when its name or value is taken.</summary>
    public async Task<bool> CreateAsync(JoinToken token, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (await db.JoinTokens.AnyAsync(t => t.Name == token.Name || t.Hash == token.Hash, ct).ConfigureAwait(false))
            return false;
        db.JoinTokens.Add(token);
        try
        {
            await db.SaveChangesAsync(ct).ConfigureAwait(false);
            return true;
        }
        catch (DbUpdateException ex) when (StoreErrors.IsUniqueViolation(ex))
        {
            // Another request created the same name between our check and our insert.
            db.ChangeTracker.Clear();
            return false;
        }
    }

    /// <summary>Every token with the instances that used it, by name.</summary>
    public async Task<IReadOnlyList<JoinToken>> ListAsync(CancellationToken ct = default) =>
        await db.JoinTokens.AsNoTracking().Include(t => t.UsedBy).OrderBy(t => t.Name).ToListAsync(ct).ConfigureAwait(false);

    public Task<JoinToken?> GetAsync(string name, CancellationToken ct = default) =>
        db.JoinTokens.AsNoTracking().Include(t => t.UsedBy).SingleOrDefaultAsync(t => t.Name == name, ct);

    public Task<JoinToken?> FindByHashAsync(string hash, CancellationToken ct = default) =>
        db.JoinTokens.AsNoTracking().Include(t => t.UsedBy).SingleOrDefaultAsync(t => t.Hash == hash, ct);

    public Task<bool> ExistsAsync(string name, CancellationToken ct = default) =>
        db.JoinTokens.AnyAsync(t => t.Name == name, ct);

    /// <summary>Revokes a token; false when no such token is unrevoked.</summary>
    public async Task<bool> RevokeAsync(string name, string by, DateTimeOffset at, CancellationToken ct = default) =>
        await db.JoinTokens.Where(t => t.Name == name && t.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, at).SetProperty(t => t.RevokedBy, by), ct).ConfigureAwait(false) == 1;

    /// <summary>
    /// Counts <paramref name="instanceId"/> as a use of the token, unless it already is one (a
    /// reconnect). False when the token is revoked or all its uses went to other instances. The
    /// count is one conditional UPDATE, taken first in the transaction, so of two instances racing
    /// for a token's last use exactly one wins.
    /// </summary>
    public async Task<bool> UseAsync(long tokenId, string instanceId, DateTimeOffset at, CancellationToken ct = default)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct).ConfigureAwait(false);
        var counted = await db.JoinTokens
            .Where(t => t.Id == tokenId && t.RevokedAt == null && (t.MaxUses == null || t.Uses < t.MaxUses)
                        && !t.UsedBy.Any(u => u.InstanceId == instanceId))
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.Uses, t => t.Uses + 1), ct).ConfigureAwait(false);
        if (counted == 0)
        {
            var again = await db.JoinTokens.AnyAsync(
                t => t.Id == tokenId && t.RevokedAt == null && t.UsedBy.Any(u => u.InstanceId == instanceId), ct).ConfigureAwait(false);
            await transaction.RollbackAsync(ct).ConfigureAwait(false);
            return again;
        }

        db.JoinTokenUses.Add(new JoinTokenUse { JoinTokenId = tokenId, InstanceId = instanceId, At = at });
        await db.SaveChangesAsync(ct).ConfigureAwait(false);
        await transaction.CommitAsync(ct).ConfigureAwait(false);
        db.ChangeTracker.Clear();
        return true;
    }
}
