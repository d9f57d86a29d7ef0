using Mesh.Policy.Access;
using MeshSidecar.Admin;
using MeshSidecar.Listeners;
using MeshSidecar.Snapshots;

namespace MeshSidecar.Traffic;

/// <summary>
/// Who is calling, and may they: the caller's service is the one its certificate proved in the
/// handshake (a plaintext caller has none), judged per request under the snapshot in force, so a
/// deny or a strict mode the console pushes applies to the next request. The header a plaintext
/// caller names itself with counts for metrics and per-source rate limits, never for a decision.
/// </summary>
internal sealed partial class InboundAccess(SnapshotHolder holder, SidecarMetrics metrics, string service, ILogger<InboundAccess> logger)
{
    /// <summary>The caller's verified service, or null; and the name metrics and rate limits know it by.</summary>
    public static (string? Verified, string Source) IdentifyCaller(HttpContext context)
    {
        var peer = context.Features.Get<MeshPeer>();
        if (peer is null)
            // Plaintext carries the marker that lets it past the TLS middleware; the app must still see http.
            context.Request.Scheme = Uri.UriSchemeHttp;
        if (peer?.Service is { } verified)
        {
            // The app beside this sidecar sees the proven caller, whatever the peer's app wrote.
            context.Request.Headers[SourceHeader.Name] = verified;
            return (verified, verified);
        }

        var named = context.Request.Headers[SourceHeader.Name];
        return (null, named.Count > 0 ? named.ToString() : SourceHeader.Unknown);
    }

    /// <summary>True when the call may go on; otherwise it has been answered 403 (gRPC PERMISSION_DENIED).</summary>
    public async Task<bool> CheckAsync(HttpContext context, string? verified, string source)
    {
        var snapshot = holder.Current;
        if (snapshot is null)
            return true;

        string reason;
        string message;
        if (context.Features.Get<MeshPeer>()?.Serial is { } serial && snapshot.Trust.IsRevoked(serial))
        {
            // Revoked after this connection's handshake: the next request learns of it.
            reason = "revoked";
            message = $"access denied: the certificate of {verified} (serial {serial}) is revoked";
        }
        else if (snapshot.Access is { } policy)
        {
            var request = context.Request;
            var path = request.Path.Value ?? "/";
            var call = new AccessRequest(verified ?? AccessEvaluator.Unauthenticated, service, request.Method, path);
            var decision = AccessCheck.Judge(policy, call);
            if (decision.Action == AccessAction.Allow)
                return true;
            var strict = AccessCheck.RefusedForStrictMtls(policy, call);
            reason = strict ? "strict-mtls" : "policy";
            message = strict ? decision.Explanation : $"access denied: {call.Source} → {service} {request.Method} {path}: {decision.Explanation}";
        }
        else
        {
            return true;
        }

        metrics.AccessDenied(source, reason);
        LogDenied(logger, message);
        if (GrpcStatus.IsGrpc(context.Request))
        {
            await GrpcStatus.WriteStatusAsync(context.Response, GrpcStatus.PermissionDenied, message).ConfigureAwait(false);
        }
        else
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            await context.Response.WriteAsync(message, context.RequestAborted).ConfigureAwait(false);
        }

        return false;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Message}")]
    private static partial void LogDenied(ILogger logger, string message);
}
