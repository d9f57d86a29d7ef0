using System.Collections.Concurrent;
using System.Text.Json;
using Mesh.Store;
using MeshConsole.Telemetry.Aggregation;

namespace MeshConsole.Telemetry;

/// <summary>
/// Console replicas on one Postgres pass each other the calls and spans they receive, so that every replica's
/// live views (topology and its recent spans, observed split, rollout gates, experiment conditions) see the whole
/// mesh whichever replica the sidecars export to. Every <see cref="Interval"/> a replica writes what it counted
/// since, summed per edge, subset and second, with the newest spans of each edge, and adds the other replicas'
/// shares to its own aggregators; shares are kept for <see cref="Retention"/>. A lone console (SQLite) has no one
/// to share with and shares nothing.
/// </summary>
internal sealed partial class TelemetrySharing(
    TopologyAggregator aggregator, SubsetAggregator subsets, RecentSpans recent, IServiceScopeFactory scopes, TimeProvider time, bool enabled,
    ILogger<TelemetrySharing> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    /// <summary>Longer than the live windows' newest bucket needs, short enough to stay a small table.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromMinutes(3);

    /// <summary>A share is read once it is this old: one still being committed must not be passed over.</summary>
    public static readonly TimeSpan Settle = TimeSpan.FromSeconds(1);

    private const int MaxReadPerPass = 500;

    /// <summary>Calls waiting for the next pass; past this (the store unreachable for long) new ones are not shared.</summary>
    private const int MaxWaiting = 200_000;

    private readonly ConcurrentQueue<(Observation Observation, string? Subset)> _outbox = new();
    private readonly ConcurrentQueue<(EdgeKey Edge, SpanSummary Span)> _spanOutbox = new();
    /// <summary>This console, as its shares name it so it never takes them back: one per host, even two in one process.</summary>
    private readonly string _replica = $"{Environment.ProcessId}-{Guid.NewGuid():N}";

    private int _waiting;
    private int _waitingSpans;
    private long _lastRead;
    private DateTimeOffset _lastCleanup;

    /// <summary>Offers a call this replica counted (and its subset, when it has one) to the other replicas.</summary>
    public void Offer(Observation observation, string? subset)
    {
        if (!enabled || Interlocked.Increment(ref _waiting) > MaxWaiting)
        {
            Interlocked.Decrement(ref _waiting);
            return;
        }

        _outbox.Enqueue((observation, subset));
    }

    /// <summary>Offers a span this replica kept among its edge's recent ones to the other replicas.</summary>
    public void Offer(EdgeKey edge, SpanSummary span)
    {
        if (!enabled || Interlocked.Increment(ref _waitingSpans) > MaxWaiting)
        {
            Interlocked.Decrement(ref _waitingSpans);
            return;
        }

        _spanOutbox.Enqueue((edge, span));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!enabled)
            return;
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
                await PassAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One exchange: writes this replica's share, takes the others'. A failed pass is logged; live views go on.</summary>
    public async Task PassAsync(CancellationToken ct)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var store = scope.ServiceProvider.GetRequiredService<TelemetryShareStore>();
            var now = time.GetUtcNow();
            if (Drain() is { } payload)
                await store.AddAsync(_replica, now, payload, ct).ConfigureAwait(false);

            IReadOnlyList<Mesh.Store.Entities.TelemetryShare> shares;
            do
            {
                shares = await store.ReadAfterAsync(_lastRead, _replica, now - Settle, MaxReadPerPass, ct).ConfigureAwait(false);
                foreach (var share in shares)
                {
                    Apply(share.Payload);
                    _lastRead = share.Id;
                }
            }
            while (shares.Count == MaxReadPerPass);

            if (now - _lastCleanup >= Retention)
            {
                await store.DeleteBeforeAsync(now - Retention, ct).ConfigureAwait(false);
                _lastCleanup = now;
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogPassFailed(logger, ex);
        }
    }

    /// <summary>
    /// What was offered since the last pass: calls summed per edge, subset and second, and each edge's newest spans
    /// (no more than a replica keeps); null when nothing was.
    /// </summary>
    public string? Drain()
    {
        var calls = new Dictionary<(EdgeKey Key, string? Subset, long Second), SharedCalls>();
        while (_outbox.TryDequeue(out var offered))
        {
            Interlocked.Decrement(ref _waiting);
            var (observation, subset) = offered;
            var group = (observation.Key, subset, observation.Timestamp.ToUnixTimeSeconds());
            if (!calls.TryGetValue(group, out var sum))
                calls[group] = sum = new SharedCalls(observation.Key.Source, observation.Key.Destination, observation.Key.Protocol, subset, group.Item3);
            sum.Add(observation);
        }

        var spans = new Dictionary<EdgeKey, Queue<SpanSummary>>();
        while (_spanOutbox.TryDequeue(out var offered))
        {
            Interlocked.Decrement(ref _waitingSpans);
            if (!spans.TryGetValue(offered.Edge, out var newest))
                spans[offered.Edge] = newest = new Queue<SpanSummary>();
            newest.Enqueue(offered.Span);
            if (newest.Count > recent.SpansPerEdge)
                newest.Dequeue();
        }

        if (calls.Count == 0 && spans.Count == 0)
            return null;
        var share = new SharedPayload(
            [.. calls.Values.Select(c => c.ToRecord())],
            [.. spans.SelectMany(e => e.Value.Select(span => SharedSpan.Of(e.Key, span)))]);
        return JsonSerializer.Serialize(share, SharedJson.Options);
    }

    /// <summary>Adds another replica's share to this replica's aggregators and recent spans, as if it had received them.</summary>
    public void Apply(string payload)
    {
        var share = JsonSerializer.Deserialize<SharedPayload>(payload, SharedJson.Options);
        foreach (var record in share?.Calls ?? [])
        {
            var observation = Observation.Summarised(
                new EdgeKey(record.Source, record.Destination, record.Protocol),
                DateTimeOffset.FromUnixTimeSeconds(record.Second),
                record.Calls, record.Errors, record.Denied,
                [.. record.Latencies.Select(l => new LatencySample(TimeSpan.FromMicroseconds(l[0]), l[1]))]);
            if (aggregator.Record(observation) && record.Subset is { } subset)
                subsets.Record(subset, observation);
        }

        foreach (var span in share?.Spans ?? [])
            recent.Add(new EdgeKey(span.Source, span.Destination, span.Protocol), span.ToSummary());
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not exchange live calls with the other console replicas; this replica's live views show what it received")]
    private static partial void LogPassFailed(ILogger logger, Exception exception);

    /// <summary>A share as it is stored.</summary>
    internal sealed record SharedPayload(IReadOnlyList<SharedRecord> Calls, IReadOnlyList<SharedSpan> Spans);

    /// <summary>One span of a share, with its edge; the duration in microseconds.</summary>
    internal sealed record SharedSpan(
        string Source, string Destination, string Protocol, string TraceId, string SpanId, string Name, DateTimeOffset Start,
        long DurationMicroseconds, string Status, bool IsError)
    {
        public static SharedSpan Of(EdgeKey edge, SpanSummary span) => new(
            edge.Source, edge.Destination, edge.Protocol, span.TraceId, span.SpanId, span.Name, span.Start,
            (long)Math.Round(span.Duration.TotalMicroseconds), span.Status, span.IsError);

        public SpanSummary ToSummary() => new(TraceId, SpanId, Name, Start, TimeSpan.FromMicroseconds(DurationMicroseconds), Status, IsError);
    }

    /// <summary>One group of a share as it is stored: latencies as [microseconds, calls] pairs.</summary>
    internal sealed record SharedRecord(
        string Source, string Destination, string Protocol, string? Subset, long Second, long Calls, long Errors, long Denied, long[][] Latencies);

    private sealed class SharedCalls(string source, string destination, string protocol, string? subset, long second)
    {
        private readonly Dictionary<long, long> _latencies = [];
        private long _calls;
        private long _errors;
        private long _denied;

        public void Add(Observation observation)
        {
            _calls += observation.Count;
            _errors += observation.Errors;
            _denied += observation.Denied;
            foreach (var sample in observation.Latencies)
            {
                var micros = (long)Math.Round(sample.Duration.TotalMicroseconds);
                _latencies[micros] = _latencies.GetValueOrDefault(micros) + sample.Count;
            }
        }

        public SharedRecord ToRecord() => new(
            source, destination, protocol, subset, second, _calls, _errors, _denied,
            [.. _latencies.OrderBy(l => l.Key).Select(l => new[] { l.Key, l.Value })]);
    }

    private static class SharedJson
    {
        public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
    }
}
