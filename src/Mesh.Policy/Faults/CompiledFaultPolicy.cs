using Mesh.Policy.Routing;

namespace Mesh.Policy.Faults;

/// <summary>What a matched fault does to one request.</summary>
/// <param name="Fault">The fault's name, or <c>faults[i]</c> when it has none.</param>
/// <param name="Delay">How long to hold the request first; zero for none.</param>
/// <param name="Abort">The failure to answer with instead of forwarding; null to forward.</param>
public sealed record FaultDecision(string Fault, TimeSpan Delay, FaultAbort? Abort);

/// <summary>
/// A validated <see cref="FaultPolicy"/> ready for the hot path: the first fault whose match holds
/// and that has not expired applies, its delay and abort each rolled by their own percent. Expiry is
/// checked against the caller's clock on every request, so a fault ends on time without the console.
/// </summary>
public sealed class CompiledFaultPolicy
{
    private readonly FaultPolicy _policy;
    private readonly HeaderConditions?[] _headers;

    /// <summary>Compiles a policy that passed <see cref="FaultPolicyValidator"/>.</summary>
    public CompiledFaultPolicy(FaultPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        _policy = policy;
        _headers = [.. policy.Faults.Select(f => f.Match is { Headers.Count: > 0 } m ? new HeaderConditions(m.Headers) : null)];
    }

    /// <summary>The policy this was compiled from.</summary>
    public FaultPolicy Policy => _policy;

    /// <summary>Decides the fault for a request; null when none applies or both rolls miss.</summary>
    /// <param name="header">Reads a request header by name; null when absent.</param>
    /// <param name="sourceService">The calling service.</param>
    /// <param name="now">The current time, to leave expired faults out.</param>
    /// <param name="delayRoll">A number in [0, 100) compared with the delay's percent.</param>
    /// <param name="abortRoll">A number in [0, 100) compared with the abort's percent.</param>
    public FaultDecision? Decide(Func<string, string?> header, string sourceService, DateTimeOffset now, double delayRoll, double abortRoll)
    {
        ArgumentNullException.ThrowIfNull(header);
        for (var i = 0; i < _policy.Faults.Count; i++)
        {
            var fault = _policy.Faults[i];
            if (fault.ExpiresAt is { } expiresAt && now >= expiresAt)
                continue;
            if (fault.Match?.SourceService is { } source && !string.Equals(source, sourceService, StringComparison.Ordinal))
                continue;
            if (_headers[i] is { } headers && !headers.Hold(header))
                continue;

            var delay = fault.Delay is { } d && delayRoll < d.Percent ? TimeSpan.FromMilliseconds(d.FixedMs) : TimeSpan.Zero;
            var abort = fault.Abort is { } a && abortRoll < a.Percent ? a : null;
            return delay == TimeSpan.Zero && abort is null ? null : new FaultDecision(fault.Name ?? $"faults[{i}]", delay, abort);
        }

        return null;
    }
}
