using System.Buffers;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;

namespace MeshSidecar.Listeners;

/// <summary>
/// HTTP/1.1 and cleartext HTTP/2 (gRPC with prior knowledge) on one port, as Envoy's automatic
/// codec does. Kestrel serves cleartext Http1AndHttp2 endpoints as HTTP/1.1 only, because it picks
/// HTTP/2 from TLS's ALPN. This middleware peeks at the first bytes: when they are the HTTP/2
/// connection preface it states "h2" as the negotiated protocol, and Kestrel speaks HTTP/2. Nothing
/// is consumed, so either protocol reads the connection from its first byte.
/// </summary>
internal static class ProtocolDetection
{
    private static readonly byte[] _preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8.ToArray();

    /// <summary>Listens with detection; the server must allow the request's own :scheme (see <see cref="Configure"/>).</summary>
    public static void UseDetection(this ListenOptions listen)
    {
        listen.Protocols = HttpProtocols.Http1AndHttp2;
        listen.Use(next => async connection =>
        {
            try
            {
                await DetectAsync(connection).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // The client closed before sending a byte: nothing to serve, nothing to report.
                return;
            }

            await next(connection).ConfigureAwait(false);
        });
    }

    /// <summary>States "h2" on a cleartext connection that starts with the HTTP/2 preface; consumes nothing.</summary>
    public static async Task DetectAsync(ConnectionContext connection)
    {
        if (await StartsWithPrefaceAsync(connection).ConfigureAwait(false))
        {
            connection.Features.Set<ITlsApplicationProtocolFeature>(new NegotiatedHttp2());
            connection.Features.Set<ITlsConnectionFeature>(new NoCertificate());
        }
    }

    /// <summary>The stated protocol makes the connection look like TLS; requests keep their own "http" scheme.</summary>
    public static void Configure(KestrelServerOptions kestrel) => kestrel.AllowAlternateSchemes = true;

    private static async Task<bool> StartsWithPrefaceAsync(ConnectionContext connection)
    {
        var input = connection.Transport.Input;
        while (true)
        {
            var result = await input.ReadAsync(connection.ConnectionClosed).ConfigureAwait(false);
            var buffer = result.Buffer;
            var length = (int)Math.Min(buffer.Length, _preface.Length);
            var start = buffer.Slice(0, length).ToArray();
            var matches = start.AsSpan().SequenceEqual(_preface.AsSpan(0, length));
            if (!matches || length == _preface.Length || result.IsCompleted)
            {
                input.AdvanceTo(buffer.Start);
                return matches && length == _preface.Length;
            }

            // Too few bytes to tell yet: consume nothing, but wait for more.
            input.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private sealed class NegotiatedHttp2 : ITlsApplicationProtocolFeature
    {
        public ReadOnlyMemory<byte> ApplicationProtocol => "h2"u8.ToArray();
    }

    /// <summary>Stands where TLS's feature would be on a cleartext connection: no client certificate.</summary>
    internal sealed class NoCertificate : ITlsConnectionFeature
    {
        public X509Certificate2? ClientCertificate { get; set; }

        public Task<X509Certificate2?> GetClientCertificateAsync(CancellationToken cancellationToken) => Task.FromResult<X509Certificate2?>(null);
    }
}
