using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Mesh.Contracts.V1;
using MeshSidecar.Configuration;

namespace MeshSidecar.Identity;

/// <summary>
/// The sidecar's workload identity. It makes a key pair and a CSR for each request, applies the
/// certificate the console issues for one of them, swaps key and certificate in with one reference
/// write, and keeps them in the state directory (mode 0600) so a restart without the console still
/// serves mutual TLS until the certificate expires. Private keys never leave the process and that file.
/// </summary>
internal sealed partial class IdentityHolder(SidecarOptions options, TimeProvider time, ILogger<IdentityHolder> logger)
{
    /// <summary>Requests still waiting for their certificate; older ones are dropped (their answers are refused).</summary>
    private const int MaxPending = 4;

    private readonly Lock _gate = new();
    private readonly List<ECDsa> _pending = [];
    private volatile WorkloadIdentity? _current;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The identity in force, or null before the console issued one.</summary>
    public WorkloadIdentity? Current => _current;

    /// <summary>Completes when the next identity is swapped in.</summary>
    public Task Changed => Volatile.Read(ref _changed).Task;

    /// <summary>A new ECDSA P-256 key pair and its PKCS#10 request (DER), asking for <paramref name="trustDomain"/>'s ID of this service.</summary>
    public byte[] CreateRequest(string trustDomain)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest(new X500DistinguishedName($"CN={options.EffectiveInstanceId}"), key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddUri(SpiffeId.For(trustDomain, options.Service));
        request.CertificateExtensions.Add(names.Build());
        lock (_gate)
        {
            _pending.Add(key);
            if (_pending.Count > MaxPending)
            {
                _pending[0].Dispose();
                _pending.RemoveAt(0);
            }
        }

        return request.CreateSigningRequest();
    }

    /// <summary>Applies an issued certificate; the reason when it is refused (the identity in force stays).</summary>
    public string? Apply(WorkloadCertificate message)
    {
        ArgumentNullException.ThrowIfNull(message);
        X509Certificate2 leaf;
        X509Certificate2Collection chain = [];
        try
        {
            leaf = X509CertificateLoader.LoadCertificate(message.Certificate.Span);
            foreach (var issuer in message.Chain)
                chain.Add(X509CertificateLoader.LoadCertificate(issuer.Span));
        }
        catch (CryptographicException)
        {
            return Refuse("certificate: not a DER X.509 certificate (or its chain holds one that is not)");
        }

        if (SpiffeId.Of(leaf) is not { } id || SpiffeId.ServiceOf(id) != options.Service)
            return Refuse($"certificate: names {SpiffeId.Of(leaf)?.ToString() ?? "no SPIFFE ID"}, not service {options.Service}");
        if (leaf.NotAfter.ToUniversalTime() <= time.GetUtcNow().UtcDateTime)
            return Refuse($"certificate: expired at {leaf.NotAfter.ToUniversalTime():O}");

        WorkloadIdentity identity;
        lock (_gate)
        {
            var spki = leaf.PublicKey.ExportSubjectPublicKeyInfo();
            var index = _pending.FindIndex(k => k.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(spki));
            if (index < 0)
                return Refuse("certificate: not for a key this sidecar asked a certificate for");

            var key = _pending[index];
            // Requests made before this one are answered by it; requests made after still wait.
            _pending.RemoveRange(0, index + 1);
            identity = new WorkloadIdentity(leaf.CopyWithPrivateKey(key), chain, id);
            Persist(identity, key);
            Swap(identity);
        }

        LogIssued(logger, identity.SpiffeId, identity.Serial, identity.NotAfter, identity.RotateAt);
        return null;
    }

    /// <summary>Serves the identity kept on disk while it is valid: mutual TLS even when the console is away at start-up.</summary>
    public void LoadFromDisk()
    {
        if (!File.Exists(options.IdentityPath))
            return;
        try
        {
            var pem = File.ReadAllText(options.IdentityPath);
            var all = new X509Certificate2Collection();
            all.ImportFromPem(pem);
            using var key = ECDsa.Create();
            key.ImportFromPem(pem);
            var leaf = all[0].CopyWithPrivateKey(key);
            var id = SpiffeId.Of(leaf);
            if (id is null || SpiffeId.ServiceOf(id) != options.Service || leaf.NotAfter.ToUniversalTime() <= time.GetUtcNow().UtcDateTime)
            {
                LogStale(logger, options.IdentityPath, leaf.NotAfter);
                return;
            }

            var identity = new WorkloadIdentity(leaf, [.. all.Skip(1)], id);
            lock (_gate)
                Swap(identity);
            LogLoaded(logger, options.IdentityPath, identity.SpiffeId, identity.NotAfter);
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException or IOException or UnauthorizedAccessException)
        {
            LogUnreadable(logger, options.IdentityPath, ex);
        }
    }

    private void Swap(WorkloadIdentity identity)
    {
        _current = identity;
        Interlocked.Exchange(ref _changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).SetResult();
    }

    private void Persist(WorkloadIdentity identity, ECDsa key)
    {
        try
        {
            Directory.CreateDirectory(options.StateDirectory);
            var temporary = options.IdentityPath + ".tmp";
            var file = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
            // The private key: readable by this user alone, from the moment the file exists.
            if (!OperatingSystem.IsWindows())
                file.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using (var writer = new StreamWriter(temporary, System.Text.Encoding.ASCII, file))
            {
                writer.Write(key.ExportPkcs8PrivateKeyPem());
                writer.Write('\n');
                writer.Write(identity.Certificate.ExportCertificatePem());
                foreach (var issuer in identity.Chain)
                {
                    writer.Write('\n');
                    writer.Write(issuer.ExportCertificatePem());
                }

                writer.Write('\n');
            }

            // Write then rename: a crash mid-write never leaves a key without its certificate.
            File.Move(temporary, options.IdentityPath, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The identity is in force either way; only a restart without the console loses it.
            LogNotPersisted(logger, options.IdentityPath, ex);
        }
    }

    private string Refuse(string reason)
    {
        LogRefused(logger, reason);
        return reason;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Workload certificate {SpiffeId} (serial {Serial}) in force until {NotAfter:O}; rotation at {RotateAt:O}")]
    private static partial void LogIssued(ILogger logger, Uri spiffeId, string serial, DateTimeOffset notAfter, DateTimeOffset rotateAt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a workload certificate from the console: {Reason}")]
    private static partial void LogRefused(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Serving the workload certificate kept in {Path} ({SpiffeId}, until {NotAfter:O}) until the console answers")]
    private static partial void LogLoaded(ILogger logger, string path, Uri spiffeId, DateTimeOffset notAfter);

    [LoggerMessage(Level = LogLevel.Information, Message = "The workload certificate kept in {Path} is expired ({NotAfter:O}) or not this service's; waiting for a new one")]
    private static partial void LogStale(ILogger logger, string path, DateTime notAfter);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The workload identity kept in {Path} is unreadable; waiting for a new one")]
    private static partial void LogUnreadable(ILogger logger, string path, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not keep the workload identity in {Path}")]
    private static partial void LogNotPersisted(ILogger logger, string path, Exception exception);
}
