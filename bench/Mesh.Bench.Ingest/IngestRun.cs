using System.Diagnostics;
using System.Globalization;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Mesh.Contracts.Otlp.Collector.Trace.V1;

namespace Mesh.Bench.Ingest;

/// <summary>
/// One measurement against a running console: (0) the senders' own ceiling, building and encoding
/// exports without sending them; (1) throughput, the senders exporting over gRPC for the set time, with
/// the console's memory sampled every second; the wait until the topology counts every accepted span;
/// (2) export-to-visibility latency of single spans on fresh edges, read from the topology and then
/// from the edges' recent spans. Every wait is bounded.
/// </summary>
internal static class IngestRun
{
    private static readonly TimeSpan _drainTimeout = TimeSpan.FromSeconds(60);

    public static async Task<int> RunAsync(IngestOptions options)
    {
        var factory = new ExportFactory(options.Services, options.Peers);
        Say($"OTLP ingest: {options.Senders} sender(s), {options.Spans} client spans per export from {options.Services} services " +
            $"to {options.Peers} peers ({factory.Edges} edges), to {options.Otlp} for {options.Duration.TotalSeconds:F0} s " +
            $"(at most {options.MaxExports} exports); back-off after a refusal {options.Backoff.TotalMilliseconds:F0} ms; " +
            $"each export carries {(options.OtlpToken.StartsWith("mjt_", StringComparison.Ordinal) ? "a join token" : "an API token")} as its bearer");

        using var api = new TopologyApi(options.Api, options.ApiToken);
        using var channel = GrpcChannel.ForAddress(options.Otlp, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(10), PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan },
            DisposeHttpClient = true,
        });
        // Every export carries the bearer, as an OTLP exporter configured with an Authorization header does.
        var client = new TraceService.TraceServiceClient(channel.Intercept(metadata =>
        {
            metadata.Add("authorization", $"Bearer {options.OtlpToken}");
            return metadata;
        }));
        await using var memory = options.ConsolePid is { } pid ? new MemorySampler(pid) : null;
        using var stop = new CancellationTokenSource();

        // A first export checks the port (and opens the connection) before anything is measured.
        var check = Stopwatch.GetTimestamp();
        await client.ExportAsync(ExportFactory.Single(new Random(1), VisibilityPhase.ProbeService, "bench-check"),
            deadline: DateTime.UtcNow.AddSeconds(30)).ResponseAsync.ConfigureAwait(false);
        Say($"check: a one-span export answered in {Stopwatch.GetElapsedTime(check).TotalMilliseconds:F1} ms; " +
            $"console VmRSS {ProcStats.Mib(memory?.LastKib)} MiB at rest");

        // 0. The senders' ceiling.
        double encodedPerSecond = double.NaN, bytesPerExport = double.NaN;
        if (options.EncodeOnly > TimeSpan.Zero)
        {
            var driverBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var (encoded, encodeTime) = await LoadPhase.EncodeOnlyAsync(options, factory).ConfigureAwait(false);
            var driverCpu = Process.GetCurrentProcess().TotalProcessorTime - driverBefore;
            encodedPerSecond = encoded.SpansAccepted / encodeTime.TotalSeconds;
            bytesPerExport = (double)encoded.Bytes / encoded.ExportsAccepted;
            Say($"encode only (no sending): {encoded.ExportsAccepted} exports built and encoded in {encodeTime.TotalSeconds:F1} s: " +
                $"{Count(encodedPerSecond)} spans/s, {encoded.ExportsAccepted / encodeTime.TotalSeconds:F0} exports/s; " +
                $"{bytesPerExport / 1024:F1} KiB per export ({bytesPerExport / options.Spans:F0} B per span); driver CPU {driverCpu.TotalSeconds:F1} s");
        }

        // 1. Throughput.
        var rest = ConsoleKib(options, "VmRSS");
        memory?.ResetPeak();
        var cpuBefore = ConsoleCpu(options);
        var ownBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var metricsBefore = await api.MetricsAsync(stop.Token).ConfigureAwait(false);
        var tally = new SendTally();
        using var timelineStop = new CancellationTokenSource();
        var timeline = TimelineAsync(options, tally, memory, timelineStop.Token);
        var (latencies, elapsed) = await LoadPhase.SendAsync(client, options, factory, tally).ConfigureAwait(false);
        await timelineStop.CancelAsync().ConfigureAwait(false);
        await timeline.ConfigureAwait(false);
        var cpuAfter = ConsoleCpu(options);
        var ownCpu = Process.GetCurrentProcess().TotalProcessorTime - ownBefore;
        var metricsAfter = await api.MetricsAsync(stop.Token).ConfigureAwait(false);
        var endKib = ConsoleKib(options, "VmRSS");
        var peakKib = memory?.PeakKib;
        var hwmKib = ConsoleKib(options, "VmHWM");
        var perSecond = tally.SpansAccepted / elapsed.TotalSeconds;
        var consoleCpu = cpuAfter - cpuBefore;

        Say($"load: {tally.ExportsAccepted} exports accepted over {elapsed.TotalSeconds:F1} s (to the last answer): " +
            $"{tally.SpansAccepted} spans, {Count(perSecond)} spans/s accepted" +
            (double.IsNaN(bytesPerExport) ? "" : $" (about {tally.ExportsAccepted * bytesPerExport / elapsed.TotalSeconds / 1048576:F1} MiB/s of protobuf)"));
        Say($"pushback: {tally.Refusals} attempts refused with RESOURCE_EXHAUSTED ({tally.Abandoned} exports still refused when the time was up, " +
            $"not sent again); {tally.SpansRejected} spans rejected in partial success{(tally.FirstRejection is { } r ? $" (first: {r})" : "")}; " +
            $"{tally.Errors} errors{(tally.FirstError is { } e ? $" (first: {e})" : "")}");
        Say($"export round trip (accepted exports): p50 {Percentile(latencies, 0.50):F1} ms, p99 {Percentile(latencies, 0.99):F1} ms, " +
            $"max {(latencies.Count > 0 ? latencies[^1] : double.NaN):F1} ms");
        Say($"CPU over the load: console {Seconds(consoleCpu)} s ({Cores(consoleCpu, elapsed)} cores), driver {ownCpu.TotalSeconds:F1} s " +
            $"({ownCpu.TotalSeconds / elapsed.TotalSeconds:F2} cores); {Environment.ProcessorCount} cores in all");
        if (metricsBefore.Count > 0 && metricsAfter.Count > 0)
        {
            double Delta(string name) => metricsAfter.GetValueOrDefault(name) - metricsBefore.GetValueOrDefault(name);
            Say($"console GC over the load (/metrics): {Delta("dotnet_gc_heap_total_allocated_bytes_total") / 1048576:F0} MiB allocated " +
                $"({Delta("dotnet_gc_heap_total_allocated_bytes_total") / Math.Max(1, tally.SpansAccepted):F0} B per accepted span), " +
                $"{Delta("dotnet_gc_collections_total"):F0} collections, {Delta("dotnet_gc_pause_time_seconds_total") * 1000:F0} ms paused");
        }

        Say($"console memory: VmRSS {ProcStats.Mib(rest)} MiB before the load, peak sampled {ProcStats.Mib(peakKib)} MiB " +
            $"({memory?.Samples ?? 0} samples in all), {ProcStats.Mib(endKib)} MiB at the end; VmHWM {ProcStats.Mib(hwmKib)} MiB");

        // Until the topology counts every accepted span: what the queue still held when the load stopped.
        var (counted, edges, drained) = await DrainAsync(api, tally.SpansAccepted, stop.Token).ConfigureAwait(false);
        Say(drained is { } d
            ? $"drained: the topology (5m window) counts all {counted} accepted spans on {edges} edges {d.TotalMilliseconds:F0} ms after the last answer"
            : $"not drained: after {_drainTimeout.TotalSeconds:F0} s the topology counts {counted} of {tally.SpansAccepted} accepted spans on {edges} edges");

        // 2. Export-to-visibility: as the topology shows it, then as the edge's recent spans do.
        var topology = await ProbeAsync(client, api, options, ProbeTarget.Topology, stop.Token).ConfigureAwait(false);
        var recent = await ProbeAsync(client, api, options, ProbeTarget.RecentSpans, stop.Token).ConfigureAwait(false);

        var finalKib = ConsoleKib(options, "VmRSS");
        hwmKib = ConsoleKib(options, "VmHWM");
        Say($"console memory at the end: VmRSS {ProcStats.Mib(finalKib)} MiB, VmHWM {ProcStats.Mib(hwmKib)} MiB, " +
            $"peak sampled {ProcStats.Mib(memory?.PeakKib)} MiB");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT spans_per_s={perSecond:F0} spans_accepted={tally.SpansAccepted} exports_accepted={tally.ExportsAccepted} " +
            $"refusals={tally.Refusals} errors={tally.Errors} rejected_spans={tally.SpansRejected} seconds={elapsed.TotalSeconds:F1} " +
            $"export_p50_ms={Percentile(latencies, 0.50):F1} export_p99_ms={Percentile(latencies, 0.99):F1} " +
            $"console_cpu_s={Seconds(consoleCpu)} rss_rest_mib={ProcStats.Mib(rest)} rss_peak_mib={ProcStats.Mib(memory?.PeakKib)} " +
            $"rss_end_load_mib={ProcStats.Mib(endKib)} rss_end_mib={ProcStats.Mib(finalKib)} hwm_mib={ProcStats.Mib(hwmKib)} " +
            $"drain_ms={(drained is { } dd ? dd.TotalMilliseconds : double.NaN):F0} " +
            $"visible={topology.Seen}/{options.Probes} visible_p50_ms={topology.P50:F1} visible_p99_ms={topology.P99:F1} visible_max_ms={topology.Max:F1} " +
            $"recent_spans_visible={recent.Seen}/{options.Probes} recent_spans_p50_ms={recent.P50:F1} recent_spans_p99_ms={recent.P99:F1} " +
            $"recent_spans_max_ms={recent.Max:F1} encode_only_spans_per_s={encodedPerSecond:F0}"));
        return tally.Errors == 0 && topology.Seen == options.Probes && recent.Seen == options.Probes ? 0 : 1;
    }

    /// <summary>Runs one series of probes and prints what it found; the delays to the end of the read that showed each edge.</summary>
    private static async Task<(int Seen, double P50, double P99, double Max)> ProbeAsync(
        TraceService.TraceServiceClient client, TopologyApi api, IngestOptions options, ProbeTarget target, CancellationToken ct)
    {
        var (probes, reads) = await VisibilityPhase.RunAsync(client, api, options, target, ct).ConfigureAwait(false);
        var shown = probes.Where(p => p.ShownByMs is not null).Select(p => p.ShownByMs!.Value).Order().ToList();
        var starts = probes.Where(p => p.ReadStartMs is not null).Select(p => p.ReadStartMs!.Value).Order().ToList();
        var exports = probes.Select(p => p.ExportMs).Order().ToList();
        var what = target == ProbeTarget.Topology ? "GET /api/topology?window=1m" : "GET /api/topology/spans";
        var max = shown.Count > 0 ? shown[^1] : double.NaN;
        Say($"visibility through {what}: {shown.Count} of {probes.Count} probe edges shown within {options.ProbeTimeout.TotalSeconds:F0} s; " +
            $"from sending the export to the end of the first read listing the edge: p50 {Percentile(shown, 0.50):F1} ms, " +
            $"p99 {Percentile(shown, 0.99):F1} ms, max {max:F1} ms (min {(shown.Count > 0 ? shown[0] : double.NaN):F1} ms); " +
            $"to the start of that read: p50 {Percentile(starts, 0.50):F1} ms, p99 {Percentile(starts, 0.99):F1} ms, " +
            $"max {(starts.Count > 0 ? starts[^1] : double.NaN):F1} ms");
        Say($"  the probe export's own answer: p50 {Percentile(exports, 0.50):F1} ms, max {(exports.Count > 0 ? exports[^1] : double.NaN):F1} ms; " +
            $"{reads.Count} reads, each p50 {Percentile(reads, 0.50):F1} ms, p99 {Percentile(reads, 0.99):F1} ms; " +
            $"reads per probe: {string.Join(", ", probes.GroupBy(p => p.Reads).OrderBy(g => g.Key).Select(g => $"{g.Key} x{g.Count()}"))}");
        return (shown.Count, Percentile(shown, 0.50), Percentile(shown, 0.99), max);
    }

    /// <summary>Prints, every 10 s of the load, what the last 10 s accepted and refused, and the console's memory.</summary>
    private static async Task TimelineAsync(IngestOptions options, SendTally tally, MemorySampler? memory, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var (spans, refusals, errors, cpu) = (0L, 0L, 0L, ConsoleCpu(options));
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(10));
        try
        {
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
            {
                var (s, r, e, c) = (tally.SpansAccepted, tally.Refusals, tally.Errors, ConsoleCpu(options));
                Say($"  t={clock.Elapsed.TotalSeconds:F0} s: {Count((s - spans) / 10.0)} spans/s accepted, {r - refusals} refusals, {e - errors} errors " +
                    $"in the last 10 s; console {Cores(c - cpu, TimeSpan.FromSeconds(10))} cores, VmRSS {ProcStats.Mib(memory?.LastKib)} MiB");
                (spans, refusals, errors, cpu) = (s, r, e, c);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static async Task<(double Counted, int Edges, TimeSpan? Drained)> DrainAsync(TopologyApi api, long accepted, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var (counted, edges) = (0.0, 0);
        while (clock.Elapsed < _drainTimeout)
        {
            var bench = (await api.EdgesAsync("5m", ct).ConfigureAwait(false))
                .Where(e => e.Source.StartsWith(ExportFactory.ServicePrefix, StringComparison.Ordinal))
                .ToList();
            (counted, edges) = (bench.Sum(e => e.Requests), bench.Count);
            if (counted >= accepted)
                return (counted, edges, clock.Elapsed);
            await Task.Delay(TimeSpan.FromMilliseconds(100), ct).ConfigureAwait(false);
        }

        return (counted, edges, null);
    }

    private static long? ConsoleKib(IngestOptions options, string field) =>
        options.ConsolePid is { } pid ? ProcStats.StatusKib(pid, field) : null;

    private static TimeSpan? ConsoleCpu(IngestOptions options) =>
        options.ConsolePid is { } pid ? ProcStats.CpuTime(pid) : null;

    private static double Percentile(List<double> sorted, double q) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static string Count(double value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Seconds(TimeSpan? time) => time is { } t ? t.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture) : "?";

    private static string Cores(TimeSpan? time, TimeSpan over) =>
        time is { } t ? (t.TotalSeconds / over.TotalSeconds).ToString("F2", CultureInfo.InvariantCulture) : "?";

    private static void Say(string line) =>
        Console.WriteLine($"[{DateTime.UtcNow:HH:mm:ss.fff}] {line}");
}
