using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MeshSidecar.Configuration;
using MeshSidecar.Snapshots;

namespace MeshSidecar.ControlPlane;

/// <summary>
/// Verifies the console's TLS certificate on the control plane and the OTLP endpoint. Trusted are:
/// the CAs of <c>--control-plane-ca</c>; a CA whose public key matches <c>--control-plane-ca-pin</c>
/// (fetched from the console's anonymous <c>/api/identity/ca.pem</c> first, as kubeadm fetches
/// cluster-info: TLS servers leave the root out of the chain they send); the trust bundle of the snapshot in force (learnt over a verified
/// stream, it holds the old and the new CA during a rotation, so a rotation does not strand the
/// sidecar); and, when neither flag was given, the system trust store. The host name is always checked.
/// </summary>
internal sealed partial class ControlPlaneTrust(SidecarOptions options, SnapshotHolder holder, TimeProvider time, ILogger<ControlPlaneTrust> logger)
{
    /// <summary>Where the console serves its CA certificates to anyone (IdentityEndpoints.CaPemPath).</summary>
    public const string CaPemPath = "/api/identity/ca.pem";

    private static readonly Oid _serverAuth = new("1.3.6.1.5.5.7.3.1");
    private static readonly TimeSpan _discoveryTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The fetched CAs whose public key matches the pin; swapped whole.</summary>
    private volatile X509Certificate2Collection _pinned = [];

    /// <summary>True when a pin was given and no CA matching it (nor a snapshot's bundle) is known yet.</summary>
    public bool NeedsPinnedCa => options.ControlPlaneCaPin is not null && _pinned.Count == 0 && (holder.Current?.Trust.Anchors.Count ?? 0) == 0;

