using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Mesh.Store;
using MeshConsole.Tests.Accounts;

namespace MeshConsole.Tests.ConfigAsCode;

/// <summary>An apply writes only what the token's role may write, checked per kind, and plans for any reader.</summary>
public sealed class ApplyRoleTests : IAsyncLifetime
{
    private static readonly JsonNode _routes = JsonNode.Parse("""
        { "services": { "orders": {
            "service": { "owner": "team-orders" },
            "routes": { "subsets": [ {"name": "v1", "labels": {"version": "v1"}} ], "rules": [ { "destinations": [ {"subset": "v1", "weight": 100} ] } ] } } } }
        """)!;

    private AccountsConsole _console = null!;

    public async Task InitializeAsync() => _console = await AccountsConsole.StartAsync(StoreProviders.Sqlite);

    public async Task DisposeAsync() => await _console.DisposeAsync();

    [Fact]
    public async Task Viewer_PlansButCannotApply()
    {
        using var viewer = _console.Client(_console.Tokens["viewer"]);

        var plan = await viewer.PostAsJsonAsync("/api/config/apply", new { config = _routes, dryRun = true });
        var write = await viewer.PostAsJsonAsync("/api/config/apply", new { config = _routes });

        Assert.Equal(HttpStatusCode.OK, plan.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, write.StatusCode);
        Assert.Contains("needs the operator role", await write.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await viewer.GetAsync("/api/services/orders")).StatusCode);
    }

    [Fact]
    public async Task Operator_AppliesRoutesAsTheToken_ButNotAFileThatAlsoChangesAccess()
    {
        using var @operator = _console.Client(_console.Tokens["operator"]);
        var withAccess = _routes.DeepClone();
        withAccess["access"] = JsonNode.Parse("""{ "defaultAction": "deny" }""");

        var refused = await @operator.PostAsJsonAsync("/api/config/apply", new { config = withAccess });
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("needs the admin role", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await @operator.GetAsync("/api/services/orders")).StatusCode);

        var applied = await @operator.PostAsJsonAsync("/api/config/apply", new { config = _routes });
        Assert.Equal(HttpStatusCode.OK, applied.StatusCode);
        var history = JsonNode.Parse(await @operator.GetStringAsync("/api/revisions"))!["items"]!.AsArray();
        Assert.Equal(2, history.Count);
        Assert.All(history, r => Assert.Equal("token:operator-token", r!["actor"]!.GetValue<string>()));
    }
}
