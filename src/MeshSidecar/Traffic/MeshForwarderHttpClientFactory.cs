using System.Security.Cryptography.X509Certificates;
using MeshSidecar.Admin;
using MeshSidecar.Identity;
using MeshSidecar.Snapshots;
using Yarp.ReverseProxy.Forwarder;

namespace MeshSidecar.Traffic;

/// <summary>
/// YARP's client per destination service, with the mesh's attempt handling in its chain and mutual
/// TLS to the service's sidecars. YARP keys clients by cluster, and a cluster is one service, so
/// each client knows which service its peers' certificates must name.
/// </summary>
internal sealed partial class MeshForwarderHttpClientFactory(
    OutlierDetector outliers, SidecarMetrics metrics, IdentityHolder identity, SnapshotHolder snapshots, TimeProvider time, ILogger<MeshForwarderHttpClientFactory> logger)
    : ForwarderHttpClientFactory
{
    protected override void ConfigureHandler(ForwarderHttpClientContext context, SocketsHttpHandler handler)
    {
        base.ConfigureHandler(context, handler);
        var service = context.ClusterId;
        // Asked at each handshake: after a rotation new connections present the new certificate while
        // pooled ones, already authenticated, carry on.
        handler.SslOptions.LocalCertificateSelectionCallback = (_, _, _, _, _) => identity.Current?.Certificate!;
        handler.SslOptions.CertificateRevocationCheckMode = X509RevocationMode.NoCheck;
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, chain, _) =>
        {
            if (certificate is null)
                return Refuse(service, "no-certificate", "the peer sent no certificate");
            var leaf = certificate as X509Certificate2
                ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
            var verdict = PeerVerifier.Verify(leaf, chain?.ChainElements.Select(e => e.Certificate) ?? [], snapshots.Current?.Trust ?? TrustBundle.Empty, time.GetUtcNow());
            if (verdict.Service is null)
                return Refuse(service, verdict.Refusal!, verdict.Detail);
            return verdict.Service == service || Refuse(service, "wrong-service", $"the peer's certificate is for {verdict.Service}, not {service}");
        };
    }

    protected override HttpMessageHandler WrapHandler(ForwarderHttpClientContext context, HttpMessageHandler handler) =>
        new AttemptHandler(new MutualTlsHandler(handler, identity), outliers, metrics, time);

    private bool Refuse(string service, string reason, string detail)
    {
        metrics.HandshakeRefused("outbound", reason);
        LogRefused(logger, service, detail);
        return false;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Refused a TLS handshake with an instance of {Service}: {Detail}")]
    private static partial void LogRefused(ILogger logger, string service, string detail);
}
