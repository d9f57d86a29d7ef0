using System.Text.Json;
using Grpc.Core;
using Mesh.Bench.PushFanout;

// Push fan-out benchmark driver: see bench/pushfanout.sh and bench/RESULTS.md.
var (options, error) = FanoutOptions.Parse(args, Environment.GetEnvironmentVariable);
if (options is null)
{
    Console.Error.WriteLine($"Mesh.Bench.PushFanout: {error}");
    Console.Error.WriteLine(FanoutOptions.Usage);
    return 2;
}

try
{
    return await FanoutRun.RunAsync(options).ConfigureAwait(false);
}
catch (Exception ex) when (ex is HttpRequestException or RpcException or IOException or JsonException or InvalidDataException
    or TaskCanceledException or KeyNotFoundException)
{
    // The console went away or answered something unexpected: say so, and end like any failed run.
    Console.WriteLine($"[{DateTime.UtcNow:HH:mm:ss.fff}] failed: {ex.GetType().Name}: {ex.Message}");
    Console.WriteLine("RESULT failed");
    return 1;
}
