namespace Mesh.Bench.Ingest;

/// <summary>
/// Reads the console's VmRSS once a second for as long as it runs, and keeps the highest. A sample a
/// second can miss a short peak that the kernel's VmHWM keeps, so the driver reports both.
/// </summary>
internal sealed class MemorySampler : IAsyncDisposable
{
    private readonly int _pid;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _peakKib;
    private long _lastKib;
    private int _samples;

    public MemorySampler(int pid)
    {
        _pid = pid;
        Sample();
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>The highest VmRSS sampled so far, in KiB.</summary>
    public long PeakKib => Interlocked.Read(ref _peakKib);

    /// <summary>The latest VmRSS sampled, in KiB.</summary>
    public long LastKib => Interlocked.Read(ref _lastKib);

    public int Samples => Volatile.Read(ref _samples);

    /// <summary>Forgets the peak so far: the next reading starts a new one.</summary>
    public void ResetPeak()
    {
        Interlocked.Exchange(ref _peakKib, 0);
        Sample();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private async Task LoopAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            Sample();
    }

    private void Sample()
    {
        if (ProcStats.StatusKib(_pid, "VmRSS") is not { } kib)
            return;
        Interlocked.Exchange(ref _lastKib, kib);
        Interlocked.Increment(ref _samples);
        long peak;
        while (kib > (peak = Interlocked.Read(ref _peakKib)) && Interlocked.CompareExchange(ref _peakKib, kib, peak) != peak)
        {
        }
    }
}
