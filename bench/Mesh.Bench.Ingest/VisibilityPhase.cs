using System.Diagnostics;
using Grpc.Core;
using Mesh.Contracts.Otlp.Collector.Trace.V1;

namespace Mesh.Bench.Ingest;

/// <summary>Where a probe looks for its edge.</summary>
internal enum ProbeTarget
{
    /// <summary><c>GET /api/topology?window=1m</c>: the aggregated graph, what the topology page shows.</summary>
    Topology,

    /// <summary>
    /// <c>GET /api/topology/spans?source=&amp;destination=</c>: the edge's recent spans, filled by the same
    /// ingest step just before the aggregator records the call, and cheap to read.
    /// </summary>
    RecentSpans,
}

/// <summary>
/// One probe: how long its export took to answer, and when its edge first showed: the start and the
/// end of the first read that listed it (null when none did in time).
/// </summary>
internal sealed record ProbeResult(double ExportMs, double? ShownByMs, double? ReadStartMs, int Reads);

/// <summary>
/// Export-to-visibility: one span on an edge never seen before is exported, and the console is read
/// every <see cref="IngestOptions.Poll"/> (from the start of one read to the next; at once when a read
/// takes longer) until the edge is in it. The delay runs from just before the export is sent to the end
/// of the first read that lists the edge: it includes the export's answer, the console's queue and
/// aggregator, and up to one poll interval plus one read. The start of that read is reported too.
/// </summary>
internal static class VisibilityPhase
{
    public const string ProbeService = "bench-probe";

    public static async Task<(List<ProbeResult> Probes, List<double> ReadMs)> RunAsync(
        TraceService.TraceServiceClient client, TopologyApi api, IngestOptions options, ProbeTarget target, CancellationToken ct)
    {
        var random = new Random(7);
        var run = $"{DateTime.UtcNow:HHmmss}-{(target == ProbeTarget.Topology ? "t" : "s")}";
        var probes = new List<ProbeResult>();
        var reads = new List<double>();
        for (var i = 0; i < options.Probes; i++)
        {
            var peer = $"bench-probe-{run}-{i:D3}";
            var request = ExportFactory.Single(random, ProbeService, peer);
            var sent = Stopwatch.GetTimestamp();
            await ExportAsync(client, request, ct).ConfigureAwait(false);
            var exportMs = Stopwatch.GetElapsedTime(sent).TotalMilliseconds;

            double? shownBy = null, readStart = null;
            var count = 0;
            while (Stopwatch.GetElapsedTime(sent) < options.ProbeTimeout)
            {
                var read = Stopwatch.GetTimestamp();
                var shown = target == ProbeTarget.Topology
                    ? (await api.EdgesAsync("1m", ct).ConfigureAwait(false)).Any(e => e.Source == ProbeService && e.Destination == peer)
                    : await api.HasRecentSpansAsync(ProbeService, peer, ct).ConfigureAwait(false);
                var readTime = Stopwatch.GetElapsedTime(read);
                reads.Add(readTime.TotalMilliseconds);
                count++;
                if (shown)
                {
                    shownBy = Stopwatch.GetElapsedTime(sent).TotalMilliseconds;
                    readStart = Stopwatch.GetElapsedTime(sent, read).TotalMilliseconds;
                    break;
                }

                if (options.Poll > readTime)
                    await Task.Delay(options.Poll - readTime, ct).ConfigureAwait(false);
            }

            probes.Add(new ProbeResult(exportMs, shownBy, readStart, count));
            // A pause between probes, so that each starts against an idle console.
            await Task.Delay(TimeSpan.FromMilliseconds(50), ct).ConfigureAwait(false);
        }

        reads.Sort();
        return (probes, reads);
    }

    /// <summary>Sends one export; refused while the queue is full, it is sent again (the delay keeps running).</summary>
    private static async Task ExportAsync(TraceService.TraceServiceClient client, ExportTraceServiceRequest request, CancellationToken ct)
    {
        while (true)
        {
            try
            {
                await client.ExportAsync(request, deadline: DateTime.UtcNow.AddSeconds(30), cancellationToken: ct).ResponseAsync.ConfigureAwait(false);
                return;
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.ResourceExhausted)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(10), ct).ConfigureAwait(false);
            }
        }
    }
}
