namespace MeshSidecar.Traffic;

/// <summary>
/// Caps retries to a destination service at a share of its calls over the last second, with a floor
/// for quiet services, so a failing service is not stormed by its callers' retries. Counts sit in
/// ten 100 ms slots that roll over as time passes.
/// </summary>
internal sealed class RetryBudget(TimeProvider time)
{
    private const int Slots = 10;
    private static readonly long _slotTicks = TimeSpan.FromMilliseconds(100).Ticks;

    private readonly Lock _gate = new();
    private readonly long _origin = time.GetTimestamp();
    private readonly long[] _calls = new long[Slots];
    private readonly long[] _retries = new long[Slots];
    private long _slot = -1;

    /// <summary>Counts a first attempt.</summary>
    public void Called()
    {
        lock (_gate)
            _calls[Roll()]++;
    }

    /// <summary>True, and counted, when one more retry stays within the budget.</summary>
    public bool TryRetry(int percent, int minPerSecond)
    {
        lock (_gate)
        {
            var slot = Roll();
            long calls = 0, retries = 0;
            for (var i = 0; i < Slots; i++)
            {
                calls += _calls[i];
                retries += _retries[i];
            }

            if (retries + 1 > Math.Max(minPerSecond, calls * percent / 100))
                return false;
            _retries[slot]++;
            return true;
        }
    }

    /// <summary>Clears the slots time has passed since the last call; returns the current one.</summary>
    private int Roll()
    {
        var now = time.GetElapsedTime(_origin).Ticks / _slotTicks;
        if (_slot >= 0)
        {
            for (var s = _slot + 1; s <= now && s <= _slot + Slots; s++)
            {
                _calls[s % Slots] = 0;
                _retries[s % Slots] = 0;
            }
        }

        _slot = Math.Max(_slot, now);
        return (int)(now % Slots);
    }
}
