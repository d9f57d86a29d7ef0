using System.Globalization;
using BenchmarkDotNet.Attributes;
using Mesh.Policy.Faults;

namespace Mesh.Bench.Policies;

/// <summary>
/// <c>CompiledFaultPolicy.Decide</c> with one fault, as <c>OutboundPolicies</c> calls it for every
/// request: the clock read and the two rolls from <c>Random.Shared</c> included.
/// </summary>
[MemoryDiagnoser]
public class FaultBenchmarks
{
    private readonly TimeProvider _time = TimeProvider.System;
    private readonly CompiledFaultPolicy _onExactHeader = PolicyDocuments.Faults(Fault("""{"x-chaos": {"exact": "on"}}"""));
    private readonly CompiledFaultPolicy _onRegexHeader = PolicyDocuments.Faults(Fault("""{"x-user-group": {"regex": "beta|internal-[a-z]+"}}"""));
    private readonly BenchRequest _plain = new(("x-user-group", "standard"));
    private readonly BenchRequest _internal = new(("x-user-group", "internal-ops"));

    /// <summary>The fault of bench/dataplane.sh's b3 run; wrk never sends x-chaos, so it never fires (the common case).</summary>
    [Benchmark]
    public FaultDecision? FaultHeaderAbsent() => Decide(_onExactHeader, _plain);

    /// <summary>The header is there but the regex does not match it: the fault does not fire.</summary>
    [Benchmark]
    public FaultDecision? FaultRegexNoMatch() => Decide(_onRegexHeader, _plain);

    /// <summary>The regex matches: the fault fires (a delay at 100 %, as in the b3 run).</summary>
    [Benchmark]
    public FaultDecision? FaultRegexMatch() => Decide(_onRegexHeader, _internal);

    private FaultDecision? Decide(CompiledFaultPolicy faults, BenchRequest request) =>
        faults.Decide(request.Reader, "frontend", _time.GetUtcNow(), Random.Shared.NextDouble() * 100, Random.Shared.NextDouble() * 100);

    private static string Fault(string headers)
    {
        var expiresAt = DateTimeOffset.UtcNow.AddDays(1).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        return $$"""{ "faults": [ { "name": "chaos", "match": { "headers": {{headers}} }, "delay": { "fixedMs": 100, "percent": 100 }, "expiresAt": "{{expiresAt}}" } ] }""";
    }
}
