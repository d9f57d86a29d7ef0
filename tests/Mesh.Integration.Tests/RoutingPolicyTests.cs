using System.Net;
using Mesh.Testing;

namespace Mesh.Integration.Tests;

/// <summary>
/// Route policies on real traffic: weighted splits, header matches, live weight changes, sticky
/// sessions, mirroring and zone preference. Each test has its own destination service.
/// </summary>
public sealed class RoutingPolicyTests(MeshFixture mesh) : IClassFixture<MeshFixture>
{
    private const string TwoSubsets = """ "subsets": [ {"name":"v1","labels":{"version":"v1"}}, {"name":"v2","labels":{"version":"v2"}} ] """;

    [Fact]
    public async Task Split90To10_5000Requests_LandWithinTwoPoints_AndHeaderMatchAlwaysGoesToV2()
    {
        await mesh.StartServiceAsync("split", "version=v1", "version=v2");
        await mesh.Api.PutAsync("api/services/split", """{"owner":"team","version":0}""");
        var revision = await mesh.Api.PutAsync("api/services/split/routes", $$"""
            { {{TwoSubsets}},
              "rules": [ { "name": "beta", "match": { "headers": { "x-beta": { "exact": "on" } } }, "destinations": [ {"subset":"v2","weight":100} ] },
                         { "name": "canary", "destinations": [ {"subset":"v1","weight":90}, {"subset":"v2","weight":10} ] } ],
              "version": 0 }
            """);
        await MeshFixture.WaitForRevisionAsync(revision, mesh.Frontend);
        using var client = MeshFixture.Client(mesh.Frontend);

        var split = await Load.SendAsync(client, 5000, 16, _ => Load.To("split", "hello"));
        var beta = await Load.SendAsync(client, 200, 8, _ => Load.To("split", "hello", headers: ("x-beta", "on")));

        Assert.All(split, a => Assert.Equal(HttpStatusCode.OK, a.Status));
        var toV2 = 100.0 * split.Count(a => a.Body.StartsWith("split-1 ", StringComparison.Ordinal)) / split.Length;
        Assert.InRange(toV2, 8.0, 12.0);
        Assert.All(beta, a => Assert.StartsWith("split-1 ", a.Body, StringComparison.Ordinal));
        const string betaSeries = "http_client_request_duration_seconds_count\\{[^}]*mesh_destination_service=\"split\"[^}]*mesh_route=\"beta\"[^}]*mesh_status_class=\"2xx\"";
        var metrics = await Load.MetricsMatchingAsync(mesh.Frontend, betaSeries);
        Assert.Matches(betaSeries, metrics);
        Assert.Contains("mesh_route=\"canary\"", metrics, StringComparison.Ordinal);
        Assert.Matches("mesh_route=\"beta\"[^}]*mesh_destination_subset=\"v2\"|mesh_destination_subset=\"v2\"[^}]*mesh_route=\"beta\"", metrics);
    }

