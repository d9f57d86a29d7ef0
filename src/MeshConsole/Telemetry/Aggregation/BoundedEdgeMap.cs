using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace MeshConsole.Telemetry.Aggregation;

/// <summary>
/// Edges seen recently, at most <c>capacity</c> of them. Stamps are coarse times (bucket indexes) chosen by
/// the caller. A new edge past the cap first makes the map forget edges idle since <c>idleBefore</c> — at most
/// once per stamp, so a flood of new edges does not rescan the map for each — and is refused if that frees
/// nothing. Idle edges are forgotten only then, as memory is bounded by the cap anyway.
/// </summary>
internal sealed class BoundedEdgeMap<TValue>(int capacity)
{
    private readonly ConcurrentDictionary<EdgeKey, Entry> _entries = new();
    private int _count;
    private long _refused;
    private long _lastSweep = long.MinValue;

    public int Count => Volatile.Read(ref _count);

    /// <summary>Times a new edge was refused because the map was full.</summary>
    public long Refused => Interlocked.Read(ref _refused);

    public bool TryGetOrAdd(EdgeKey key, long stamp, long idleBefore, Func<EdgeKey, TValue> create, [MaybeNullWhen(false)] out TValue value)
    {
        if (_entries.TryGetValue(key, out var existing))
        {
            existing.Touch(stamp);
            value = existing.Value;
            return true;
        }
        if (!TryReserve(stamp, idleBefore))
        {
            Interlocked.Increment(ref _refused);
            value = default;
            return false;
        }
        var added = new Entry(create(key), stamp);
        var winner = _entries.GetOrAdd(key, added);
        if (!ReferenceEquals(winner, added))
        {
            // Another writer added the same edge first: give back the slot reserved for it.
            Interlocked.Decrement(ref _count);
            winner.Touch(stamp);
        }
        value = winner.Value;
        return true;
    }

    public bool TryGetValue(EdgeKey key, [MaybeNullWhen(false)] out TValue value)
    {
        if (_entries.TryGetValue(key, out var entry))
        {
            value = entry.Value;
            return true;
        }
        value = default;
        return false;
    }

    // The count is reserved before the add, so concurrent writers can never take the map past its cap.
    private bool TryReserve(long stamp, long idleBefore)
    {
        if (Interlocked.Increment(ref _count) <= capacity)
        {
            return true;
        }
        Interlocked.Decrement(ref _count);

        var last = Interlocked.Read(ref _lastSweep);
        if (last >= stamp || Interlocked.CompareExchange(ref _lastSweep, stamp, last) != last)
        {
            return false;
        }
        foreach (var pair in _entries)
        {
            // Removes only this very entry: one re-added meanwhile is another object and stays.
            if (pair.Value.Stamp < idleBefore && _entries.TryRemove(pair))
            {
                Interlocked.Decrement(ref _count);
            }
        }

        if (Interlocked.Increment(ref _count) <= capacity)
        {
            return true;
        }
        Interlocked.Decrement(ref _count);
        return false;
    }

    private sealed class Entry(TValue value, long stamp)
    {
        private long _stamp = stamp;

        public TValue Value { get; } = value;

        public long Stamp => Volatile.Read(ref _stamp);

        // A racing older stamp may win; it only makes the edge look idle a bucket early, an hour from now.
        public void Touch(long stamp)
        {
            if (stamp > Volatile.Read(ref _stamp))
            {
                Volatile.Write(ref _stamp, stamp);
            }
        }
    }
}
