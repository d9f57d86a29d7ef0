using BenchmarkDotNet.Attributes;
using Mesh.Policy.Routing;

namespace Mesh.Bench.Policies;

/// <summary>
/// <c>CompiledRoutePolicy.Select</c> on the example of docs/policies.md: a header rule (x-user-group
/// exactly beta, path /api/, GET) to v2, then a 90/10 rule over v1 and v2. Each call is one request's
/// work in <c>OutboundPolicies</c>: the roll from <c>Random.Shared</c> and the header reader included.
/// </summary>
[MemoryDiagnoser]
public class RouteBenchmarks
{
    private const string DocsExample = """
        { "subsets": [ {"name": "v1", "labels": {"version": "v1"}}, {"name": "v2", "labels": {"version": "v2"}} ],
          "rules": [
            { "name": "beta-users",
              "match": { "headers": {"x-user-group": {"exact": "beta"}}, "pathPrefix": "/api/", "methods": ["GET"] },
              "destinations": [ {"subset": "v2", "weight": 100} ] },
            { "destinations": [ {"subset": "v1", "weight": 90}, {"subset": "v2", "weight": 10} ] } ],
          "mirror": { "subset": "v2", "percent": 5 } }
        """;

    private readonly CompiledRoutePolicy _routes = PolicyDocuments.Routes(DocsExample);
    private readonly BenchRequest _plain = new();
    private readonly BenchRequest _beta = new(("x-user-group", "beta"));

    /// <summary>No x-user-group header: the first rule misses on it, the 90/10 rule picks.</summary>
    [Benchmark]
    public SubsetChoice? RouteFallsToWeightedRule() => _routes.Select("GET", "/api/orders", _plain.Reader, Random.Shared.Next(100));

    /// <summary>x-user-group: beta on GET /api/...: the first rule takes it.</summary>
    [Benchmark]
    public SubsetChoice? RouteMatchesHeaderRule() => _routes.Select("GET", "/api/orders", _beta.Reader, Random.Shared.Next(100));
}
