using System.Net;
using MeshSidecar.Admin;
using MeshSidecar.Snapshots;
using Microsoft.AspNetCore.Http.Extensions;
using Yarp.ReverseProxy.Model;

namespace MeshSidecar.Traffic;

/// <summary>
/// Dark traffic: a copy of a request goes to an instance of the mirror subset, in the background,
/// and its answer is thrown away. The caller never waits for it: copies beyond a small number in
/// flight, and requests whose body is too large or of unknown length to copy, are not mirrored.
/// Copies go through the service's own client, so they use its pooled connections and mutual TLS.
/// </summary>
internal sealed class Mirroring(SidecarMetrics metrics, string sourceService)
{
    public const string MirrorHeader = "X-Mesh-Mirror";
    private const int MaxInFlight = 64;
    private const int MaxCopiedBody = 64 * 1024;
    private static readonly TimeSpan _copyTimeout = TimeSpan.FromSeconds(10);

    private static readonly HashSet<string> _notCopied = new(
        ["Host", "Connection", "Keep-Alive", "Transfer-Encoding", "TE", "Upgrade", "Proxy-Connection", "Content-Length", "Content-Type", MirrorHeader],
        StringComparer.OrdinalIgnoreCase);

    private int _inFlight;

    /// <summary>Starts a copy of the request to the subset; returns once the body is read, never waiting for the copy's answer.</summary>
    public async Task SendAsync(
        HttpContext context, HttpMessageInvoker client, ServiceRoute service, string subset, IReadOnlyDictionary<string, string> labels, IEnumerable<DestinationState> destinations)
    {
        var target = destinations.Where(d => OutboundPolicies.Carries(d, labels)).ToList();
        var request = context.Request;
        var hasBody = request.ContentLength > 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count > 0);
        if (target.Count == 0 || (hasBody && request.ContentLength is not (> 0 and <= MaxCopiedBody)))
        {
            metrics.Mirrored(service.Name, subset, sent: false);
            return;
        }

        if (Interlocked.Increment(ref _inFlight) > MaxInFlight)
        {
            Interlocked.Decrement(ref _inFlight);
            metrics.Mirrored(service.Name, subset, sent: false);
            return;
        }

        try
        {
            var copy = new HttpRequestMessage(new HttpMethod(request.Method), target[Random.Shared.Next(target.Count)].Model.Config.Address.TrimEnd('/') + request.GetEncodedPathAndQuery())
            {
                Version = HttpProtocol.IsHttp2(request.Protocol) ? HttpVersion.Version20 : HttpVersion.Version11,
                VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            };
            if (hasBody)
            {
                // The original still has to be forwarded: buffer it so both can read it.
                request.EnableBuffering();
                var body = new byte[request.ContentLength!.Value];
                await request.Body.ReadExactlyAsync(body, context.RequestAborted).ConfigureAwait(false);
                request.Body.Position = 0;
                copy.Content = new ByteArrayContent(body);
                if (request.ContentType is { } type)
                    copy.Content.Headers.TryAddWithoutValidation("Content-Type", type);
            }

            foreach (var (name, values) in request.Headers)
            {
                if (!_notCopied.Contains(name))
                    copy.Headers.TryAddWithoutValidation(name, (IEnumerable<string>)values!);
            }

            copy.Headers.TryAddWithoutValidation(MirrorHeader, "true");
            copy.Headers.Remove(SourceHeader.Name);
            copy.Headers.TryAddWithoutValidation(SourceHeader.Name, sourceService);
            metrics.Mirrored(service.Name, subset, sent: true);
            _ = SendInBackgroundAsync(client, copy);
        }
        catch
        {
            Interlocked.Decrement(ref _inFlight);
            throw;
        }
    }

    private async Task SendInBackgroundAsync(HttpMessageInvoker client, HttpRequestMessage copy)
    {
        try
        {
            using var timeout = new CancellationTokenSource(_copyTimeout);
            using var response = await client.SendAsync(copy, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
        {
            // The mirror's failures are the mirror's: the caller already has its answer.
        }
        finally
        {
            copy.Dispose();
            Interlocked.Decrement(ref _inFlight);
        }
    }
}
