using Grpc.Core;
using Mesh.Integration.Tests.Echo;
using Mesh.Testing;
using MeshSidecar.Listeners;

namespace Mesh.Integration.Tests;

/// <summary>
/// A tiny app behind a sidecar, on its own loopback port: HTTP/1.1 and HTTP/2 endpoints and a gRPC
/// service with unary and bidirectional calls. Every answer names the instance that served it.
/// Tests script its failures (<see cref="Status"/>, <see cref="Delay"/>, <c>/flaky</c>) and read
/// what reached it (<see cref="Served"/>, <see cref="Mirrored"/>).
/// </summary>
public sealed class EchoApp : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _served;
    private int _mirrored;
    private int _inFlight;

    private EchoApp(WebApplication app, int port, string name)
    {
        _app = app;
        Port = port;
        Name = name;
    }

    public int Port { get; }

    public string Name { get; }

    /// <summary>What <c>/status</c> answers with.</summary>
    public int Status { get; set; } = 200;

    /// <summary>How long <c>/status</c> and <c>/hello</c> wait before answering.</summary>
    public TimeSpan Delay { get; set; }

    /// <summary>Requests that reached this app.</summary>
    public int Served => Volatile.Read(ref _served);

    /// <summary>Requests that reached this app as mirror copies.</summary>
    public int Mirrored => Volatile.Read(ref _mirrored);

    /// <summary>Requests this app is still working on.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    public static async Task<EchoApp> StartAsync(string name)
    {
        var port = KestrelConsole.FreePort();
        // No config file watcher: many apps in one test process would run out of inotify instances.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false"] });
        // The console's appsettings.json sits in this output folder; its endpoints are not ours.
        builder.Configuration.Sources.Clear();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            ProtocolDetection.Configure(kestrel);
            kestrel.Limits.MaxRequestBodySize = null;
            kestrel.ListenLocalhost(port, l => l.UseDetection());
        });
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(new Identity(name));
        var app = builder.Build();
        EchoApp? self = null;
        app.Use(async (context, next) =>
        {
            Interlocked.Increment(ref self!._served);
            if (context.Request.Headers.ContainsKey("X-Mesh-Mirror"))
                Interlocked.Increment(ref self._mirrored);
            Interlocked.Increment(ref self._inFlight);
            try
            {
                await next();
            }
            finally
            {
                Interlocked.Decrement(ref self._inFlight);
            }
        });
        app.MapGet("/hello", async (HttpContext context) =>
        {
            await Task.Delay(self!.Delay, context.RequestAborted);
            return $"{name} over {context.Request.Protocol}";
        });
        app.MapGet("/status", async (HttpContext context) =>
        {
            await Task.Delay(self!.Delay, context.RequestAborted);
            return Results.Text(name, statusCode: self.Status);
        });
        // Fails the given percent of calls at random with 503, whatever the method.
        app.Map("/flaky", (HttpContext context, int fail) =>
            Results.Text(name, statusCode: Random.Shared.Next(100) < fail ? 503 : 200));
        app.MapGet("/source", (HttpContext context) => context.Request.Headers["X-Mesh-Source"].ToString());
        app.MapGet("/traceparent", (HttpContext context) => context.Request.Headers.TraceParent.ToString());
        // Uploads are hashed as they stream in; downloads stream out a pattern the caller can rebuild.
        app.MapPost("/digest", async (HttpContext context) =>
        {
            using var sha = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
            var buffer = new byte[64 * 1024];
            int read;
            while ((read = await context.Request.Body.ReadAsync(buffer, context.RequestAborted)) > 0)
                sha.AppendData(buffer, 0, read);
            return Convert.ToHexStringLower(sha.GetHashAndReset());
        });
        app.MapGet("/bytes/{count:int}", async (HttpContext context, int count) =>
        {
            context.Response.ContentType = "application/octet-stream";
            var chunk = Pattern(64 * 1024);
            for (var sent = 0; sent < count; sent += chunk.Length)
                await context.Response.Body.WriteAsync(chunk.AsMemory(0, Math.Min(chunk.Length, count - sent)), context.RequestAborted);
        });
        app.MapGrpcService<EchoService>();
        await app.StartAsync();
        return self = new EchoApp(app, port, name);
    }

    /// <summary>The bytes /bytes sends: 0, 1, ..., 255, 0, 1, ... .</summary>
    public static byte[] Pattern(int count) => Enumerable.Range(0, count).Select(i => (byte)i).ToArray();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    internal sealed record Identity(string Name);

    internal sealed class EchoService(Identity identity) : Echo.Echo.EchoBase
    {
        public override Task<EchoReply> Say(EchoRequest request, ServerCallContext context) =>
            Task.FromResult(new EchoReply { Text = request.Text, ServedBy = identity.Name });

        public override async Task Chat(IAsyncStreamReader<EchoRequest> requestStream, IServerStreamWriter<EchoReply> responseStream, ServerCallContext context)
        {
            await foreach (var request in requestStream.ReadAllAsync(context.CancellationToken))
                await responseStream.WriteAsync(new EchoReply { Text = request.Text.ToUpperInvariant(), ServedBy = identity.Name });
        }
    }
}
