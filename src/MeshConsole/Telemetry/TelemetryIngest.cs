using System.Collections.Concurrent;
using System.Threading.Channels;
using MeshConsole.Telemetry.Aggregation;

namespace MeshConsole.Telemetry;

/// <summary>Calls from one metric data point, and the destination's subset they went to when a route rule picked one.</summary>
internal sealed record MetricCall(Observation Observation, string? Subset);

/// <summary>What one export brought: calls from sidecar metrics, and calls seen in spans.</summary>
internal sealed record IngestBatch(IReadOnlyList<MetricCall> Metrics, IReadOnlyList<SpanCall> Spans)
{
    public bool IsEmpty => Metrics.Count == 0 && Spans.Count == 0;
}

/// <summary>
/// Between the OTLP receivers and the aggregator: a bounded queue of decoded exports. A full queue
/// refuses the export at once (the receiver answers RESOURCE_EXHAUSTED or 429 with Retry-After)
/// instead of growing without bound; one reader feeds the aggregator and decides which source
/// counts a call, so that no call is counted twice:
/// <list type="number">
/// <item>a sidecar's request metric counts every call from its service (unsampled);</item>
/// <item>a client span counts the call only when its service has no sidecar reporting metrics
/// (within the last <see cref="SidecarMemory"/>): an app calling through its sidecar is counted by
/// the sidecar;</item>
/// <item>a server span without a parent counts a call from outside the traces (<c>external</c>);
/// a server span with a parent never counts (its caller's span or metric does).</item>
/// </list>
/// Every span seen on an edge, counted or not, joins the edge's recent spans. A call counted that names
/// the subset its route rule picked counts for that subset too. Counted calls and kept spans are offered to
/// the other console replicas (<see cref="TelemetrySharing"/>).
/// </summary>
internal sealed class TelemetryIngest(
    TopologyAggregator aggregator, ReplicaCalls own, SubsetAggregator subsets, RecentSpans recent, TelemetrySharing sharing, TimeProvider time,
    Microsoft.Extensions.Options.IOptions<OtlpOptions> options) : BackgroundService
{
    /// <summary>How long a service counts as having a sidecar after its last request metric.</summary>
    public static readonly TimeSpan SidecarMemory = TimeSpan.FromMinutes(5);

    private readonly Channel<IngestBatch> _queue = Channel.CreateBounded<IngestBatch>(
        new BoundedChannelOptions(options.Value.QueueCapacity) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });

    private readonly ConcurrentDictionary<string, DateTimeOffset> _sidecarSources = new(StringComparer.Ordinal);

    /// <summary>Queues an export; false when the queue is full and the sender must retry later.</summary>
    public bool TryEnqueue(IngestBatch batch) => batch.IsEmpty || _queue.Writer.TryWrite(batch);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var batch in _queue.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
                Apply(batch);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private void Apply(IngestBatch batch)
    {
        var now = time.GetUtcNow();
        foreach (var (observation, subset) in batch.Metrics)
        {
            _sidecarSources[observation.Key.Source] = now;
            Record(observation, subset);
        }

        foreach (var call in batch.Spans)
        {
            if (recent.Add(call.Key, call.Summary))
                sharing.Offer(call.Key, call.Summary);
            var countedBySidecar = call.FromClient
                && _sidecarSources.TryGetValue(call.Key.Source, out var seen) && now - seen <= SidecarMemory;
            if (!countedBySidecar)
                Record(call.Observation, call.Subset);
        }
    }

    private void Record(Observation observation, string? subset)
    {
        if (!aggregator.Record(observation))
            return;
        if (!ReferenceEquals(own.Aggregator, aggregator))
            own.Aggregator.Record(observation);
        if (subset is not null)
            subsets.Record(subset, observation);
        sharing.Offer(observation, subset);
    }
}
