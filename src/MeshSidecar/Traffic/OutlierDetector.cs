using System.Runtime.CompilerServices;
using Mesh.Policy.Resilience;
using MeshSidecar.Admin;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.Model;

namespace MeshSidecar.Traffic;

/// <summary>
/// Outlier ejection, as the circuit breaker policy asks: an instance that fails the given number of
/// attempts in a row (5xx, or no answer at all) is set aside through YARP's passive health for the
/// ejection time, longer each time it is ejected again soon after, and never so many that more than
/// the max-ejected percent, or every instance, would be out. Without a policy, only instances that
/// cannot be reached at all are set aside. This is the sidecar's only passive health: YARP's own
/// transport-failure policy would mark an instance healthy again on its next request.
/// </summary>
internal sealed class OutlierDetector(IDestinationHealthUpdater health, SidecarMetrics metrics, TimeProvider time)
{
    /// <summary>What applies to a destination service without a circuit breaker: unreachable instances only.</summary>
    private static readonly CircuitBreakerPolicy _unreachable = new() { Consecutive5xx = 5, EjectionTimeMs = 10_000, MaxEjectedPercent = 50 };

    /// <summary>Envoy's default cap on a growing ejection.</summary>
    private static readonly TimeSpan _maxEjection = TimeSpan.FromMinutes(5);

    private readonly Lock _gate = new();
    private readonly ConditionalWeakTable<DestinationState, Record> _records = [];

    /// <summary>When the last ejection in force ends: until then some instance may be out.</summary>
    private long _ejectionsEndTicks;

    /// <summary>
    /// Leaves ejected instances out of a candidate list, at once: YARP applies passive health to its
    /// own list a moment later, and the very next call must not go to an instance just ejected.
    /// </summary>
    public IReadOnlyList<DestinationState> WithoutEjected(IReadOnlyList<DestinationState> candidates)
    {
        var now = time.GetUtcNow();
        if (now.UtcTicks >= Volatile.Read(ref _ejectionsEndTicks))
            return candidates;
        var kept = candidates.Where(d => !IsEjected(d, now)).ToList();
        return kept.Count == candidates.Count ? candidates : kept;
    }

    public bool IsEjected(DestinationState destination) => IsEjected(destination, time.GetUtcNow());

    /// <summary>Records an attempt's outcome: null for an answer below 500, else the failure class.</summary>
    public void Report(MeshCall call, DestinationState destination, string? failure)
    {
        if (call.Cluster is not { } cluster)
            return;
        var configured = call.Service.Resilience?.CircuitBreaker;
        var policy = configured ?? _unreachable;
        var failed = configured is not null ? failure is not null : failure is "connect-failure" or "reset";
        var record = _records.GetValue(destination, _ => new Record());
        if (!failed)
        {
            Volatile.Write(ref record.Consecutive, 0);
            return;
        }

        if (Interlocked.Increment(ref record.Consecutive) < policy.Consecutive5xx)
            return;

        lock (_gate)
        {
            Volatile.Write(ref record.Consecutive, 0);
            var now = time.GetUtcNow();
            if (record.EjectedUntil > now)
                return;
            var all = cluster.DestinationsState.AllDestinations;
            var ejected = all.Count(d => d.Health.Passive == DestinationHealth.Unhealthy);
            var allowed = Math.Min(all.Count - 1, Math.Max(1, all.Count * policy.MaxEjectedPercent / 100));
            if (ejected >= allowed)
                return;

            var baseTime = TimeSpan.FromMilliseconds(policy.EjectionTimeMs);
            // A repeat offender stays out longer; one that stayed healthy for a while starts over.
            record.Ejections = now - record.EjectedUntil > baseTime * 10 ? 1 : record.Ejections + 1;
            var period = TimeSpan.FromTicks(Math.Min(baseTime.Ticks * record.Ejections, Math.Max(baseTime.Ticks, _maxEjection.Ticks)));
            record.EjectedUntil = now + period;
            Volatile.Write(ref _ejectionsEndTicks, Math.Max(Volatile.Read(ref _ejectionsEndTicks), record.EjectedUntil.UtcTicks));
            health.SetPassive(cluster, destination, DestinationHealth.Unhealthy, period);
            metrics.Ejected(call.Service.Name, destination.DestinationId);
        }
    }

    private bool IsEjected(DestinationState destination, DateTimeOffset now) =>
        _records.TryGetValue(destination, out var record) && record.EjectedUntil > now;

    private sealed class Record
    {
        public int Consecutive;
        public int Ejections;
        public DateTimeOffset EjectedUntil = DateTimeOffset.MinValue;
    }
}
