using System.Diagnostics;
using System.Globalization;
using Grpc.Net.Client;

namespace Mesh.Bench.PushFanout;

/// <summary>
/// One measurement: N streams connect and settle, one revision is committed through the REST API,
/// and each stream's delay from the commit's HTTP response to its receipt (and ack) of the snapshot
/// carrying that revision is recorded. Every wait is bounded; the driver always ends by itself.
/// </summary>
internal static class FanoutRun
{
    private static readonly TimeSpan _poll = TimeSpan.FromMilliseconds(50);

    public static async Task<int> RunAsync(FanoutOptions options)
    {
        var n = options.Sidecars;
        Say($"push fan-out: {n} simulated sidecars over {options.Channels} GrpcChannel(s) to {options.ControlPlane}, " +
            $"{(options.Ramp is > 0 and var limit && limit < n ? $"at most {limit} waiting for a first snapshot at once" : "all opened at once")}, " +
            $"snapshots {(options.FullParse ? "parsed whole" : "decoded partially (revision, nonce, hash, endpoint count)")}");

        using var api = new MeshApi(options.Api, options.ApiToken);
        using var stop = new CancellationTokenSource();
        var created = await api.EnsureServiceAsync(stop.Token).ConfigureAwait(false);
        Say(created is { } r ? $"created service \"{MeshApi.Service}\" (revision {r})" : $"service \"{MeshApi.Service}\" exists");

        var channels = Enumerable.Range(0, options.Channels).Select(_ => GrpcChannel.ForAddress(options.ControlPlane, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler
            {
                EnableMultipleHttp2Connections = true,
                PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
                ConnectTimeout = TimeSpan.FromSeconds(10),
                SslOptions = ControlPlaneTrust.ClientOptions(options.ControlPlaneCa),
            },
            MaxReceiveMessageSize = null,
            DisposeHttpClient = true,
        })).ToList();
        var method = PushDecoder.ConnectMethod(options.FullParse);
        var progress = new FanoutProgress();
        var invokers = channels.Select(c => c.CreateCallInvoker()).ToList();
        // Each simulated sidecar makes its own key pair and CSR, as a real one does; before the clock starts,
        // so the figures hold only what the console spends (it verifies each CSR and signs a certificate).
        var making = Stopwatch.StartNew();
        var csrs = Enumerable.Range(0, n).Select(i => SimulatedSidecar.Csr(SimulatedSidecar.InstanceIdOf(i))).ToList();
        Say($"made {n} ECDSA P-256 key pairs and their CSRs in {making.Elapsed.TotalSeconds:F2} s (one per sidecar; not in any figure below)");
        var sidecars = Enumerable.Range(0, n)
            .Select(i => new SimulatedSidecar(i, csrs[i], options.JoinToken, invokers[i % invokers.Count], method, progress)).ToList();
        var inFlight = options.Ramp is > 0 and var r2 && r2 < n ? r2 : n;
        using var ramp = new SemaphoreSlim(inFlight, inFlight);

