using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Mesh.Store;
using Mesh.Store.Entities;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace MeshConsole.Identity;

/// <summary>
/// The mesh's certificate authority: creates the first CA once across replicas, keeps the active
/// one loaded for signing, and rotates it. Private keys are stored encrypted with Data Protection,
/// whose key ring every replica shares through the store. The loaded CA is dropped on every
/// identity change, so a rotation made through another replica is signed with at once.
/// </summary>
internal sealed partial class MeshAuthority : IDisposable
{
    /// <summary>The Data Protection purpose of CA private keys.</summary>
    public const string KeyPurpose = "MeshConsole.Identity.CertificateAuthority.v1";

    private readonly IServiceScopeFactory _scopes;
    private readonly IDataProtector _protector;
    private readonly IOptions<IdentityOptions> _options;
    private readonly TimeProvider _time;
    private readonly ConfigChangeFeed _changes;
    private readonly ILogger<MeshAuthority> _logger;
    private volatile SigningAuthority? _signing;

    public MeshAuthority(
        IServiceScopeFactory scopes, IDataProtectionProvider protection, IOptions<IdentityOptions> options, TimeProvider time,
        ConfigChangeFeed changes, ILogger<MeshAuthority> logger)
    {
        _scopes = scopes;
        _protector = protection.CreateProtector(KeyPurpose);
        _options = options;
        _time = time;
        _changes = changes;
        _logger = logger;
        _changes.IdentityChanged += Forget;
    }

    /// <summary>The active CA, created first if the mesh has none; two replicas starting at once create one between them.</summary>
    public async Task<SigningAuthority> SigningAsync(CancellationToken ct)
    {
        if (_signing is { } loaded)
            return loaded;
        await using var scope = _scopes.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<IdentityStore>();
        var active = await ActiveAsync(store, ct).ConfigureAwait(false);
        if (active is null)
        {
            using var created = CertificateFactory.CreateAuthority(_options.Value.TrustDomain, 1, _time.GetUtcNow(), _options.Value.CaLifetime);
            if (await store.TryCreateFirstAsync(ToRow(created, "console"), ct).ConfigureAwait(false))
                LogCreated(_logger, 1, created.Thumbprint);
            active = await ActiveAsync(store, ct).ConfigureAwait(false)
                ?? throw new InvalidOperationException("the mesh CA was created but cannot be read back");
        }

        var signing = new SigningAuthority(active.Generation, Load(active));
        _signing = signing;
        return signing;
    }

    /// <summary>
    /// Replaces the active CA by a new one; the old one stays trusted for the rotation overlap.
    /// Null when another rotation won the race (the caller may read the CAs again).
    /// </summary>
    public async Task<CertificateAuthority?> RotateAsync(string actor, CancellationToken ct)
    {
        var current = await SigningAsync(ct).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        using var created = CertificateFactory.CreateAuthority(_options.Value.TrustDomain, current.Generation + 1, now, _options.Value.CaLifetime);
        var row = ToRow(created, actor);
        await using var scope = _scopes.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<IdentityStore>();
        if (!await store.RotateAsync(current.Generation, row, now + _options.Value.RotationOverlap, ct).ConfigureAwait(false))
            return null;
        Forget();
        LogRotated(_logger, current.Generation, row.Generation, actor);
        return row;
    }

    public void Dispose() => _changes.IdentityChanged -= Forget;

    private void Forget() => _signing = null;

    private static async Task<CertificateAuthority?> ActiveAsync(IdentityStore store, CancellationToken ct) =>
        (await store.TrustedAuthoritiesAsync(ct).ConfigureAwait(false)).FirstOrDefault(a => a.State == AuthorityState.Active);

    private CertificateAuthority ToRow(X509Certificate2 created, string actor)
    {
        using var key = created.GetECDsaPrivateKey() ?? throw new InvalidOperationException("a new CA has no private key");
        return new CertificateAuthority
        {
            Certificate = created.RawData,
            ProtectedKey = _protector.Protect(key.ExportPkcs8PrivateKey()),
            CreatedAt = _time.GetUtcNow(),
            CreatedBy = actor,
            NotAfter = created.NotAfter.ToUniversalTime(),
        };
    }

    private X509Certificate2 Load(CertificateAuthority row)
    {
        using var certificate = X509CertificateLoader.LoadCertificate(row.Certificate);
        using var key = ECDsa.Create();
        key.ImportPkcs8PrivateKey(_protector.Unprotect(row.ProtectedKey), out _);
        return certificate.CopyWithPrivateKey(key);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Created the mesh CA, generation {Generation} ({Thumbprint})")]
    private static partial void LogCreated(ILogger logger, int generation, string thumbprint);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Mesh CA rotated from generation {From} to {To} by {Actor}")]
    private static partial void LogRotated(ILogger logger, int from, int to, string actor);
}
