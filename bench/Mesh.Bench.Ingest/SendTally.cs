using Grpc.Core;

namespace Mesh.Bench.Ingest;

/// <summary>What the senders of one phase did, counted as they go; read at any time for the timeline.</summary>
internal sealed class SendTally
{
    private long _started;
    private long _exportsAccepted;
    private long _spansAccepted;
    private long _spansRejected;
    private long _refusals;
    private long _abandoned;
    private long _errors;
    private long _bytes;
    private string? _firstError;
    private string? _firstRejection;

    public long ExportsAccepted => Interlocked.Read(ref _exportsAccepted);

    public long SpansAccepted => Interlocked.Read(ref _spansAccepted);

    /// <summary>Spans the console answered as rejected in an export's partial success.</summary>
    public long SpansRejected => Interlocked.Read(ref _spansRejected);

    /// <summary>Attempts answered RESOURCE_EXHAUSTED (the console's queue was full).</summary>
    public long Refusals => Interlocked.Read(ref _refusals);

    /// <summary>Exports still refused when the phase ended, and so never delivered.</summary>
    public long Abandoned => Interlocked.Read(ref _abandoned);

    public long Errors => Interlocked.Read(ref _errors);

    /// <summary>Encoded bytes of the exports built (each counted once, however often it was sent).</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    public string? FirstError => Volatile.Read(ref _firstError);

    public string? FirstRejection => Volatile.Read(ref _firstRejection);

    /// <summary>Takes one export from the budget; false when <paramref name="max"/> have been started.</summary>
    public bool TryStart(long max) => Interlocked.Increment(ref _started) <= max;

    public void Built(long bytes) => Interlocked.Add(ref _bytes, bytes);

    public void Accepted(long spans, long rejected, string? why)
    {
        Interlocked.Increment(ref _exportsAccepted);
        Interlocked.Add(ref _spansAccepted, spans - rejected);
        if (rejected > 0)
        {
            Interlocked.Add(ref _spansRejected, rejected);
            Interlocked.CompareExchange(ref _firstRejection, why, null);
        }
    }

    public void Refused() => Interlocked.Increment(ref _refusals);

    public void Abandon() => Interlocked.Increment(ref _abandoned);

    public void Failed(RpcException ex)
    {
        Interlocked.Increment(ref _errors);
        Interlocked.CompareExchange(ref _firstError, $"{ex.StatusCode}: {ex.Status.Detail}", null);
    }
}
