namespace Mesh.Bench.Render;

/// <summary>One call path of the synthetic mesh and the share of its calls that fail.</summary>
internal sealed record MeshEdge(string Source, string Destination, double ErrorRate);

/// <summary>
/// A mesh shaped like a real one: services in six tiers (edge, gateways, three tiers of domain services,
/// stores), each service above the last tier calling five services further down, four of them in the
/// next tier and one anywhere below (a shared service: auth, a cache), so N services make 4N edges. A few edges fail often enough to turn red or amber. Seeded:
/// the same size gives the same mesh.
/// </summary>
internal sealed class SyntheticMesh
{
    public const int CallsPerService = 5;

    /// <summary>Each tier's share of the services; the last tier (the stores) calls nobody.</summary>
    private static readonly double[] _tierShares = [0.04, 0.10, 0.18, 0.22, 0.26, 0.20];

    private SyntheticMesh(string name, IReadOnlyList<string> services, IReadOnlyList<MeshEdge> edges)
    {
        Name = name;
        Services = services;
        Edges = edges;
    }

    public string Name { get; }

    public IReadOnlyList<string> Services { get; }

    public IReadOnlyList<MeshEdge> Edges { get; }

    /// <summary>The demo shop's six services and five calls (src/Mesh.Demo), the size the page was built with.</summary>
    public static SyntheticMesh Demo() => new(
        "demo",
        ["loadgen", "frontend", "catalog", "orders", "payments", "inventory"],
        [
            new("loadgen", "frontend", 0),
            new("frontend", "catalog", 0),
            new("frontend", "orders", 0),
            new("orders", "payments", 0.02),
            new("orders", "inventory", 0),
        ]);

    /// <summary>A layered mesh of <paramref name="services"/> services and 4 × that many edges (services: a multiple of 25, at least 50).</summary>
    public static SyntheticMesh Layered(int services)
    {
        if (services < 50 || services % 25 != 0)
            throw new ArgumentOutOfRangeException(nameof(services), services, "a multiple of 25, at least 50");

        var random = new Random(services);
        var tiers = new List<string>[_tierShares.Length];
        var left = services;
        for (var t = 0; t < tiers.Length; t++)
        {
            var count = t == tiers.Length - 1 ? left : (int)Math.Round(services * _tierShares[t]);
            tiers[t] = [.. Enumerable.Range(0, count).Select(i => $"t{t}-{Role(t)}-{i:D3}")];
            left -= count;
        }

        // Callers (tiers 0–4) are 80 % of the services; five calls each makes 4 edges per service.
        var edges = new List<MeshEdge>();
        for (var t = 0; t < tiers.Length - 1; t++)
        {
            var next = tiers[t + 1];
            var below = tiers.Skip(t + 1).SelectMany(s => s).ToList();
            for (var i = 0; i < tiers[t].Count; i++)
            {
                var callees = new HashSet<string>(StringComparer.Ordinal);
                // Four in the next tier, spread so every service there has callers; the fifth anywhere below.
                for (var k = 0; callees.Count < Math.Min(4, next.Count); k++)
                    callees.Add(next[((i * 4) + k) % next.Count]);
                while (callees.Count < CallsPerService)
                    callees.Add(below[random.Next(below.Count)]);
                foreach (var callee in callees.Order(StringComparer.Ordinal))
                    edges.Add(new MeshEdge(tiers[t][i], callee, ErrorRate(random)));
            }
        }

        return new($"{services}", [.. tiers.SelectMany(s => s)], edges);
    }

    // 3 % of the edges fail a fifth of their calls (red), 5 % about 2 % (amber, at the default 1 % / 5 % thresholds).
    private static double ErrorRate(Random random) => random.Next(100) switch
    {
        < 3 => 0.2,
        < 8 => 0.02,
        _ => 0,
    };

    private static string Role(int tier) => tier switch
    {
        0 => "edge",
        1 => "gateway",
        2 => "api",
        3 => "domain",
        4 => "core",
        _ => "store",
    };
}
