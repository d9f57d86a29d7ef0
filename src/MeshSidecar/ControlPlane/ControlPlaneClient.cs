using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using Mesh.Contracts.V1;
using MeshSidecar.Configuration;
using MeshSidecar.Identity;
using MeshSidecar.Snapshots;

namespace MeshSidecar.ControlPlane;

/// <summary>
/// Keeps one stream to the console: says Hello with the join token and a CSR, applies each issued
/// certificate and pushed snapshot (answering Ack or Nack), heartbeats, and asks for the next
/// certificate at half of the current one's lifetime. When the console is gone or refuses the
/// sidecar it reconnects with capped, jittered backoff; the proxy goes on serving the snapshot and
/// the certificate in force the whole time.
/// </summary>
internal sealed partial class ControlPlaneClient(
    SidecarOptions options, SnapshotHolder holder, IdentityHolder identity, ControlPlaneTrust trust, TimeProvider time, ILogger<ControlPlaneClient> logger)
    : BackgroundService
{
    /// <summary>How long a rotation request may stay unanswered before it is sent again.</summary>
    private static readonly TimeSpan _rotationRetry = TimeSpan.FromSeconds(30);

    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan _firstRetry = TimeSpan.FromMilliseconds(250);
    // Well inside the console's heartbeat grace (15 s), so a console restart never outlasts it.
    private static readonly TimeSpan _maxRetry = TimeSpan.FromSeconds(5);

    /// <summary>True while a stream to the console is open.</summary>
    public bool Connected { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Over TLS the console's certificate is checked against the sidecar's trust sources; h2c
        // (an opt-out for a trusted network) keeps the channel's own handler.
        using var channel = options.ControlPlane.Scheme == Uri.UriSchemeHttps
            ? GrpcChannel.ForAddress(options.ControlPlane, new GrpcChannelOptions { HttpHandler = trust.CreateHandler(options.ControlPlane), DisposeHttpClient = true })
            : GrpcChannel.ForAddress(options.ControlPlane);
        var client = new Mesh.Contracts.V1.ControlPlane.ControlPlaneClient(channel);
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // A pin needs the CA it names before the first handshake can be checked.
                if ((!trust.NeedsPinnedCa || await trust.FetchPinnedCaAsync(stoppingToken).ConfigureAwait(false))
                    && await RunSessionAsync(client, stoppingToken).ConfigureAwait(false))
                {
                    failures = 0;
                }
            }
            catch (Exception ex) when (stoppingToken.IsCancellationRequested && ex is OperationCanceledException or RpcException)
            {
                return;
            }
            catch (RpcException ex) when (ex.StatusCode is StatusCode.Unauthenticated or StatusCode.PermissionDenied or StatusCode.InvalidArgument)
            {
                LogRefused(logger, ex.Status.Detail.Length > 0 ? ex.Status.Detail : ex.StatusCode.ToString());
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // Whatever a broken stream throws (plain HTTP/2 to a TLS port once ended the host with an
                // IOException), the sidecar keeps serving its last snapshot and retries: losing the console must
                // never stop it.
                LogUnreachable(logger, options.ControlPlane, ex is RpcException rpc ? rpc.Status.Detail : $"{ex.GetType().Name}: {ex.Message}");
            }
            finally
            {
                Connected = false;
            }

            failures++;
            // Full jitter: many sidecars losing one console must not come back in lockstep.
            var cap = Math.Min(_maxRetry.TotalMilliseconds, _firstRetry.TotalMilliseconds * Math.Pow(2, Math.Min(failures, 16)));
            await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * cap), time, stoppingToken)
                .ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
        }
    }

    /// <summary>One stream's life; true when the console answered at least once.</summary>
    private async Task<bool> RunSessionAsync(Mesh.Contracts.V1.ControlPlane.ControlPlaneClient client, CancellationToken ct)
    {
        using var session = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var call = client.Connect(cancellationToken: session.Token);
        using var writes = new SemaphoreSlim(1, 1);
        async Task SendAsync(SidecarMessage message)
        {
            await writes.WaitAsync(session.Token).ConfigureAwait(false);
            try
            {
                await call.RequestStream.WriteAsync(message, session.Token).ConfigureAwait(false);
            }
            finally
            {
                writes.Release();
            }
        }

        // The console answers a Hello with a certificate: rotation starts from that one, so a stale
        // certificate kept on disk does not make the sidecar ask twice.
        var issued = identity.Changed;
        await SendAsync(new SidecarMessage { Hello = Hello() }).ConfigureAwait(false);
        var heartbeats = HeartbeatAsync(SendAsync, session.Token);
        var rotation = RotateAsync(issued, SendAsync, session.Token);
        var answered = false;
        try
        {
            await foreach (var message in call.ResponseStream.ReadAllAsync(session.Token).ConfigureAwait(false))
            {
                if (!answered)
                {
                    answered = true;
                    Connected = true;
                    LogConnected(logger, options.ControlPlane);
                }

                if (message.KindCase == ControlMessage.KindOneofCase.Certificate)
                    identity.Apply(message.Certificate);
                if (message.KindCase != ControlMessage.KindOneofCase.Snapshot)
                    continue;
                var snapshot = message.Snapshot;
                var error = holder.Apply(snapshot);
                await SendAsync(error is null
                    ? new SidecarMessage { Ack = new Ack { Revision = snapshot.Revision, Nonce = snapshot.Nonce } }
                    : new SidecarMessage { Nack = new Nack { Revision = snapshot.Revision, Nonce = snapshot.Nonce, Error = error } }).ConfigureAwait(false);
            }
        }
        finally
        {
            await session.CancelAsync().ConfigureAwait(false);
            await heartbeats.ConfigureAwait(false);
            await rotation.ConfigureAwait(false);
        }

        return answered;
    }

    private async Task HeartbeatAsync(Func<SidecarMessage, Task> send, CancellationToken ct)
    {
        try
        {
            using var timer = new PeriodicTimer(HeartbeatInterval, time);
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
                await send(new SidecarMessage { Heartbeat = new Heartbeat { SentAt = Timestamp.FromDateTimeOffset(time.GetUtcNow()) } }).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or RpcException or InvalidOperationException)
        {
            // The stream ended; the session loop reconnects.
        }
    }

    /// <summary>Asks for the next certificate, with a new key, once the current one is half-way through its life.</summary>
    private async Task RotateAsync(Task issued, Func<SidecarMessage, Task> send, CancellationToken ct)
    {
        try
        {
            await issued.WaitAsync(ct).ConfigureAwait(false);
            while (!ct.IsCancellationRequested)
            {
                var changed = identity.Changed;
                if (identity.Current is not { } current)
                {
                    await changed.WaitAsync(ct).ConfigureAwait(false);
                    continue;
                }

                var wait = current.RotateAt - time.GetUtcNow();
                if (wait <= TimeSpan.Zero)
                {
                    LogRotating(logger, current.Serial, current.NotAfter);
                    await send(new SidecarMessage { CertificateRequest = new CertificateRequest { Csr = ByteString.CopyFrom(CreateRequest()) } }).ConfigureAwait(false);
                    wait = _rotationRetry;
                }

                // A new certificate (the answer, or one issued after a reconnect) moves the rotation time.
                using var timer = CancellationTokenSource.CreateLinkedTokenSource(ct);
                await Task.WhenAny(changed, Task.Delay(wait, time, timer.Token)).ConfigureAwait(false);
                await timer.CancelAsync().ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or RpcException or InvalidOperationException)
        {
            // The stream ended; the next session's Hello asks for a certificate anyway.
        }
    }

    private byte[] CreateRequest() => identity.CreateRequest(holder.Current?.Trust.TrustDomain ?? TrustBundle.DefaultTrustDomain);

    private Hello Hello()
    {
        var hello = new Hello
        {
            Service = options.Service,
            InstanceId = options.EffectiveInstanceId,
            Address = options.EffectiveAdvertiseAddress,
            InboundPort = (uint)options.InboundPort,
            SidecarBuild = typeof(ControlPlaneClient).Assembly.GetName().Version?.ToString() ?? "dev",
            AppliedHash = holder.Current?.Hash ?? "",
            AppliedRevision = holder.Current?.Revision ?? 0,
            Credentials = options.JoinToken ?? "",
            Csr = ByteString.CopyFrom(CreateRequest()),
        };
        foreach (var (key, value) in options.Labels)
            hello.Labels[key] = value;
        return hello;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Connected to the control plane at {Address}")]
    private static partial void LogConnected(ILogger logger, Uri address);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Control plane at {Address} unreachable ({Detail}); serving the last snapshot and retrying")]
    private static partial void LogUnreachable(ILogger logger, Uri address, string detail);

    [LoggerMessage(Level = LogLevel.Error, Message = "The console refused this sidecar: {Detail}; retrying")]
    private static partial void LogRefused(ILogger logger, string detail);

    [LoggerMessage(Level = LogLevel.Information, Message = "Asking for the next workload certificate (serial {Serial} expires at {NotAfter:O})")]
    private static partial void LogRotating(ILogger logger, string serial, DateTimeOffset notAfter);
}
