using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Mesh.Contracts.V1;
using MeshConsole.Identity;

namespace MeshConsole.ControlPlane;

/// <summary>
/// <c>mesh.v1.ControlPlane</c>: the sidecars' long-lived streams. Thin: it checks the messages,
/// hands them to the registry, and writes what the publisher pushes.
/// </summary>
internal sealed partial class ControlPlaneService(
    SidecarRegistry registry, SnapshotPublisher publisher, SidecarAdmission admission, TimeProvider time, IHostApplicationLifetime lifetime,
    Microsoft.Extensions.Options.IOptions<ControlPlaneOptions> options, ILogger<ControlPlaneService> logger)
    : Mesh.Contracts.V1.ControlPlane.ControlPlaneBase
{
    public override async Task Connect(
        IAsyncStreamReader<SidecarMessage> requestStream, IServerStreamWriter<ControlMessage> responseStream, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        if (!await requestStream.MoveNext(ct).ConfigureAwait(false))
            return;
        var first = requestStream.Current;
        if (first.KindCase != SidecarMessage.KindOneofCase.Hello)
            throw Invalid($"the first message must be a hello, not {Word(first.KindCase)}");
        var errors = HelloValidator.Validate(first.Hello);
        if (errors.Count > 0)
            throw Invalid(string.Join("; ", errors));
        // Nothing is registered before the sidecar is admitted: a refused Hello leaves no trace.
        var admitted = await admission.AdmitAsync(first.Hello, ct).ConfigureAwait(false);
        if (admitted.Refusal is { } refusal)
            throw Refused(refusal);

        using var session = await registry.ConnectAsync(first.Hello).ConfigureAwait(false);
        session.PushCertificate(CertificateMessages.ToMessage(admitted.Certificate!));
        LogConnected(logger, session.InstanceId, first.Hello.Service);
        // A console that is stopping ends its streams at once, so its sidecars move on (to another
        // replica, or wait for it on their last snapshot) instead of holding its shutdown open.
        using var both = CancellationTokenSource.CreateLinkedTokenSource(ct, session.Ended, lifetime.ApplicationStopping);
        var writing = WriteAsync(session, responseStream, both.Token);
        if (publisher.CurrentPublication is { } published)
            session.Push(published);
        try
        {
            while (await requestStream.MoveNext(both.Token).ConfigureAwait(false))
                await ReceiveAsync(session, requestStream.Current, both.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (both.IsCancellationRequested)
        {
        }
        finally
        {
            await registry.DisconnectAsync(session).ConfigureAwait(false);
            await both.CancelAsync().ConfigureAwait(false);
            await writing.ConfigureAwait(false);
            LogDisconnected(logger, session.InstanceId);
        }

        if (session.EndStatus is { } ended)
            throw new RpcException(ended);
    }

    private async Task ReceiveAsync(SidecarSession session, SidecarMessage message, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        switch (message.KindCase)
        {
            case SidecarMessage.KindOneofCase.Ack:
                var wasReady = session.Ready;
                if (!session.Acknowledge(message.Ack.Nonce, now))
                    throw Invalid($"ack.nonce: \"{message.Ack.Nonce}\" was not sent on this stream");
                if (wasReady)
                    registry.ReportStatusChange();
                else
                    registry.ReportReady();
                await registry.RecordAnswersAsync(session).ConfigureAwait(false);
                break;
            case SidecarMessage.KindOneofCase.Nack:
                if (!session.Refuse(message.Nack.Nonce, message.Nack.Error, now))
                    throw Invalid($"nack.nonce: \"{message.Nack.Nonce}\" was not sent on this stream");
                LogNacked(logger, session.InstanceId, message.Nack.Revision, message.Nack.Error);
                registry.ReportStatusChange();
                await registry.RecordAnswersAsync(session).ConfigureAwait(false);
                break;
            case SidecarMessage.KindOneofCase.Heartbeat:
                await registry.HeardAsync(session).ConfigureAwait(false);
                break;
            case SidecarMessage.KindOneofCase.CertificateRequest:
                var renewed = await admission.RenewAsync(session.Hello, message.CertificateRequest.Csr.Memory, ct).ConfigureAwait(false);
                if (renewed.Refusal is { } refusal)
                    throw Refused(refusal);
                session.PushCertificate(CertificateMessages.ToMessage(renewed.Certificate!));
                break;
            case SidecarMessage.KindOneofCase.Hello:
                throw Invalid("hello: sent twice on one stream");
            default:
                throw Invalid("message: empty (set one of hello, ack, nack, heartbeat, certificate_request)");
        }
    }

    /// <summary>
    /// The stream's only writer. Writes carry no token: cancelling a gRPC write aborts the whole
    /// call, which would turn the status a refused sidecar must read into a bare CANCELLED.
    /// </summary>
    private async Task WriteAsync(SidecarSession session, IServerStreamWriter<ControlMessage> stream, CancellationToken ct)
    {
        var reader = session.Pending;
        var certificates = session.PendingCertificates;
        try
        {
            while (true)
            {
                var ready = reader.WaitToReadAsync(ct).AsTask();
                var certificateReady = certificates.WaitToReadAsync(ct).AsTask();
                var ping = Task.Delay(options.Value.PingInterval, time, ct);
                await Task.WhenAny(ready, certificateReady, ping).ConfigureAwait(false);
                if (ct.IsCancellationRequested)
                    return;

                if (!ready.IsCompleted && !certificateReady.IsCompleted)
                {
                    await stream.WriteAsync(new ControlMessage { Ping = new Ping { SentAt = Timestamp.FromDateTimeOffset(time.GetUtcNow()) } }, CancellationToken.None).ConfigureAwait(false);
                    continue;
                }

                // Certificates first: a sidecar needs its certificate before the snapshot that trusts it.
                while (certificates.TryRead(out var certificate))
                    await stream.WriteAsync(certificate, CancellationToken.None).ConfigureAwait(false);
                if (ready.IsCompleted && !await ready.ConfigureAwait(false))
                    return;
                if (certificateReady.IsCompleted && !await certificateReady.ConfigureAwait(false))
                    return;
                while (session.TryTake(out var published))
                    await stream.WriteAsync(published.Message, CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (InvalidOperationException) when (ct.IsCancellationRequested)
        {
            // The call completed while a write was under way: nothing left to tell this sidecar.
        }
    }

    private static RpcException Invalid(string detail) => new(new Status(StatusCode.InvalidArgument, detail));

    private static RpcException Refused(Refusal refusal) => new(new Status(refusal.Kind switch
    {
        RefusalKind.Unauthenticated => StatusCode.Unauthenticated,
        RefusalKind.PermissionDenied => StatusCode.PermissionDenied,
        _ => StatusCode.InvalidArgument,
    }, refusal.Detail));

    private static string Word(SidecarMessage.KindOneofCase kind) =>
        kind == SidecarMessage.KindOneofCase.None ? "an empty message" : $"a {kind.ToString().ToLowerInvariant()}";

    [LoggerMessage(Level = LogLevel.Information, Message = "Sidecar {InstanceId} of {Service} connected")]
    private static partial void LogConnected(ILogger logger, string instanceId, string service);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sidecar {InstanceId} disconnected")]
    private static partial void LogDisconnected(ILogger logger, string instanceId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sidecar {InstanceId} refused revision {Revision}: {Error}")]
    private static partial void LogNacked(ILogger logger, string instanceId, long revision, string error);
}
