using Microsoft.EntityFrameworkCore;

namespace Mesh.Store.Accounts;

/// <summary>Reads and writes API tokens. Checks of names, roles and lifetimes are the caller's.</summary>
public sealed class ApiTokenStore(AccountsDbContext db)
{
    /// <summary>Stores a token whose value the caller made (and shows once); null when the name is taken.</summary>
    public async Task<ApiToken?> AddAsync(string name, string ownerId, string role, string value, DateTimeOffset createdAt, DateTimeOffset expiresAt, CancellationToken ct = default)
    {
        if (await db.ApiTokens.AnyAsync(t => t.Name == name, ct).ConfigureAwait(false))
            return null;
        var token = new ApiToken
        {
            Name = name,
            OwnerId = ownerId,
            Role = role,
            Hash = TokenFormat.Hash(value),
            CreatedAt = createdAt,
            ExpiresAt = expiresAt,
        };
        db.ApiTokens.Add(token);
        try
        {
            await db.SaveChangesAsync(ct).ConfigureAwait(false);
        }
        catch (DbUpdateException)
        {
            // Another request took the name (or, impossibly, the hash) between the check and the insert.
            db.ChangeTracker.Clear();
            return null;
        }

        return token;
    }

    /// <summary>The token with this value, revoked or expired ones included; null when unknown.</summary>
    public Task<ApiToken?> FindByValueAsync(string value, CancellationToken ct = default)
    {
        var hash = TokenFormat.Hash(value);
        return db.ApiTokens.AsNoTracking().SingleOrDefaultAsync(t => t.Hash == hash, ct);
    }

    public Task<ApiToken?> GetAsync(long id, CancellationToken ct = default) =>
        db.ApiTokens.AsNoTracking().SingleOrDefaultAsync(t => t.Id == id, ct);

    /// <summary>Every token, or those of one owner, in the order they were made.</summary>
    public async Task<IReadOnlyList<ApiToken>> ListAsync(string? ownerId = null, CancellationToken ct = default)
    {
        var query = db.ApiTokens.AsNoTracking();
        if (ownerId is not null)
            query = query.Where(t => t.OwnerId == ownerId);
        return await query.OrderBy(t => t.Id).ToListAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Marks the token revoked; false when it does not exist. Revoking twice keeps the first time.</summary>
    public async Task<bool> RevokeAsync(long id, DateTimeOffset at, CancellationToken ct = default)
    {
        var token = await db.ApiTokens.SingleOrDefaultAsync(t => t.Id == id, ct).ConfigureAwait(false);
        if (token is null)
            return false;
        token.RevokedAt ??= at;
        await db.SaveChangesAsync(ct).ConfigureAwait(false);
        return true;
    }
}
