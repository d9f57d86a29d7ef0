using System.Text.Json;
using Mesh.Store;
using Mesh.Store.Entities;
using MeshConsole.Telemetry.Aggregation;
using Microsoft.Extensions.Options;

namespace MeshConsole.Telemetry;

/// <summary>
/// Once a minute, writes the minute before last (late exports have had a minute to arrive) as this
/// replica's rollups (the calls it received itself, <see cref="ReplicaCalls"/>), and drops rollups past the retention, so the topology can be replayed.
/// </summary>
internal sealed partial class RollupWriter(
    ReplicaCalls own, IServiceScopeFactory scopes, TimeProvider time, IOptions<TopologyOptions> options, ILogger<RollupWriter> logger)
    : BackgroundService
{
    /// <summary>This console process, as its rollup rows name it.</summary>
    public static readonly string Replica = Truncate($"{Environment.MachineName.ToLowerInvariant()}-{Environment.ProcessId}-{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}", 100);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Minutes that began before this process did are partial here: they are not written.
        var next = MinuteOf(time.GetUtcNow()).AddMinutes(1);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var due = next.AddMinutes(2) - time.GetUtcNow();
                if (due > TimeSpan.Zero)
                    await Task.Delay(due, time, stoppingToken).ConfigureAwait(false);
                await WriteAsync(next, stoppingToken).ConfigureAwait(false);
                next = next.AddMinutes(1);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Writes one minute's rollups and applies the retention.</summary>
    public async Task WriteAsync(DateTimeOffset minute, CancellationToken ct)
    {
        var rows = own.Aggregator.Minute(minute).Select(edge => new TopologyRollup
        {
            Minute = minute.ToUnixTimeSeconds(),
            Replica = Replica,
            Source = edge.Key.Source,
            Destination = edge.Key.Destination,
            Protocol = edge.Key.Protocol,
            Requests = edge.Requests,
            Errors = edge.Errors,
            Denied = edge.Denied,
            Latencies = JsonSerializer.Serialize(edge.Latencies.Select(l => new[] { (long)Math.Round(l.Duration.TotalMicroseconds), l.Count })),
        }).ToList();
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var rollups = scope.ServiceProvider.GetRequiredService<RollupStore>();
            if (rows.Count > 0)
                await rollups.WriteAsync(minute.ToUnixTimeSeconds(), Replica, rows, ct).ConfigureAwait(false);
            await rollups.DeleteBeforeAsync((minute - options.Value.RollupRetention).ToUnixTimeSeconds(), ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The live topology goes on; this minute is missing from replays.
            LogWriteFailed(logger, minute, ex);
        }
    }

    /// <summary>Stored rollup rows as the minutes a replay merges.</summary>
    public static IEnumerable<EdgeMinute> Read(IEnumerable<TopologyRollup> rows) => rows.Select(r => new EdgeMinute(
        new EdgeKey(r.Source, r.Destination, r.Protocol),
        DateTimeOffset.FromUnixTimeSeconds(r.Minute),
        r.Requests,
        r.Errors,
        r.Denied,
        [.. JsonSerializer.Deserialize<long[][]>(r.Latencies)!.Select(pair => new LatencySample(TimeSpan.FromMicroseconds(pair[0]), pair[1]))]));

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length];

    public static DateTimeOffset MinuteOf(DateTimeOffset at) => new(at.UtcTicks - (at.UtcTicks % TimeSpan.TicksPerMinute), TimeSpan.Zero);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not store the topology rollups of {Minute}")]
    private static partial void LogWriteFailed(ILogger logger, DateTimeOffset minute, Exception exception);
}
