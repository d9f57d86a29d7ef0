using System.Security.Cryptography;
using System.Threading.Channels;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Mesh.Contracts.V1;
using Mesh.Testing;

namespace MeshConsole.Tests.ControlPlane;

/// <summary>
/// A sidecar's side of the control-plane stream over real gRPC, driven by the test: it says what the
/// test tells it to and records what the console sends.
/// </summary>
public sealed class FakeSidecar : IAsyncDisposable
{
    private readonly GrpcChannel _channel;
    private readonly AsyncDuplexStreamingCall<SidecarMessage, ControlMessage> _call;
    private readonly Channel<ControlMessage> _received = Channel.CreateUnbounded<ControlMessage>();
    private readonly Task _reading;

    private FakeSidecar(GrpcChannel channel)
    {
        _channel = channel;
        _call = new Mesh.Contracts.V1.ControlPlane.ControlPlaneClient(channel).Connect();
        _reading = ReadAsync();
    }

    /// <summary>How the stream ended, once it has.</summary>
    public RpcException? Failure { get; private set; }

    /// <summary>A stream to the console's control plane, trusting its CAs as a sidecar given the CA file does.</summary>
    public static FakeSidecar Open(KestrelConsole console) =>
        new(GrpcChannel.ForAddress(console.ControlPlaneAddress, new GrpcChannelOptions { HttpHandler = console.CreateMeshHandler(), DisposeHttpClient = true }));

    /// <summary>A valid Hello: the test console's join token and a CSR for a fresh P-256 key.</summary>
    public static Hello Hello(string service, string instance, int port = 15006, string version = "v1") => new()
    {
        Service = service,
        InstanceId = instance,
        Address = "127.0.0.1",
        InboundPort = (uint)port,
        SidecarBuild = "test",
        Labels = { ["version"] = version },
        Credentials = KestrelConsole.JoinToken,
        Csr = ByteString.CopyFrom(Csr()),
    };

    /// <summary>A PKCS#10 request (DER) for a new P-256 key, or for <paramref name="key"/>, asking for <paramref name="subject"/>.</summary>
    public static byte[] Csr(ECDsa? key = null, string subject = "CN=whatever-the-sidecar-asks")
    {
        using var fresh = key is null ? ECDsa.Create(ECCurve.NamedCurves.nistP256) : null;
        return new System.Security.Cryptography.X509Certificates.CertificateRequest(subject, key ?? fresh!, HashAlgorithmName.SHA256).CreateSigningRequest();
    }

    /// <summary>Asks for a new certificate on the open stream.</summary>
    public Task RequestCertificateAsync(byte[] csr) =>
        SendAsync(new SidecarMessage { CertificateRequest = new Mesh.Contracts.V1.CertificateRequest { Csr = ByteString.CopyFrom(csr) } });

    public Task SendAsync(SidecarMessage message) => _call.RequestStream.WriteAsync(message);

    public Task SayHelloAsync(Hello hello) => SendAsync(new SidecarMessage { Hello = hello });

    public Task AckAsync(Snapshot snapshot) =>
        SendAsync(new SidecarMessage { Ack = new Ack { Revision = snapshot.Revision, Nonce = snapshot.Nonce } });

    public Task NackAsync(Snapshot snapshot, string error) =>
        SendAsync(new SidecarMessage { Nack = new Nack { Revision = snapshot.Revision, Nonce = snapshot.Nonce, Error = error } });

    /// <summary>The next snapshot that satisfies <paramref name="until"/>, skipping pings and earlier ones; bounded by a timeout.</summary>
    public async Task<Snapshot> NextSnapshotAsync(Func<Snapshot, bool>? until = null, int timeoutSeconds = 10)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(timeoutSeconds));
        while (true)
        {
            var message = await _received.Reader.ReadAsync(timeout.Token);
            if (message.KindCase == ControlMessage.KindOneofCase.Snapshot && (until?.Invoke(message.Snapshot) ?? true))
                return message.Snapshot;
        }
    }

    /// <summary>The next workload certificate, skipping pings and snapshots; bounded by a timeout.</summary>
    public async Task<WorkloadCertificate> NextCertificateAsync(int timeoutSeconds = 10)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(timeoutSeconds));
        while (true)
        {
            var message = await _received.Reader.ReadAsync(timeout.Token);
            if (message.KindCase == ControlMessage.KindOneofCase.Certificate)
                return message.Certificate;
        }
    }

    /// <summary>The first message the console sent after the Hello, other than a ping.</summary>
    public async Task<ControlMessage> FirstMessageAsync(int timeoutSeconds = 10)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(timeoutSeconds));
        while (true)
        {
            var message = await _received.Reader.ReadAsync(timeout.Token);
            if (message.KindCase != ControlMessage.KindOneofCase.Ping)
                return message;
        }
    }

    /// <summary>
    /// The first snapshot that lists <paramref name="instanceId"/> as an endpoint of its service: the
    /// one sent on connect may predate the instance's registration, and only an answer to the latest
    /// snapshot decides the sync state.
    /// </summary>
    public Task<Snapshot> NextSnapshotListingAsync(string instanceId) =>
        NextSnapshotAsync(s => s.Services.Any(x => x.Endpoints.Any(e => e.InstanceId == instanceId)));

    /// <summary>Waits until the console ends the stream and gives its status.</summary>
    public async Task<RpcException> EndedAsync()
    {
        await _reading.WaitAsync(TimeSpan.FromSeconds(10));
        return Failure ?? throw new InvalidOperationException("the stream ended without an error status");
    }

    public async Task CloseAsync()
    {
        await _call.RequestStream.CompleteAsync();
        await _reading.WaitAsync(TimeSpan.FromSeconds(10));
    }

    public async ValueTask DisposeAsync()
    {
        _call.Dispose();
        await _reading.WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { }, TaskScheduler.Default);
        _channel.Dispose();
    }

    private async Task ReadAsync()
    {
        try
        {
            await foreach (var message in _call.ResponseStream.ReadAllAsync())
                await _received.Writer.WriteAsync(message);
        }
        catch (RpcException ex)
        {
            Failure = ex;
        }
        finally
        {
            _received.Writer.TryComplete();
        }
    }
}