        var clock = Stopwatch.StartNew();
        var usage = new CpuMeter(options.ConsolePid);
        var running = sidecars.Select(s => Task.Run(() => s.RunAsync(ramp, stop.Token))).ToList();
        try
        {
            return await MeasureAsync(options, api, sidecars, progress, clock, usage, stop.Token).ConfigureAwait(false);
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            var all = Task.WhenAll(running);
            var closed = await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(15))).ConfigureAwait(false) == all;
            Say(closed ? "all streams closed" : "some streams did not close within 15 s; exiting anyway");
            foreach (var channel in channels)
                channel.Dispose();
            if (closed)
            {
                foreach (var sidecar in sidecars)
                    sidecar.Dispose();
            }
        }
    }

    private static async Task<int> MeasureAsync(
        FanoutOptions options, MeshApi api, List<SimulatedSidecar> sidecars, FanoutProgress progress, Stopwatch clock, CpuMeter usage, CancellationToken ct)
    {
        var n = sidecars.Count;
        var connectDeadline = clock.Elapsed + options.ConnectTimeout;

        // 1. Every stream acked its first snapshot (or failed).
        while (progress.FirstAcked + progress.Failed < n && clock.Elapsed < connectDeadline)
            await Task.Delay(_poll, ct).ConfigureAwait(false);
        var allFirst = clock.Elapsed;
        Say($"first snapshot acked by {progress.FirstAcked} of {n} after {allFirst.TotalSeconds:F1} s" +
            $" ({progress.Failed} stream(s) failed{(progress.FirstError is { } e ? $", first: {e}" : "")}); " +
            $"{progress.Certificates} workload certificate(s) received");
        if (progress.FirstAcked == 0 || progress.FirstAcked + progress.Failed < n)
            return GiveUp(options, progress, usage, $"not every stream acked a first snapshot within {options.ConnectTimeout.TotalSeconds:F0} s");

        // 2. Settled: each live stream acked a snapshot listing every live instance, then no push for a while.
        var settled = false;
        while (clock.Elapsed < connectDeadline)
        {
            var live = sidecars.Where(s => s.Alive).ToList();
            var quiet = Stopwatch.GetElapsedTime(progress.LastSnapshotAt) >= options.SettleQuiet;
            if (quiet && live.Count > 0 && live.All(s => s.AckedEndpoints >= live.Count))
            {
                settled = true;
                break;
            }

            await Task.Delay(_poll, ct).ConfigureAwait(false);
        }

        var liveSidecars = sidecars.Where(s => s.Alive).ToList();
        var ramped = progress.Snapshots;
        Say($"settled: {liveSidecars.Count} live streams acked the snapshot listing all of them after {clock.Elapsed.TotalSeconds:F1} s; " +
            $"{ramped} snapshots ({MibOfBytes(progress.Bytes)} MiB) were received while connecting; " +
            $"{ProcStats.EstablishedTo(options.ControlPlane.Port)} TCP connection(s) to the control plane");
        if (!settled)
            return GiveUp(options, progress, usage, $"the streams did not settle within {options.ConnectTimeout.TotalSeconds:F0} s");
        Say($"connecting and settling: {usage.Since()}; {Heartbeats(progress)}" +
            (options.ConsolePid is { } settledPid ? $"; console VmRSS {Mib(ProcStats.StatusKib(settledPid, "VmRSS"))} MiB, VmHWM {Mib(ProcStats.StatusKib(settledPid, "VmHWM"))} MiB" : ""));

        // 3. The commit.
        var baseline = liveSidecars.Max(s => s.AckedRevision);
        progress.Baseline = baseline;
        var rssBefore = ConsoleKib(options, "VmRSS");
        var cpuBefore = options.ConsolePid is { } pid ? ProcStats.CpuTime(pid) : null;
        var driverCpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var metricsBefore = await api.MetricsAsync(ct).ConfigureAwait(false);
        var version = await api.ReadRoutesVersionAsync(ct).ConfigureAwait(false);
        var sent = Stopwatch.GetTimestamp();
        var (revision, status) = await api.CommitRoutesAsync(version, ct).ConfigureAwait(false);
        var committed = Stopwatch.GetTimestamp();
        Say($"committed routes of \"{MeshApi.Service}\": {status}, revision {revision} (the streams were at {baseline}); " +
            $"the PUT took {Stopwatch.GetElapsedTime(sent, committed).TotalMilliseconds:F1} ms");

        // 4. Wait for every live stream to receive and ack it.
        // A stream that fails meanwhile (the console is gone, say) will not receive it: stop waiting for it.
        var pushDeadline = clock.Elapsed + options.PushTimeout;
        var failedBefore = progress.Failed;
        while (progress.TargetReceived + (progress.Failed - failedBefore) < liveSidecars.Count && clock.Elapsed < pushDeadline)
            await Task.Delay(TimeSpan.FromMilliseconds(5), ct).ConfigureAwait(false);
        var failedDuring = progress.Failed - failedBefore;
        var done = Stopwatch.GetTimestamp();
        var cpuAfter = options.ConsolePid is { } pid2 ? ProcStats.CpuTime(pid2) : null;
        var driverCpu = Process.GetCurrentProcess().TotalProcessorTime - driverCpuBefore;
        var window = Stopwatch.GetElapsedTime(sent, done);

        var delays = liveSidecars.Where(s => s.TargetAt != 0)
            .Select(s => Stopwatch.GetElapsedTime(committed, s.TargetAt).TotalMilliseconds)
            .Order()
            .ToList();
        var exact = liveSidecars.Count(s => s.TargetAt != 0 && s.TargetRevision == revision);
        Say($"received revision {revision}: {delays.Count} of {liveSidecars.Count} live streams ({n} opened)" +
            (failedDuring > 0 ? $"; {failedDuring} stream(s) failed meanwhile, first: {progress.FirstError}" : "") +
            (delays.Count + failedDuring < liveSidecars.Count ? $"; gave up after {options.PushTimeout.TotalSeconds:F0} s" : "") +
            (exact != delays.Count ? $"; {delays.Count - exact} got a later revision" : ""));
        if (delays.Count > 0)
        {
            Say($"delay from the commit's HTTP response to receipt+ack: p50 {Percentile(delays, 0.50):F1} ms, p90 {Percentile(delays, 0.90):F1} ms, " +
                $"p99 {Percentile(delays, 0.99):F1} ms, max {delays[^1]:F1} ms (min {delays[0]:F1} ms; {delays.Count(d => d < 0)} arrived before the response was read)");
        }

        var size = liveSidecars.Select(s => s.TargetBytes).DefaultIfEmpty(0).Max();
        Say($"the commit's snapshot: {size / 1024.0:F1} KiB per stream, {MibOfBytes(size * delays.Count)} MiB to all {delays.Count}");
        var rssAfter = ConsoleKib(options, "VmRSS");
        var hwm = ConsoleKib(options, "VmHWM");
        if (options.ConsolePid is { } consolePid)
        {
            Say($"console pid {consolePid}: VmRSS {Mib(rssBefore)} MiB before the commit, {Mib(rssAfter)} MiB after; VmHWM {Mib(hwm)} MiB; " +
                (cpuBefore is { } b && cpuAfter is { } a
                    ? $"CPU {(a - b).TotalSeconds:F2} s over the {window.TotalSeconds:F2} s from the PUT to the last receipt"
                    : "CPU unreadable"));
        }

        var metricsAfter = await api.MetricsAsync(ct).ConfigureAwait(false);
        if (metricsAfter.Count > 0 && metricsBefore.Count > 0)
        {
            double Delta(string name) => metricsAfter.GetValueOrDefault(name) - metricsBefore.GetValueOrDefault(name);
            Say($"console GC (from /metrics, read before the commit and after the last receipt): " +
                $"{MibOfBytes((long)Delta("dotnet_gc_heap_total_allocated_bytes_total"))} MiB allocated, " +
                $"{Delta("dotnet_gc_collections_total"):F0} collections, {Delta("dotnet_gc_pause_time_seconds_total") * 1000:F0} ms paused in between; " +
                $"heap after the last collection {MibOfBytes((long)metricsAfter.GetValueOrDefault("dotnet_gc_last_collection_heap_size_bytes"))} MiB, " +
                $"committed {MibOfBytes((long)metricsAfter.GetValueOrDefault("dotnet_gc_last_collection_memory_committed_size_bytes"))} MiB");
        }

        Say($"driver: CPU {driverCpu.TotalSeconds:F2} s over the same window; working set {MibOfBytes(Environment.WorkingSet)} MiB");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT sidecars={n} live={liveSidecars.Count} received={delays.Count} revision={revision} " +
            $"p50_ms={Percentile(delays, 0.50):F1} p99_ms={Percentile(delays, 0.99):F1} max_ms={(delays.Count > 0 ? delays[^1] : double.NaN):F1} " +
            $"snapshot_bytes={size} connect_s={allFirst.TotalSeconds:F1} console_rss_mib={Mib(rssAfter)} console_hwm_mib={Mib(hwm)} " +
            $"console_cpu_s={(cpuBefore is { } cb && cpuAfter is { } ca ? (ca - cb).TotalSeconds : double.NaN):F2} certificates={progress.Certificates}"));
        return delays.Count == liveSidecars.Count && liveSidecars.Count == n ? 0 : 1;
    }

    private static double Percentile(List<double> sorted, double q) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static long? ConsoleKib(FanoutOptions options, string field) =>
        options.ConsolePid is { } pid ? ProcStats.StatusKib(pid, field) : null;

    private static string Mib(long? kib) => kib is { } k ? (k / 1024.0).ToString("F1", CultureInfo.InvariantCulture) : "?";

    private static string MibOfBytes(long bytes) => (bytes / 1048576.0).ToString("F1", CultureInfo.InvariantCulture);

    private static string Heartbeats(FanoutProgress progress) =>
        $"longest gap between two heartbeats one stream sent {progress.MaxHeartbeatGap.TotalSeconds:F1} s " +
        $"(every {SimulatedSidecar.HeartbeatInterval.TotalSeconds:F0} s is the plan; the console's default grace is 15 s)";

    private static int GiveUp(FanoutOptions options, FanoutProgress progress, CpuMeter usage, string why)
    {
        Say($"gave up: {why}");
        Say($"so far: {usage.Since()}; {progress.Snapshots} snapshots ({MibOfBytes(progress.Bytes)} MiB) received; {Heartbeats(progress)}");
        if (options.ConsolePid is { } pid)
            Say($"console pid {pid}: VmRSS {Mib(ProcStats.StatusKib(pid, "VmRSS"))} MiB, VmHWM {Mib(ProcStats.StatusKib(pid, "VmHWM"))} MiB");
        Console.WriteLine("RESULT failed");
        return 1;
    }

    private static void Say(string line) =>
        Console.WriteLine($"[{DateTime.UtcNow:HH:mm:ss.fff}] {line}");

    /// <summary>CPU time of the console and of this driver since the last reading.</summary>
    private sealed class CpuMeter(int? consolePid)
    {
        private long _at = Stopwatch.GetTimestamp();
        private TimeSpan? _console = consolePid is { } pid ? ProcStats.CpuTime(pid) : null;
        private TimeSpan _driver = Process.GetCurrentProcess().TotalProcessorTime;

        public string Since()
        {
            var wall = Stopwatch.GetElapsedTime(_at);
            var console = consolePid is { } pid ? ProcStats.CpuTime(pid) : null;
            var driver = Process.GetCurrentProcess().TotalProcessorTime;
            var text = $"console {(console - _console)?.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture) ?? "?"} CPU-s, " +
                $"driver {(driver - _driver).TotalSeconds:F1} CPU-s over {wall.TotalSeconds:F1} s";
            (_at, _console, _driver) = (Stopwatch.GetTimestamp(), console, driver);
            return text;
        }
    }
}
