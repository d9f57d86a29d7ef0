namespace Mesh.Policy.Faults;

/// <summary>Faults injected into calls to one destination service, each with its own expiry.</summary>
public sealed record FaultPolicy
{
    /// <summary>The faults; a request may be hit by the first that matches it.</summary>
    public IReadOnlyList<FaultRule> Faults { get; init; } = [];
}

/// <summary>A delay and/or an abort for a share of matching requests, until it expires.</summary>
public sealed record FaultRule
{
    /// <summary>Optional DNS label naming the fault, e.g. the experiment it belongs to.</summary>
    public string? Name { get; init; }

    /// <summary>Which requests the fault applies to; absent means all.</summary>
    public FaultMatch? Match { get; init; }

    /// <summary>Added latency.</summary>
    public FaultDelay? Delay { get; init; }

    /// <summary>A failed response instead of the real one.</summary>
    public FaultAbort? Abort { get; init; }

    /// <summary>When the fault stops; sidecars stop it on time even without the console.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }
}

/// <summary>Conditions for a fault; all that are set must hold.</summary>
public sealed record FaultMatch
{
    /// <summary>Header conditions.</summary>
    public IReadOnlyDictionary<string, Routing.StringMatch> Headers { get; init; } = new Dictionary<string, Routing.StringMatch>();

    /// <summary>Only calls from this service.</summary>
    public string? SourceService { get; init; }
}

/// <summary>A fixed delay for a share of requests.</summary>
public sealed record FaultDelay
{
    /// <summary>Delay in milliseconds, 1–60000.</summary>
    public int FixedMs { get; init; }

    /// <summary>Share of matching requests delayed, above 0 and at most 100.</summary>
    public double Percent { get; init; }
}

/// <summary>A failure for a share of requests: an HTTP status or a gRPC status, not both.</summary>
public sealed record FaultAbort
{
    /// <summary>HTTP status returned, 400–599.</summary>
    public int? HttpStatus { get; init; }

    /// <summary>gRPC status code returned in trailers, 1–16.</summary>
    public int? GrpcStatus { get; init; }

    /// <summary>Share of matching requests aborted, above 0 and at most 100.</summary>
    public double Percent { get; init; }
}
