using BenchmarkDotNet.Attributes;

namespace Mesh.Bench.Policies;

/// <summary>
/// The timers <c>AttemptHandler</c> sets for one call with a whole-call timeout and a per-try timeout,
/// answered at the first try: a linked source per timer with <c>CancelAfter</c>, both stopped with
/// <c>CancelAfter(Timeout.Infinite)</c> once the answer's headers are in, then disposed (the sidecar
/// hands them to <c>Response.RegisterForDispose</c>, so they go at the end of the exchange).
/// </summary>
[MemoryDiagnoser]
public class TimeoutBenchmarks : IDisposable
{
    /// <summary>Stands for the request's own token, which can be cancelled, so linking to it registers a callback.</summary>
    private readonly CancellationTokenSource _requestAborted = new();

    [Benchmark]
    public bool TimeoutsWholeCallAndOneTry()
    {
        using var whole = CancellationTokenSource.CreateLinkedTokenSource(_requestAborted.Token);
        whole.CancelAfter(2000);
        using var perTry = CancellationTokenSource.CreateLinkedTokenSource(whole.Token);
        perTry.CancelAfter(1000);

        // The try is sent with perTry.Token here; its answer's headers are in.
        perTry.CancelAfter(Timeout.Infinite);
        whole.CancelAfter(Timeout.Infinite);
        return perTry.IsCancellationRequested;
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _requestAborted.Dispose();
        GC.SuppressFinalize(this);
    }
}
