using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using MeshSidecar.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Exporter;

namespace MeshSidecar.Tests.Admin;

public sealed class OtlpExportTests : IDisposable
{
    private readonly DirectoryInfo _state = Directory.CreateTempSubdirectory("mesh-sidecar-otlp-");
    private readonly ConcurrentQueue<(string? ContentType, byte[] Body)> _received = new();
    private readonly ConcurrentQueue<string> _authorizations = new();

    public void Dispose() => _state.Delete(recursive: true);

    [Fact]
    public async Task Start_OtlpHttpProtobufEndpoint_PushesSnapshotRevisionGauge()
    {
        // Arrange: a collector that takes OTLP/HTTP metric exports, and a sidecar told to push there.
        var collector = await StartCollectorAsync();
        try
        {
            var options = new SidecarOptions
            {
                Service = "orders",
                AppPort = FreePort(),
                // Nothing listens there: the sidecar keeps retrying, and its metrics flow regardless.
                ControlPlane = new Uri($"http://127.0.0.1:{FreePort()}"),
                OutboundPort = FreePort(),
                InboundPort = FreePort(),
                AdminPort = FreePort(),
                StateDirectory = _state.FullName,
                Otlp = new OtlpExport(
                    new Uri($"{collector.Urls.Single()}/v1/metrics"), OtlpExportProtocol.HttpProtobuf, TimeSpan.FromMilliseconds(200)),
            };
            var sidecar = SidecarHost.Create(options, logging => logging.ClearProviders());
            await using (sidecar)
            {
                // Act
                await sidecar.StartAsync();
                var body = await WaitForBodyAsync("mesh.sidecar.snapshot.revision"u8.ToArray());

                // Assert
                Assert.Equal("application/x-protobuf", body.ContentType);
            }
        }
        finally
        {
            await collector.StopAsync();
            await collector.DisposeAsync();
        }
    }

    [Theory]
    [InlineData("mjt_0123456789abcdefghijklmnopqrstuvwxyzABCDEFG", "Bearer mjt_0123456789abcdefghijklmnopqrstuvwxyzABCDEFG")]
    [InlineData(null, "")]
    public async Task Start_JoinToken_SentAsBearerOnExports(string? joinToken, string expected)
    {
        var collector = await StartCollectorAsync();
        try
        {
            var options = new SidecarOptions
            {
                Service = "orders",
                AppPort = FreePort(),
                ControlPlane = new Uri($"http://127.0.0.1:{FreePort()}"),
                OutboundPort = FreePort(),
                InboundPort = FreePort(),
                AdminPort = FreePort(),
                StateDirectory = _state.FullName,
                JoinToken = joinToken,
                Otlp = new OtlpExport(
                    new Uri($"{collector.Urls.Single()}/v1/metrics"), OtlpExportProtocol.HttpProtobuf, TimeSpan.FromMilliseconds(200)),
            };
            var sidecar = SidecarHost.Create(options, logging => logging.ClearProviders());
            await using (sidecar)
            {
                await sidecar.StartAsync();
                await WaitForBodyAsync("mesh.sidecar.snapshot.revision"u8.ToArray());

                Assert.NotEmpty(_authorizations);
                Assert.All(_authorizations, authorization => Assert.Equal(expected, authorization));
            }
        }
        finally
        {
            await collector.StopAsync();
            await collector.DisposeAsync();
        }
    }

    private async Task<WebApplication> StartCollectorAsync()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false"] });
        // The test output holds an appsettings.json; this collector is configured here alone.
        builder.Configuration.Sources.Clear();
        builder.Logging.ClearProviders();
        // Port 0: the system picks a free port; Kestrel reports it in the app's Urls once started.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.MapPost("/v1/metrics", async (HttpRequest request, CancellationToken ct) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body, ct);
            // The header first: a test that has seen the body may count on its header.
            _authorizations.Enqueue(request.Headers.Authorization.ToString());
            _received.Enqueue((request.ContentType, body.ToArray()));
            // An empty ExportMetricsServiceResponse: full success.
            return Results.Bytes([], "application/x-protobuf");
        });
        await app.StartAsync();
        return app;
    }

    /// <summary>Polls for an export whose protobuf body holds <paramref name="text"/>; bounded to 15 s.</summary>
    private async Task<(string? ContentType, byte[] Body)> WaitForBodyAsync(byte[] text)
    {
        for (var attempt = 0; attempt < 150; attempt++)
        {
            foreach (var export in _received)
            {
                if (export.Body.AsSpan().IndexOf(text) >= 0)
                    return export;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"no OTLP export named the metric in 15 s; {_received.Count} exports arrived");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
