using System.Diagnostics;
using System.Security.Cryptography;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Mesh.Contracts.V1;
using Pkcs10Request = System.Security.Cryptography.X509Certificates.CertificateRequest;

namespace Mesh.Bench.PushFanout;

/// <summary>
/// One simulated sidecar on its own real gRPC stream: says Hello with the join token and its own
/// CSR, counts the workload certificate the console answers with, acks every snapshot it receives,
/// heartbeats every 5 s. Records when it received (and acked) the first snapshot above the
/// commit's baseline.
/// </summary>
internal sealed class SimulatedSidecar(
    int index, ByteString csr, string joinToken, CallInvoker invoker, Method<SidecarMessage, PushView> method, FanoutProgress progress) : IDisposable
{
    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(5);

    private readonly SemaphoreSlim _writes = new(1, 1);
    private long _ackedRevision = -1;
    private int _ackedEndpoints;
    private long _targetAt;
    private long _targetRevision;
    private long _targetBytes;
    private volatile bool _failed;

    public string InstanceId { get; } = InstanceIdOf(index);

    /// <summary>Endpoints listed by the last snapshot this sidecar acked.</summary>
    public int AckedEndpoints => Volatile.Read(ref _ackedEndpoints);

    public long AckedRevision => Interlocked.Read(ref _ackedRevision);

    /// <summary>Stopwatch timestamp of receipt and ack of the first snapshot above the baseline; 0 when none came.</summary>
    public long TargetAt => Interlocked.Read(ref _targetAt);

    public long TargetRevision => Interlocked.Read(ref _targetRevision);

    /// <summary>Size of that snapshot's message.</summary>
    public long TargetBytes => Interlocked.Read(ref _targetBytes);

    /// <summary>Acked at least one snapshot and its stream did not fail.</summary>
    public bool Alive => AckedRevision >= 0 && !_failed;

    public static string InstanceIdOf(int index) => $"bench-{index:D5}-{Environment.ProcessId}";

    /// <summary>A PKCS#10 request (DER) for a new P-256 key, as a sidecar makes at start; the key is not kept (the driver never uses the certificate).</summary>
    public static ByteString Csr(string instanceId)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return ByteString.CopyFrom(new Pkcs10Request($"CN={instanceId}", key, HashAlgorithmName.SHA256).CreateSigningRequest());
    }

    public void Dispose() => _writes.Dispose();

    /// <summary>The stream's whole life; <paramref name="ramp"/> is released once the first snapshot was acked.</summary>
    public async Task RunAsync(SemaphoreSlim ramp, CancellationToken ct)
    {
        var released = false;
        void Release()
        {
            if (!released)
            {
                released = true;
                ramp.Release();
            }
        }

        try
        {
            await ramp.WaitAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        using var session = CancellationTokenSource.CreateLinkedTokenSource(ct);
        Task heartbeats = Task.CompletedTask;
        try
        {
            using var call = invoker.AsyncDuplexStreamingCall(method, null, new CallOptions(cancellationToken: session.Token));
            await SendAsync(call.RequestStream, new SidecarMessage { Hello = Hello() }, session.Token).ConfigureAwait(false);
            heartbeats = HeartbeatAsync(call.RequestStream, session.Token);
            var first = true;
            while (await call.ResponseStream.MoveNext(session.Token).ConfigureAwait(false))
            {
                var view = call.ResponseStream.Current;
                if (view.IsCertificate)
                    progress.Certificate();
                if (!view.IsSnapshot)
                    continue;
                await SendAsync(call.RequestStream, new SidecarMessage { Ack = new Ack { Revision = view.Revision, Nonce = view.Nonce } }, session.Token).ConfigureAwait(false);
                var at = Stopwatch.GetTimestamp();
                Interlocked.Exchange(ref _ackedRevision, view.Revision);
                Volatile.Write(ref _ackedEndpoints, view.Endpoints);
                progress.Snapshot(view.Bytes, at);
                if (view.Revision > progress.Baseline && Interlocked.CompareExchange(ref _targetAt, at, 0) == 0)
                {
                    Interlocked.Exchange(ref _targetRevision, view.Revision);
                    Interlocked.Exchange(ref _targetBytes, view.Bytes);
                    progress.TargetReached();
                }

                if (first)
                {
                    first = false;
                    progress.FirstAck();
                    Release();
                }
            }

            if (!ct.IsCancellationRequested)
            {
                _failed = true;
                progress.Failure($"{InstanceId}: the console ended the stream");
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or RpcException { StatusCode: StatusCode.Cancelled } && ct.IsCancellationRequested)
        {
            // The driver is done.
        }
        catch (RpcException ex)
        {
            _failed = true;
            progress.Failure($"{InstanceId}: {ex.StatusCode} {ex.Status.Detail}");
        }
        finally
        {
            Release();
            await session.CancelAsync().ConfigureAwait(false);
            await heartbeats.ConfigureAwait(false);
        }
    }

    private async Task SendAsync(IClientStreamWriter<SidecarMessage> stream, SidecarMessage message, CancellationToken ct)
    {
        await _writes.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            await stream.WriteAsync(message, ct).ConfigureAwait(false);
        }
        finally
        {
            _writes.Release();
        }
    }

    private async Task HeartbeatAsync(IClientStreamWriter<SidecarMessage> stream, CancellationToken ct)
    {
        try
        {
            // Spread over the interval, so thousands of streams do not beat in lockstep.
            await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * HeartbeatInterval.TotalMilliseconds), ct).ConfigureAwait(false);
            using var timer = new PeriodicTimer(HeartbeatInterval);
            long previous = 0;
            do
            {
                await SendAsync(stream, new SidecarMessage { Heartbeat = new Heartbeat { SentAt = Timestamp.FromDateTime(DateTime.UtcNow) } }, ct).ConfigureAwait(false);
                var sent = Stopwatch.GetTimestamp();
                if (previous != 0)
                    progress.HeartbeatGap(sent - previous);
                previous = sent;
            }
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false));
        }
        catch (Exception ex) when (ex is OperationCanceledException or RpcException or InvalidOperationException)
        {
            // The stream ended.
        }
    }

    private Hello Hello()
    {
        var hello = new Hello
        {
            Service = $"svc-{index % 50}",
            InstanceId = InstanceId,
            Address = "127.0.0.1",
            InboundPort = (uint)(20000 + (index % 40000)),
            SidecarBuild = "push-fanout-bench",
            Credentials = joinToken,
            Csr = csr,
        };
        hello.Labels["version"] = "v1";
        return hello;
    }
}
