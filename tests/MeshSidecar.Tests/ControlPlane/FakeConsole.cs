using System.Collections.Concurrent;
using System.Net;
using Grpc.Core;
using Mesh.Contracts.V1;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MeshSidecar.Tests.ControlPlane;

/// <summary>
/// The console's side of mesh.v1.ControlPlane/Connect, over real gRPC on loopback: it checks the
/// join token, signs the Hello's CSR and each CertificateRequest with a <see cref="TestCa"/>, and
/// sends one snapshot. The console's own CA is built elsewhere; this is what the sidecar relies on.
/// </summary>
internal sealed class FakeConsole : Mesh.Contracts.V1.ControlPlane.ControlPlaneBase, IAsyncDisposable
{
    private readonly TestCa _ca;
    private readonly string _joinToken;
    private readonly TimeSpan _lifetime;
    private WebApplication? _app;
    private int _certificateRequests;

    private FakeConsole(TestCa ca, string joinToken, TimeSpan lifetime)
    {
        _ca = ca;
        _joinToken = joinToken;
        _lifetime = lifetime;
    }

    public ConcurrentQueue<Hello> Hellos { get; } = new();

    public int CertificateRequests => Volatile.Read(ref _certificateRequests);

    public Uri Address { get; private set; } = null!;

    public static async Task<FakeConsole> StartAsync(TestCa ca, string joinToken, TimeSpan lifetime)
    {
        var console = new FakeConsole(ca, joinToken, lifetime);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false"] });
        builder.Configuration.Sources.Clear();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(console);
        var app = builder.Build();
        app.MapGrpcService<FakeConsole>();
        await app.StartAsync();
        console._app = app;
        console.Address = new Uri(app.Urls.Single());
        return console;
    }

    public override async Task Connect(IAsyncStreamReader<SidecarMessage> requestStream, IServerStreamWriter<ControlMessage> responseStream, ServerCallContext context)
    {
        if (!await requestStream.MoveNext(context.CancellationToken) || requestStream.Current.Hello is not { } hello)
            throw new RpcException(new Status(StatusCode.InvalidArgument, "hello: the first message must be a Hello"));
        Hellos.Enqueue(hello);
        if (hello.Credentials != _joinToken)
            throw new RpcException(new Status(StatusCode.Unauthenticated, "join token expired at 2026-01-01T00:00:00Z; ask an admin for a new one"));

        await responseStream.WriteAsync(new ControlMessage { Certificate = Sign(hello.Csr, hello.Service) }, context.CancellationToken);
        var snapshot = _ca.Trust(TestSnapshots.Valid());
        snapshot.AccessJson = """{"defaultAction":"allow"}""";
        await responseStream.WriteAsync(new ControlMessage { Snapshot = snapshot }, context.CancellationToken);
        while (await requestStream.MoveNext(context.CancellationToken))
        {
            if (requestStream.Current.CertificateRequest is not { } request)
                continue;
            Interlocked.Increment(ref _certificateRequests);
            await responseStream.WriteAsync(new ControlMessage { Certificate = Sign(request.Csr, hello.Service) }, context.CancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    // Valid from now: a short lifetime must not start in the past, or it would be over at once.
    private WorkloadCertificate Sign(Google.Protobuf.ByteString csr, string service) =>
        _ca.Sign(csr.ToByteArray(), service, _lifetime, DateTimeOffset.UtcNow.AddSeconds(-1));
}
