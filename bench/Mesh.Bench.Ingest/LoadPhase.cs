using System.Diagnostics;
using Google.Protobuf;
using Grpc.Core;
using Mesh.Contracts.Otlp.Collector.Trace.V1;

namespace Mesh.Bench.Ingest;

/// <summary>
/// The senders: each builds an export, sends it, waits for the answer and builds the next, until the
/// phase's time or export budget runs out. An export refused with RESOURCE_EXHAUSTED (the console's
/// queue is full) is sent again after the back-off, as an OTLP exporter retries; that is the console
/// pushing back, counted, not a failure. Any other error is counted and the sender moves on.
/// </summary>
internal static class LoadPhase
{
    /// <summary>How long an export may take before the sender gives up on it.</summary>
    private static readonly TimeSpan _deadline = TimeSpan.FromSeconds(30);

    /// <summary>Builds and encodes exports without sending them: what the senders could offer at most.</summary>
    public static async Task<(SendTally Tally, TimeSpan Elapsed)> EncodeOnlyAsync(IngestOptions options, ExportFactory factory)
    {
        var tally = new SendTally();
        var clock = Stopwatch.StartNew();
        var stopAt = Stopwatch.GetTimestamp() + Ticks(options.EncodeOnly);
        var senders = Enumerable.Range(0, options.Senders).Select(i => Task.Run(() =>
        {
            var random = new Random(1000 + i);
            while (Stopwatch.GetTimestamp() < stopAt && tally.TryStart(options.MaxExports))
            {
                var request = factory.Build(random, options.Spans);
                // What the gRPC client does with a message before it reaches the socket.
                var bytes = request.ToByteArray();
                tally.Built(bytes.Length);
                tally.Accepted(options.Spans, 0, null);
            }
        }));
        await Task.WhenAll(senders).ConfigureAwait(false);
        return (tally, clock.Elapsed);
    }

    /// <summary>
    /// Sends for <see cref="IngestOptions.Duration"/>, counting into <paramref name="tally"/>; the exports in
    /// flight then are answered before it returns. The elapsed time runs to the last answer.
    /// </summary>
    public static async Task<(List<double> LatenciesMs, TimeSpan Elapsed)> SendAsync(
        TraceService.TraceServiceClient client, IngestOptions options, ExportFactory factory, SendTally tally)
    {
        var latencies = Enumerable.Range(0, options.Senders).Select(_ => new List<double>()).ToList();
        var clock = Stopwatch.StartNew();
        var stopAt = Stopwatch.GetTimestamp() + Ticks(options.Duration);
        var senders = Enumerable.Range(0, options.Senders)
            .Select(i => Task.Run(() => SendLoopAsync(client, options, factory, tally, latencies[i], new Random(i), stopAt)))
            .ToList();
        await Task.WhenAll(senders).ConfigureAwait(false);
        var elapsed = clock.Elapsed;
        return ([.. latencies.SelectMany(l => l).Order()], elapsed);
    }

    private static async Task SendLoopAsync(
        TraceService.TraceServiceClient client, IngestOptions options, ExportFactory factory, SendTally tally,
        List<double> latencies, Random random, long stopAt)
    {
        while (Stopwatch.GetTimestamp() < stopAt && tally.TryStart(options.MaxExports))
        {
            var request = factory.Build(random, options.Spans);
            while (true)
            {
                var sent = Stopwatch.GetTimestamp();
                try
                {
                    var response = await client.ExportAsync(request, deadline: DateTime.UtcNow + _deadline, cancellationToken: CancellationToken.None).ResponseAsync.ConfigureAwait(false);
                    latencies.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
                    var partial = response.PartialSuccess;
                    tally.Accepted(options.Spans, partial?.RejectedSpans ?? 0, partial?.ErrorMessage);
                    break;
                }
                catch (RpcException ex) when (ex.StatusCode == StatusCode.ResourceExhausted)
                {
                    tally.Refused();
                    if (Stopwatch.GetTimestamp() >= stopAt)
                    {
                        tally.Abandon();
                        break;
                    }

                    if (options.Backoff > TimeSpan.Zero)
                        await Task.Delay(options.Backoff, CancellationToken.None).ConfigureAwait(false);
                }
                catch (RpcException ex)
                {
                    tally.Failed(ex);
                    // Not the queue: the console may be gone. Do not spin on it.
                    await Task.Delay(TimeSpan.FromMilliseconds(100), CancellationToken.None).ConfigureAwait(false);
                    break;
                }
            }
        }
    }

    // The phases end on the clock, read by the senders themselves: a timer's callback would need a
    // thread-pool thread, and CPU-bound senders on a small machine keep those busy for seconds.
    private static long Ticks(TimeSpan time) => (long)(time.TotalSeconds * Stopwatch.Frequency);
}
