using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Mesh.Store;
using Microsoft.Extensions.Options;

namespace MeshConsole.Identity;

/// <summary>
/// The TLS server certificate of the console's mesh-facing endpoints, issued by the active mesh CA:
/// at start, again at half of its lifetime, and whenever the active CA changes (a rotation here or
/// on another replica). New handshakes take the new one at once; no restart, no dropped stream.
/// Also keeps <c>Mesh:ControlPlane:Tls:CaFile</c> equal to the trusted CAs.
/// </summary>
internal sealed partial class EndpointCertificate : BackgroundService
{
    /// <summary>How soon a failed issue (the store away) is tried again.</summary>
    private static readonly TimeSpan _retry = TimeSpan.FromSeconds(5);

    /// <summary>Task.Delay takes at most ~49 days; a long-lived certificate is looked at daily instead.</summary>
    private static readonly TimeSpan _longestWait = TimeSpan.FromDays(1);

    private readonly MeshAuthority _authority;
    private readonly IServiceScopeFactory _scopes;
    private readonly IOptions<ControlPlaneTlsOptions> _options;
    private readonly TimeProvider _time;
    private readonly ConfigChangeFeed _changes;
    private readonly ILogger<EndpointCertificate> _logger;
    private readonly IReadOnlyList<string> _endpoints;
    private readonly string _endpointList;
    private readonly SemaphoreSlim _issuing = new(1, 1);
    private volatile IssuedEndpointCertificate? _current;
    private TaskCompletionSource _identityChanged = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public EndpointCertificate(
        MeshAuthority authority, IServiceScopeFactory scopes, IOptions<ControlPlaneTlsOptions> options, IConfiguration configuration,
        TimeProvider time, ConfigChangeFeed changes, ILogger<EndpointCertificate> logger)
    {
        _authority = authority;
        _scopes = scopes;
        _options = options;
        _time = time;
        _changes = changes;
        _logger = logger;
        _endpoints = MeshEndpoints.UsingMeshCertificate(configuration);
        _endpointList = string.Join(", ", _endpoints);
        _changes.IdentityChanged += OnIdentityChanged;
    }

    /// <summary>The certificate in force, or null before the first was issued.</summary>
    public IssuedEndpointCertificate? Current => _current;

    /// <summary>One handshake's options: the certificate in force and its issuer; issued first when there is none or it expired.</summary>
    public async ValueTask<SslServerAuthenticationOptions> HandshakeAsync(CancellationToken ct)
    {
        var current = _current;
        if (current is null || current.NotAfter <= _time.GetUtcNow())
            current = await RefreshAsync(ct).ConfigureAwait(false);
        return new SslServerAuthenticationOptions { ServerCertificateContext = current.Context };
    }

