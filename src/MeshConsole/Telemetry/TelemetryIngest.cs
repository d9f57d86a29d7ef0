using System.Threading.Channels;
using MeshConsole.Telemetry.Aggregation;

namespace MeshConsole.Telemetry;

/// <summary>
/// Between the OTLP receivers and the aggregator: a bounded queue of decoded batches. A full queue
/// refuses the export at once (the receiver answers RESOURCE_EXHAUSTED or 429 with Retry-After)
/// instead of growing without bound; one reader feeds the aggregator.
/// </summary>
internal sealed class TelemetryIngest(TopologyAggregator aggregator, Microsoft.Extensions.Options.IOptions<OtlpOptions> options) : BackgroundService
{
    private readonly Channel<IReadOnlyList<Observation>> _queue = Channel.CreateBounded<IReadOnlyList<Observation>>(
        new BoundedChannelOptions(options.Value.QueueCapacity) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });

    /// <summary>Queues a batch; false when the queue is full and the sender must retry later.</summary>
    public bool TryEnqueue(IReadOnlyList<Observation> batch) => batch.Count == 0 || _queue.Writer.TryWrite(batch);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var batch in _queue.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                foreach (var observation in batch)
                    aggregator.Record(observation);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