    [Fact]
    public async Task WeightsMovedFrom100To0_UnderLoad_NoRequestFails()
    {
        await mesh.StartServiceAsync("shift", "version=v1", "version=v2");
        await mesh.Api.PutAsync("api/services/shift", """{"owner":"team","version":0}""");
        var before = await mesh.Api.PutAsync("api/services/shift/routes", Weights(100, 0, version: 0));
        await MeshFixture.WaitForRevisionAsync(before, mesh.Frontend);
        using var client = MeshFixture.Client(mesh.Frontend);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20));

        var load = Task.Run(async () =>
        {
            var answers = new List<Answer>();
            var workers = Enumerable.Range(0, 8).Select(async _ =>
            {
                var mine = new List<Answer>();
                for (var i = 0; i < 20_000 && !stop.IsCancellationRequested; i++)
                    mine.Add(await Load.SendOneAsync(client, Load.To("shift", "hello")));
                return mine;
            });
            foreach (var mine in await Task.WhenAll(workers))
                answers.AddRange(mine);
            return answers;
        });
        await Task.Delay(TimeSpan.FromSeconds(7));
        var after = await mesh.Api.PutAsync("api/services/shift/routes", Weights(0, 100, version: 1));
        await MeshFixture.WaitForRevisionAsync(after, mesh.Frontend);
        var answers = await load;

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.Status));
        Assert.Contains(answers, a => a.Body.StartsWith("shift-0 ", StringComparison.Ordinal));
        Assert.StartsWith("shift-1 ", answers[^1].Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConsistentHashOnHeader_SameUserAlwaysSameInstance()
    {
        var instances = await mesh.StartServiceAsync("sticky", "version=v1", "version=v1", "version=v1");
        await mesh.Api.PutAsync("api/services/sticky", """{"owner":"team","version":0}""");
        var revision = await mesh.Api.PutAsync("api/services/sticky/resilience",
            """{"loadBalancer":{"policy":"consistent-hash","hashHeader":"x-user"},"version":0}""");
        await MeshFixture.WaitForRevisionAsync(revision, mesh.Frontend);
        using var client = MeshFixture.Client(mesh.Frontend);

        var answers = await Load.SendAsync(client, 300, 8, i => Load.To("sticky", "hello", headers: ("x-user", $"user-{i % 60}")));

        var byUser = answers.Select((a, i) => (User: i % 60, Instance: a.Body.Split(' ')[0])).GroupBy(x => x.User).ToList();
        Assert.All(byUser, user => Assert.Single(user.Select(x => x.Instance).Distinct()));
        Assert.True(byUser.Select(u => u.First().Instance).Distinct().Count() > 1, "60 users all hashed to one instance");
        Assert.Equal(300, instances.Sum(i => i.App.Served));
    }

    [Fact]
    public async Task Mirror_CopiesGoToTheMirrorSubset_CallerDoesNotWaitForThem()
    {
        var instances = await mesh.StartServiceAsync("mirrored", "version=v1", "version=v2");
        var (stable, dark) = (instances[0].App, instances[1].App);
        // The mirror answers slowly: the caller must have every answer while the copies still wait.
        dark.Delay = TimeSpan.FromSeconds(5);
        await mesh.Api.PutAsync("api/services/mirrored", """{"owner":"team","version":0}""");
        var revision = await mesh.Api.PutAsync("api/services/mirrored/routes", $$"""
            { {{TwoSubsets}}, "rules": [ { "destinations": [ {"subset":"v1","weight":100} ] } ],
              "mirror": { "subset": "v2", "percent": 100 }, "version": 0 }
            """);
        await MeshFixture.WaitForRevisionAsync(revision, mesh.Frontend);
        using var client = MeshFixture.Client(mesh.Frontend);

        var answers = await Load.SendAsync(client, 20, 1, _ => Load.To("mirrored", "hello"));

        Assert.All(answers, a => Assert.StartsWith("mirrored-0 ", a.Body, StringComparison.Ordinal));
        Assert.True(dark.InFlight > 0, "the caller waited for the mirror's answers");
        Assert.Equal(20, stable.Served);
        Assert.Equal(0, stable.Mirrored);
        await Eventually(() => dark.Mirrored == 20, "every request copied to v2");
    }

    [Fact]
    public async Task Zone_LocalInstancesPreferred_OtherZoneTakesOverWhenLocalFails()
    {
        var instances = await mesh.StartServiceAsync("zonal", "version=v1,zone=a", "version=v1,zone=b");
        var caller = await mesh.StartSidecarAsync("zoned-caller", KestrelConsole.FreePort(), new Dictionary<string, string> { ["zone"] = "a" });
        await mesh.Api.PutAsync("api/services/zonal", """{"owner":"team","version":0}""");
        var revision = await mesh.Api.PutAsync("api/services/zonal/resilience",
            """{"circuitBreaker":{"consecutive5xx":1,"ejectionTimeMs":60000,"maxEjectedPercent":50},"version":0}""");
        await MeshFixture.WaitForRevisionAsync(revision, caller);
        await MeshFixture.WaitForAsync(caller, config => MeshFixture.Endpoints(config, "zonal") == 2);
        using var client = MeshFixture.Client(caller);

        var local = await Load.SendAsync(client, 50, 4, _ => Load.To("zonal", "status"));
        instances[0].App.Status = 500;
        var failingOver = await Load.SendAsync(client, 50, 1, _ => Load.To("zonal", "status"));

        Assert.All(local, a => Assert.Equal("zonal-0", a.Body));
        // One failure ejects the local instance; from then on the other zone answers.
        Assert.Single(failingOver, a => a.Status != HttpStatusCode.OK);
        Assert.All(failingOver.Skip(1), a => Assert.Equal("zonal-1", a.Body));
    }

    private static string Weights(int v1, int v2, int version) => $$"""
        { {{TwoSubsets}}, "rules": [ { "destinations": [ {"subset":"v1","weight":{{v1}}}, {"subset":"v2","weight":{{v2}}} ] } ], "version": {{version}} }
        """;

    internal static async Task Eventually(Func<bool> condition, string what)
    {
        for (var i = 0; i < 150 && !condition(); i++)
            await Task.Delay(100);
        Assert.True(condition(), $"never happened: {what}");
    }
}
