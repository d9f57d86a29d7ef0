using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using MeshSidecar.Admin;
using MeshSidecar.Identity;
using MeshSidecar.Snapshots;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace MeshSidecar.Listeners;

/// <summary>
/// The inbound port speaks mutual TLS and, for permissive services, plaintext too. The first byte
/// tells them apart: a TLS record starts with 0x16 (handshake), an HTTP request with a letter and
/// HTTP/2 with the preface's 'P'. A plaintext connection is marked as already secured, so Kestrel's
/// HTTPS middleware passes it through untouched; a TLS one is handshaken there with the sidecar's
/// workload certificate, asking for the caller's, which must prove a mesh identity.
/// </summary>
internal sealed partial class InboundTls(IdentityHolder identity, SnapshotHolder snapshots, SidecarMetrics metrics, TimeProvider time, ILogger<InboundTls> logger)
{
    private const byte TlsHandshakeRecord = 0x16;

    private static readonly List<SslApplicationProtocol> _protocols = [SslApplicationProtocol.Http2, SslApplicationProtocol.Http11];

    public void Configure(ListenOptions listen)
    {
        listen.Protocols = HttpProtocols.Http1AndHttp2;
        listen.Use(next => async connection =>
        {
            try
            {
                if (!await StartsWithTlsAsync(connection).ConfigureAwait(false))
                {
                    connection.Features.Set<ITlsConnectionFeature>(new ProtocolDetection.NoCertificate());
                    await ProtocolDetection.DetectAsync(connection).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException)
            {
                // The client closed before sending a byte: nothing to serve, nothing to report.
                return;
            }

            await next(connection).ConfigureAwait(false);
        });
        listen.UseHttps(new TlsHandshakeCallbackOptions
        {
            OnConnection = context => ValueTask.FromResult(ServerOptions(context.Connection)),
            HandshakeTimeout = TimeSpan.FromSeconds(10),
        });
    }

    private SslServerAuthenticationOptions ServerOptions(ConnectionContext connection)
    {
        var current = identity.Current;
        if (current is null)
        {
            metrics.HandshakeRefused("inbound", "no-local-certificate");
            LogNoCertificate(logger, connection.RemoteEndPoint);
        }

        return new SslServerAuthenticationOptions
        {
            // Read once per handshake: a rotation applies to the next connection, never mid-handshake.
            ServerCertificateContext = current?.ServerContext,
            ClientCertificateRequired = true,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            ApplicationProtocols = _protocols,
            RemoteCertificateValidationCallback = (_, certificate, chain, _) => Accept(connection, certificate, chain),
        };
    }

    /// <summary>
    /// A caller without a certificate is let through with no identity (strict services answer it
    /// 403 with the reason); one whose certificate proves nothing is refused in the handshake.
    /// </summary>
    private bool Accept(ConnectionContext connection, X509Certificate? certificate, X509Chain? chain)
    {
        if (certificate is null)
        {
            connection.Features.Set(MeshPeer.Anonymous);
            return true;
        }

        var leaf = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        var presented = chain?.ChainElements.Select(e => e.Certificate) ?? [];
        var verdict = PeerVerifier.Verify(leaf, presented, snapshots.Current?.Trust ?? TrustBundle.Empty, time.GetUtcNow());
        if (verdict.Service is null)
        {
            metrics.HandshakeRefused("inbound", verdict.Refusal!);
            LogRefused(logger, connection.RemoteEndPoint, verdict.Detail);
            return false;
        }

        connection.Features.Set(new MeshPeer(verdict.Service, leaf.SerialNumber));
        return true;
    }

    private static async Task<bool> StartsWithTlsAsync(ConnectionContext connection)
    {
        var input = connection.Transport.Input;
        var result = await input.ReadAtLeastAsync(1, connection.ConnectionClosed).ConfigureAwait(false);
        var tls = result.Buffer.Length > 0 && result.Buffer.FirstSpan[0] == TlsHandshakeRecord;
        // Peek only: the handshake or the HTTP parser reads from the first byte.
        input.AdvanceTo(result.Buffer.Start);
        return tls;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Refused a TLS handshake from {Remote}: {Detail}")]
    private static partial void LogRefused(ILogger logger, System.Net.EndPoint? remote, string detail);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Refused a TLS handshake from {Remote}: this sidecar has no workload certificate yet")]
    private static partial void LogNoCertificate(ILogger logger, System.Net.EndPoint? remote);
}
