using System.Text.Json;
using Grpc.Core;
using Mesh.Bench.Ingest;

// OTLP ingest benchmark driver: see bench/ingest.sh and bench/RESULTS.md.
var (options, error) = IngestOptions.Parse(args, Environment.GetEnvironmentVariable);
if (options is null)
{
    Console.Error.WriteLine($"Mesh.Bench.Ingest: {error}");
    Console.Error.WriteLine(IngestOptions.Usage);
    return 2;
}

try
{
    return await IngestRun.RunAsync(options).ConfigureAwait(false);
}
catch (Exception ex) when (ex is HttpRequestException or RpcException or IOException or JsonException or TaskCanceledException)
{
    // The console went away or answered something unexpected: say so, and end like any failed run.
    Console.WriteLine($"[{DateTime.UtcNow:HH:mm:ss.fff}] failed: {ex.GetType().Name}: {ex.Message}");
    Console.WriteLine("RESULT failed");
    return 1;
}
