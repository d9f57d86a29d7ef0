using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Mesh.Store;
using Mesh.Store.Entities;

namespace MeshConsole.Identity;

/// <summary>
/// What admins do to workload identity, for the REST endpoints and the Identity page alike. Each
/// action is logged with its actor, who is also kept in the rows.
/// </summary>
internal sealed partial class IdentityAdmin(
    JoinTokenStore tokens, IdentityStore identity, MeshAuthority authority, TimeProvider time, ILogger<IdentityAdmin> logger)
{
    /// <summary>How many issued certificates a list shows at most.</summary>
    public const int MaxListedCertificates = 1000;

    /// <summary>Creates a token and returns its value, once; null when the name is taken.</summary>
    public async Task<CreatedJoinToken?> CreateTokenAsync(CreateJoinTokenRequest request, string actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var value = JoinTokens.Generate();
        var created = await tokens.CreateAsync(new JoinToken
        {
            Name = request.Name,
            Hash = JoinTokens.Hash(value),
            Scope = request.Scope,
            ExpiresAt = request.ExpiresAt,
            MaxUses = request.MaxUses,
            CreatedAt = time.GetUtcNow(),
            CreatedBy = actor,
        }, ct).ConfigureAwait(false);
        if (!created)
            return null;
        LogTokenCreated(logger, request.Name, request.Scope, actor);
        return new CreatedJoinToken(request.Name, value, request.Scope, request.ExpiresAt, request.MaxUses);
    }

    public async Task<IReadOnlyList<JoinTokenView>> ListTokensAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        return [.. (await tokens.ListAsync(ct).ConfigureAwait(false)).Select(t => new JoinTokenView(
            t.Name, t.Scope, t.ExpiresAt, t.MaxUses, t.Uses,
            [.. t.UsedBy.OrderBy(u => u.At).Select(u => new JoinTokenUseView(u.InstanceId, u.At))],
            t.RevokedAt is not null ? "revoked" : t.ExpiresAt <= now ? "expired" : t.MaxUses is { } max && t.Uses >= max ? "used-up" : "active",
            t.CreatedAt, t.CreatedBy, t.RevokedAt, t.RevokedBy))];
    }

    /// <summary>False when no unrevoked token has that name.</summary>
    public async Task<bool> RevokeTokenAsync(string name, string actor, CancellationToken ct)
    {
        if (!await tokens.RevokeAsync(name, actor, time.GetUtcNow(), ct).ConfigureAwait(false))
            return false;
        LogTokenRevoked(logger, name, actor);
        return true;
    }

    /// <summary>Every CA generation still trusted, newest first.</summary>
    public async Task<IReadOnlyList<AuthorityView>> ListAuthoritiesAsync(CancellationToken ct)
    {
        await authority.SigningAsync(ct).ConfigureAwait(false);
        return [.. (await identity.TrustedAuthoritiesAsync(ct).ConfigureAwait(false)).Select(View)];
    }

    /// <summary>The new active CA; null when a concurrent rotation won.</summary>
    public async Task<AuthorityView?> RotateAsync(string actor, CancellationToken ct) =>
        await authority.RotateAsync(actor, ct).ConfigureAwait(false) is { } rotated ? View(rotated) : null;

    /// <summary>The trusted CA certificates as PEM, newest first: what a peer outside the mesh needs to verify sidecars.</summary>
    public async Task<string> TrustBundleAsync(CancellationToken ct)
    {
        await authority.SigningAsync(ct).ConfigureAwait(false);
        var bundle = new StringBuilder();
        foreach (var ca in await identity.TrustedAuthoritiesAsync(ct).ConfigureAwait(false))
            bundle.Append(PemEncoding.Write("CERTIFICATE", ca.Certificate)).Append('\n');
        return bundle.ToString();
    }

    public async Task<IReadOnlyList<IssuedCertificateView>> ListCertificatesAsync(CancellationToken ct)
    {
        var revoked = (await identity.ListRevocationsAsync(ct).ConfigureAwait(false)).Select(r => r.InstanceId).ToHashSet(StringComparer.Ordinal);
        return [.. (await identity.ListIssuedAsync(time.GetUtcNow(), MaxListedCertificates, ct).ConfigureAwait(false)).Select(c => new IssuedCertificateView(
            c.Serial, c.InstanceId, c.Service, c.AuthorityGeneration, c.NotBefore, c.NotAfter, revoked.Contains(c.InstanceId)))];
    }

    public async Task<IReadOnlyList<RevocationView>> ListRevocationsAsync(CancellationToken ct) =>
        [.. (await identity.ListRevocationsAsync(ct).ConfigureAwait(false)).Select(r => new RevocationView(r.InstanceId, r.At, r.By, r.Reason))];

    /// <summary>The revocation; null when the instance already was revoked.</summary>
    public async Task<RevocationView?> RevokeInstanceAsync(RevokeInstanceRequest request, string actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var revocation = new InstanceRevocation { InstanceId = request.InstanceId, At = time.GetUtcNow(), By = actor, Reason = request.Reason };
        if (!await identity.RevokeInstanceAsync(revocation, ct).ConfigureAwait(false))
            return null;
        LogInstanceRevoked(logger, request.InstanceId, actor, request.Reason);
        return new RevocationView(revocation.InstanceId, revocation.At, revocation.By, revocation.Reason);
    }

    /// <summary>False when the instance was not revoked.</summary>
    public async Task<bool> LiftRevocationAsync(string instanceId, string actor, CancellationToken ct)
    {
        if (!await identity.LiftRevocationAsync(instanceId, ct).ConfigureAwait(false))
            return false;
        LogRevocationLifted(logger, instanceId, actor);
        return true;
    }

    private static AuthorityView View(CertificateAuthority ca)
    {
        using var certificate = X509CertificateLoader.LoadCertificate(ca.Certificate);
        return new AuthorityView(
            ca.Generation, ca.State.ToString().ToLowerInvariant(), certificate.Subject,
            Convert.ToHexString(SHA256.HashData(ca.Certificate)), CertificateFactory.Pin(certificate), ca.NotAfter, ca.RetireAt, ca.CreatedAt, ca.CreatedBy);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Join token {Name} (scope {Scope}) created by {Actor}")]
    private static partial void LogTokenCreated(ILogger logger, string name, string scope, string actor);

    [LoggerMessage(Level = LogLevel.Information, Message = "Join token {Name} revoked by {Actor}")]
    private static partial void LogTokenRevoked(ILogger logger, string name, string actor);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Instance {InstanceId} revoked by {Actor}: {Reason}")]
    private static partial void LogInstanceRevoked(ILogger logger, string instanceId, string actor, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Revocation of instance {InstanceId} lifted by {Actor}")]
    private static partial void LogRevocationLifted(ILogger logger, string instanceId, string actor);
}
