using System.Diagnostics;

namespace Mesh.Bench.PushFanout;

/// <summary>Counters every simulated sidecar reports into, read by the coordinator.</summary>
internal sealed class FanoutProgress
{
    private int _firstAcked;
    private int _failed;
    private int _targetReceived;
    private int _certificates;
    private long _lastSnapshotAt = Stopwatch.GetTimestamp();
    private long _snapshots;
    private long _bytes;
    private string? _firstError;
    private long _baseline = long.MaxValue;
    private long _maxHeartbeatGap;

    /// <summary>Snapshots with a revision above this one are the commit's; long.MaxValue until the commit is under way.</summary>
    public long Baseline
    {
        get => Interlocked.Read(ref _baseline);
        set => Interlocked.Exchange(ref _baseline, value);
    }

    public int FirstAcked => Volatile.Read(ref _firstAcked);

    public int Failed => Volatile.Read(ref _failed);

    public int TargetReceived => Volatile.Read(ref _targetReceived);

    /// <summary>Workload certificates received, over all streams.</summary>
    public int Certificates => Volatile.Read(ref _certificates);

    public long LastSnapshotAt => Interlocked.Read(ref _lastSnapshotAt);

    public long Snapshots => Interlocked.Read(ref _snapshots);

    public long Bytes => Interlocked.Read(ref _bytes);

    public string? FirstError => Volatile.Read(ref _firstError);

    public void Snapshot(long bytes, long at)
    {
        Interlocked.Increment(ref _snapshots);
        Interlocked.Add(ref _bytes, bytes);
        Interlocked.Exchange(ref _lastSnapshotAt, at);
    }

    /// <summary>The longest time between two heartbeats one stream sent (sent, not received: the driver's side).</summary>
    public TimeSpan MaxHeartbeatGap => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _maxHeartbeatGap));

    public void HeartbeatGap(long ticks)
    {
        var seen = Interlocked.Read(ref _maxHeartbeatGap);
        while (ticks > seen)
        {
            var was = Interlocked.CompareExchange(ref _maxHeartbeatGap, ticks, seen);
            if (was == seen)
                return;
            seen = was;
        }
    }

    public void Certificate() => Interlocked.Increment(ref _certificates);

    public void FirstAck() => Interlocked.Increment(ref _firstAcked);

    public void TargetReached() => Interlocked.Increment(ref _targetReceived);

    public void Failure(string error)
    {
        Interlocked.Increment(ref _failed);
        Interlocked.CompareExchange(ref _firstError, error, null);
    }
}
