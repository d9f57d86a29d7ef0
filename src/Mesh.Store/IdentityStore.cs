using Mesh.Store.Entities;
using Microsoft.EntityFrameworkCore;

namespace Mesh.Store;

/// <summary>
/// The mesh CA's generations, the certificates it issued, and revoked instances. Every write that
/// changes what sidecars enforce (trust anchors, revoked serials) announces an identity change, to
/// this process and, on Postgres, to the other replicas.
/// </summary>
public sealed class IdentityStore(MeshDbContext db, ConfigChangeFeed? changes = null)
{
    /// <summary>The CAs sidecars trust (active and previous), newest first.</summary>
    public async Task<IReadOnlyList<CertificateAuthority>> TrustedAuthoritiesAsync(CancellationToken ct = default) =>
        await db.CertificateAuthorities.AsNoTracking().Where(a => a.State != AuthorityState.Retired)
            .OrderByDescending(a => a.Generation).ToListAsync(ct).ConfigureAwait(false);

    /// <summary>Adds the first CA; false when another replica added one first.</summary>
    public async Task<bool> TryCreateFirstAsync(CertificateAuthority authority, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(authority);
        authority.Generation = 1;
        authority.State = AuthorityState.Active;
        db.CertificateAuthorities.Add(authority);
        try
        {
            await db.SaveChangesAsync(ct).ConfigureAwait(false);
            return true;
        }
        catch (DbUpdateException ex) when (StoreErrors.IsUniqueViolation(ex))
        {
            db.ChangeTracker.Clear();
            return false;
        }
    }

    /// <summary>
    /// Makes <paramref name="next"/> the active CA and the active one previous until
    /// <paramref name="retireAt"/>; an older previous CA is retired at once. False when
    /// <paramref name="expectedActive"/> is no longer the active generation (a concurrent rotation won).
    /// </summary>
    public async Task<bool> RotateAsync(int expectedActive, CertificateAuthority next, DateTimeOffset retireAt, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(next);
        await using var transaction = await db.Database.BeginTransactionAsync(ct).ConfigureAwait(false);
        var demoted = await db.CertificateAuthorities
            .Where(a => a.Generation == expectedActive && a.State == AuthorityState.Active)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.State, AuthorityState.Previous).SetProperty(a => a.RetireAt, retireAt), ct)
            .ConfigureAwait(false);
        if (demoted == 0)
        {
            await transaction.RollbackAsync(ct).ConfigureAwait(false);
            return false;
        }

        await db.CertificateAuthorities
            .Where(a => a.Generation < expectedActive && a.State == AuthorityState.Previous)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.State, AuthorityState.Retired), ct).ConfigureAwait(false);
        next.Generation = expectedActive + 1;
        next.State = AuthorityState.Active;
        db.CertificateAuthorities.Add(next);
        await db.SaveChangesAsync(ct).ConfigureAwait(false);
        await CommitAnnouncingAsync(transaction, ct).ConfigureAwait(false);
        return true;
    }

    /// <summary>Retires previous CAs whose overlap ended; the number retired.</summary>
    public async Task<int> RetireDueAsync(DateTimeOffset now, CancellationToken ct = default)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct).ConfigureAwait(false);
        var retired = await db.CertificateAuthorities
            .Where(a => a.State == AuthorityState.Previous && a.RetireAt <= now)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.State, AuthorityState.Retired), ct).ConfigureAwait(false);
        if (retired > 0)
            await CommitAnnouncingAsync(transaction, ct).ConfigureAwait(false);
        return retired;
    }

    public async Task RecordIssuedAsync(IssuedCertificate certificate, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        db.IssuedCertificates.Add(certificate);
        await db.SaveChangesAsync(ct).ConfigureAwait(false);
        db.ChangeTracker.Clear();
    }

    /// <summary>Issued certificates not yet expired at <paramref name="now"/>, newest first.</summary>
    public async Task<IReadOnlyList<IssuedCertificate>> ListIssuedAsync(DateTimeOffset now, int limit, CancellationToken ct = default) =>
        await db.IssuedCertificates.AsNoTracking().Where(c => c.NotAfter > now)
            .OrderByDescending(c => c.NotBefore).ThenBy(c => c.Serial).Take(limit).ToListAsync(ct).ConfigureAwait(false);

    /// <summary>Revokes an instance; false when it already is.</summary>
    public async Task<bool> RevokeInstanceAsync(InstanceRevocation revocation, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(revocation);
        await using var transaction = await db.Database.BeginTransactionAsync(ct).ConfigureAwait(false);
        if (await db.InstanceRevocations.AnyAsync(r => r.InstanceId == revocation.InstanceId, ct).ConfigureAwait(false))
            return false;
        db.InstanceRevocations.Add(revocation);
        try
        {
            await db.SaveChangesAsync(ct).ConfigureAwait(false);
        }
        catch (DbUpdateException ex) when (StoreErrors.IsUniqueViolation(ex))
        {
            db.ChangeTracker.Clear();
            return false;
        }

        await CommitAnnouncingAsync(transaction, ct).ConfigureAwait(false);
        return true;
    }

    /// <summary>Admits a revoked instance again; false when it was not revoked.</summary>
    public async Task<bool> LiftRevocationAsync(string instanceId, CancellationToken ct = default)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct).ConfigureAwait(false);
        var lifted = await db.InstanceRevocations.Where(r => r.InstanceId == instanceId).ExecuteDeleteAsync(ct).ConfigureAwait(false);
        if (lifted == 0)
            return false;
        await CommitAnnouncingAsync(transaction, ct).ConfigureAwait(false);
        return true;
    }

    public Task<bool> IsRevokedAsync(string instanceId, CancellationToken ct = default) =>
        db.InstanceRevocations.AnyAsync(r => r.InstanceId == instanceId, ct);

    public async Task<IReadOnlyList<InstanceRevocation>> ListRevocationsAsync(CancellationToken ct = default) =>
        await db.InstanceRevocations.AsNoTracking().OrderBy(r => r.InstanceId).ToListAsync(ct).ConfigureAwait(false);

    /// <summary>Serials of revoked instances' certificates that have not expired at <paramref name="now"/>, ordered.</summary>
    public async Task<IReadOnlyList<string>> RevokedSerialsAsync(DateTimeOffset now, CancellationToken ct = default) =>
        await db.IssuedCertificates.AsNoTracking()
            .Where(c => c.NotAfter > now && db.InstanceRevocations.Any(r => r.InstanceId == c.InstanceId))
            .Select(c => c.Serial).OrderBy(s => s).ToListAsync(ct).ConfigureAwait(false);

    private async Task CommitAnnouncingAsync(Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction transaction, CancellationToken ct)
    {
        await ConfigChangeFeed.NotifyReplicasAsync(db, ConfigChangeFeed.IdentityPayload, ct).ConfigureAwait(false);
        await transaction.CommitAsync(ct).ConfigureAwait(false);
        db.ChangeTracker.Clear();
        changes?.PublishIdentityChange();
    }
}