    /// <summary>
    /// Fetches the console's CA certificates and keeps those matching the pin. The channel is not
    /// trusted yet, so the answer is judged by its content alone: a CA with another key is ignored.
    /// False (and a log line saying why) when none matches or the console cannot be reached.
    /// </summary>
    public async Task<bool> FetchPinnedCaAsync(CancellationToken ct)
    {
        var pin = options.ControlPlaneCaPin ?? throw new InvalidOperationException("no --control-plane-ca-pin was given");
        var origin = options.ControlPlane.Scheme == Uri.UriSchemeHttps ? options.ControlPlane : options.Otlp?.Endpoint ?? options.ControlPlane;
        var source = new Uri(origin, CaPemPath);
        using var handler = new SocketsHttpHandler();
        // Accepts the presented certificate for this one request whose answer is verified by the pin;
        // the host name must still match, so a misdirected request is not even read.
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
            certificate is not null && !errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch);
        using var client = new HttpClient(handler) { Timeout = _discoveryTimeout };
        // The control-plane port speaks HTTP/2 only; ALPN offers both, the OTLP/HTTP port takes either.
        using var request = new HttpRequestMessage(HttpMethod.Get, source) { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionOrLower };
        var fetched = new X509Certificate2Collection();
        try
        {
            using var response = await client.SendAsync(request, ct).ConfigureAwait(false);
            response.EnsureSuccessStatusCode();
            fetched.ImportFromPem(await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false));
        }
        catch (Exception ex) when (ex is HttpRequestException or CryptographicException || (ex is TaskCanceledException && !ct.IsCancellationRequested))
        {
            LogFetchFailed(logger, source, ex.Message);
            return false;
        }

        var matching = new X509Certificate2Collection();
        foreach (var certificate in fetched.Where(c => IsAuthority(c) && Pin(c) == pin))
            matching.Add(certificate);
        if (matching.Count == 0)
        {
            LogPinMismatch(logger, source, pin, fetched.Count == 0 ? "no certificate" : string.Join(", ", fetched.Select(c => $"{c.Subject} {Pin(c)}")));
            return false;
        }

        _pinned = matching;
        LogPinned(logger, matching[0].Subject, source, pin);
        return true;
    }

    /// <summary>An HTTP handler for <paramref name="target"/> that verifies the console's certificate this way.</summary>
    public SocketsHttpHandler CreateHandler(Uri target)
    {
        ArgumentNullException.ThrowIfNull(target);
        var handler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true };
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
        {
            var reason = Check(certificate as X509Certificate2, chain, errors);
            if (reason is not null)
                LogRefused(logger, target, reason);
            return reason is null;
        };
        return handler;
    }

    /// <summary>Null when the certificate is trusted; otherwise what was expected and what was presented.</summary>
    public string? Check(X509Certificate2? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null)
            return "the server presented no certificate";
        var presented = Presented(certificate, chain);
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
            return $"the certificate does not name the host connected to; presented {Describe(certificate, presented)}";

        var anchors = new X509Certificate2Collection();
        if (options.ControlPlaneCa is { } file)
            anchors.AddRange(file.Certificates);
        var bundle = holder.Current?.Trust.Anchors ?? [];
        anchors.AddRange(bundle);
        if (anchors.Count > 0 && Chains(certificate, anchors, presented))
            return null;

        if (options.ControlPlaneCaPin is { } pin)
        {
            foreach (var candidate in presented.Concat(_pinned).Where(c => IsAuthority(c) && Pin(c) == pin))
            {
                if (Chains(certificate, [candidate], presented))
                    return null;
            }
        }

        // Without a flag the system's roots decide, as for any https:// URL.
        if (options.ControlPlaneCa is null && options.ControlPlaneCaPin is null && errors == SslPolicyErrors.None)
            return null;
        return $"expected a chain to {Expected(bundle.Count)}; presented {Describe(certificate, presented)}";
    }

    /// <summary><c>sha256:</c> and the hex SHA-256 of the certificate's SubjectPublicKeyInfo.</summary>
    public static string Pin(X509Certificate2 certificate) =>
        "sha256:" + Convert.ToHexStringLower(SHA256.HashData(certificate.PublicKey.ExportSubjectPublicKeyInfo()));

    private bool Chains(X509Certificate2 certificate, X509Certificate2Collection roots, X509Certificate2Collection presented)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = time.GetUtcNow().UtcDateTime;
        chain.ChainPolicy.ApplicationPolicy.Add(_serverAuth);
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.ExtraStore.AddRange(presented);
        return chain.Build(certificate);
    }

    /// <summary>The certificates the server sent besides its own (and those the platform's chain found).</summary>
    private static X509Certificate2Collection Presented(X509Certificate2 certificate, X509Chain? chain)
    {
        var all = new X509Certificate2Collection();
        if (chain is null)
            return all;
        foreach (var extra in chain.ChainPolicy.ExtraStore)
            Add(extra);
        foreach (var element in chain.ChainElements)
            Add(element.Certificate);
        return all;

        void Add(X509Certificate2 c)
        {
            if (c.Thumbprint != certificate.Thumbprint && all.Find(X509FindType.FindByThumbprint, c.Thumbprint, false).Count == 0)
                all.Add(c);
        }
    }

    private static bool IsAuthority(X509Certificate2 certificate) =>
        certificate.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault() is { CertificateAuthority: true };

    private string Expected(int bundleCount)
    {
        var sources = new List<string>();
        if (options.ControlPlaneCa is { } file)
            sources.Add($"a CA of {file.Source} ({string.Join(", ", file.Certificates.Select(c => $"{c.Subject} {Pin(c)}"))})");
        if (options.ControlPlaneCaPin is { } pin)
            sources.Add($"a CA with pin {pin}");
        if (bundleCount > 0)
            sources.Add($"one of the {bundleCount} CA(s) of the mesh's trust bundle");
        if (options.ControlPlaneCa is null && options.ControlPlaneCaPin is null)
            sources.Add("the system trust store (give --control-plane-ca or --control-plane-ca-pin for the mesh CA)");
        return string.Join(" or ", sources);
    }

    private static string Describe(X509Certificate2 certificate, X509Certificate2Collection presented)
    {
        var chain = presented.Count == 0
            ? "no CA certificate"
            : string.Join(", ", presented.Select(c => $"{c.Subject} {Pin(c)}"));
        var names = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().FirstOrDefault() is { } san
            ? string.Join(", ", san.EnumerateDnsNames().Concat(san.EnumerateIPAddresses().Select(a => a.ToString())))
            : "";
        return $"{certificate.Subject} (names: {names}; issued by {certificate.Issuer}; until {certificate.NotAfter.ToUniversalTime():O}) with {chain}";
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Trusting mesh CA {Subject} from {Source}: its public key matches --control-plane-ca-pin {Pin}")]
    private static partial void LogPinned(ILogger logger, string subject, Uri source, string pin);

    [LoggerMessage(Level = LogLevel.Error, Message = "Refused the CAs served at {Source}: expected one with --control-plane-ca-pin {Pin}; presented {Presented}; retrying")]
    private static partial void LogPinMismatch(ILogger logger, Uri source, string pin, string presented);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not fetch the console's CAs from {Source} to match --control-plane-ca-pin ({Detail}); retrying")]
    private static partial void LogFetchFailed(ILogger logger, Uri source, string detail);

    [LoggerMessage(Level = LogLevel.Error, Message = "Refused the TLS certificate of {Address}: {Reason}")]
    private static partial void LogRefused(ILogger logger, Uri address, string reason);
}