    /// <summary>Issues the first certificate before Kestrel takes connections; a store that cannot answer yet is retried in the background.</summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await WriteCaFileAsync(cancellationToken).ConfigureAwait(false);
            if (_endpoints.Count > 0)
                await RefreshAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogFailed(_logger, ex);
        }

        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    public override void Dispose()
    {
        _changes.IdentityChanged -= OnIdentityChanged;
        _issuing.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var signal = Volatile.Read(ref _identityChanged);
            var changed = signal.Task;
            var wait = _endpoints.Count == 0 ? Timeout.InfiniteTimeSpan
                : _current is { } current ? Clamp(current.RenewAt - _time.GetUtcNow())
                : _retry;
            using (var delay = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken))
            {
                await Task.WhenAny(changed, Task.Delay(wait, _time, delay.Token)).ConfigureAwait(false);
                await delay.CancelAsync().ConfigureAwait(false);
            }

            if (stoppingToken.IsCancellationRequested)
                return;
            try
            {
                if (changed.IsCompleted)
                {
                    Interlocked.CompareExchange(ref _identityChanged, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), signal);
                    await WriteCaFileAsync(stoppingToken).ConfigureAwait(false);
                }

                if (_endpoints.Count > 0)
                    await RefreshAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFailed(_logger, ex);
                await Task.Delay(_retry, _time, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
            }
        }
    }

    private static TimeSpan Clamp(TimeSpan wait) =>
        wait <= TimeSpan.Zero ? TimeSpan.Zero : wait > _longestWait ? _longestWait : wait;

    /// <summary>The certificate in force, issued anew when there is none, it is due, or the active CA changed.</summary>
    private async Task<IssuedEndpointCertificate> RefreshAsync(CancellationToken ct)
    {
        await _issuing.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var signing = await _authority.SigningAsync(ct).ConfigureAwait(false);
            var now = _time.GetUtcNow();
            var previous = _current;
            if (previous is not null && previous.Generation == signing.Generation && previous.RenewAt > now)
                return previous;

            var options = _options.Value;
            var certificate = CertificateFactory.IssueServer(options.EffectiveHostNames, signing.Certificate, now, options.CertificateLifetime);
            // The CA travels in the handshake too, so a sidecar that pins it finds it in the chain.
            var issuer = X509CertificateLoader.LoadCertificate(signing.Certificate.RawData);
            var issued = new IssuedEndpointCertificate(
                certificate, SslStreamCertificateContext.Create(certificate, [issuer], offline: true), signing.Generation,
                certificate.NotAfter.ToUniversalTime(), now + ((certificate.NotAfter.ToUniversalTime() - now) / 2));
            // The previous one is not disposed: a handshake that took it a moment ago may still use it.
            _current = issued;
            if (previous is null || previous.Generation != signing.Generation)
            {
                // Once per CA generation: operators copy the pin from here into the sidecars' flags.
                var pin = CertificateFactory.Pin(issuer);
                var names = string.Join(", ", options.EffectiveHostNames);
                LogTrust(_logger, _endpointList, signing.Generation, pin, names);
            }

            LogIssued(_logger, certificate.SerialNumber, issued.NotAfter, issued.RenewAt);
            return issued;
        }
        finally
        {
            _issuing.Release();
        }
    }

    private async Task WriteCaFileAsync(CancellationToken ct)
    {
        if (_options.Value.CaFile is not { } path)
            return;
        await using var scope = _scopes.CreateAsyncScope();
        var bundle = await scope.ServiceProvider.GetRequiredService<IdentityAdmin>().TrustBundleAsync(ct).ConfigureAwait(false);
        var full = Path.GetFullPath(path);
        if (Path.GetDirectoryName(full) is { } directory)
            Directory.CreateDirectory(directory);
        // Write then rename: a sidecar reading the file never sees half a bundle.
        var temporary = full + ".tmp";
        await File.WriteAllTextAsync(temporary, bundle, ct).ConfigureAwait(false);
        File.Move(temporary, full, overwrite: true);
        LogCaFile(_logger, full);
    }

    private void OnIdentityChanged() => Volatile.Read(ref _identityChanged).TrySetResult();

    [LoggerMessage(Level = LogLevel.Information,
        Message = "TLS on {Endpoints} with certificates of mesh CA generation {Generation}; sidecars trust it with --control-plane-ca-pin {Pin} or the CA file; names: {HostNames}")]
    private static partial void LogTrust(ILogger logger, string endpoints, int generation, string pin, string hostNames);

    [LoggerMessage(Level = LogLevel.Information, Message = "Issued the mesh endpoints' server certificate {Serial}, valid until {NotAfter:O}; renewal at {RenewAt:O}")]
    private static partial void LogIssued(ILogger logger, string serial, DateTimeOffset notAfter, DateTimeOffset renewAt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Wrote the trusted mesh CAs to {Path}")]
    private static partial void LogCaFile(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not issue the mesh endpoints' server certificate or write the CA file; trying again")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}

/// <summary>A server certificate of the mesh endpoints, ready for handshakes, and when it is renewed.</summary>
internal sealed record IssuedEndpointCertificate(
    X509Certificate2 Certificate, SslStreamCertificateContext Context, int Generation, DateTimeOffset NotAfter, DateTimeOffset RenewAt);
