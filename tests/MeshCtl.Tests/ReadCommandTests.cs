using System.Text.Json.Nodes;
using Mesh.Testing;
using MeshCtl.Text;

namespace MeshCtl.Tests;

/// <summary>get, revisions, sidecars and top against a real console with documents written through REST.</summary>
public sealed class ReadCommandTests(ConsoleFixture mesh) : IClassFixture<ConsoleFixture>, IAsyncLifetime
{
    private const string Routes = """
        {"subsets":[{"name":"v1","labels":{"version":"v1"}},{"name":"v2","labels":{"version":"v2"}}],
         "rules":[{"destinations":[{"subset":"v1","weight":90},{"subset":"v2","weight":10}]}],"version":0,"reason":"canary"}
        """;

    public async Task InitializeAsync()
    {
        if (await mesh.LatestRevisionAsync() > 0)
            return;
        await mesh.Api.PutAsync("api/services/orders", """{"owner":"team-orders","version":0}""");
        await mesh.Api.PutAsync("api/services/payments", """{"owner":"team-pay","version":0}""");
        await mesh.Api.PutAsync("api/services/orders/routes", Routes);
        await mesh.Api.PutAsync("api/services/payments/resilience", """{"timeoutMs":2000,"version":0}""");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task GetRoutes_OneService_TheExportsShapeAsYaml()
    {
        using var ctl = mesh.Ctl();

        var result = await ctl.RunAsync("get", "routes", "orders");

        Assert.True(result.Exit == 0, result.ToString());
        var tree = YamlText.Read(result.Out, "out")!;
        var routes = tree["services"]!["orders"]!["routes"]!;
        Assert.Equal(90, routes["rules"]![0]!["destinations"]![0]!["weight"]!.GetValue<long>());
        Assert.Null(tree["services"]!["orders"]!["service"]);
        Assert.Null(tree["services"]!["payments"]);
    }

    [Fact]
    public async Task GetServices_EveryServiceDocument_AsJson()
    {
        using var ctl = mesh.Ctl();

        var result = await ctl.RunAsync("get", "services", "-o", "json");

        Assert.True(result.Exit == 0, result.ToString());
        var services = JsonNode.Parse(result.Out)!["services"]!.AsObject();
        Assert.Equal("team-orders", services["orders"]!["service"]!["owner"]!.GetValue<string>());
        Assert.Equal("team-pay", services["payments"]!["service"]!["owner"]!.GetValue<string>());
        Assert.Null(services["orders"]!["routes"]);
    }

    [Fact]
    public async Task GetConfig_SameAsTheConsolesYamlExport()
    {
        using var ctl = mesh.Ctl();

        var result = await ctl.RunAsync("get", "config");

        Assert.True(result.Exit == 0, result.ToString());
        Assert.Equal(await mesh.Api.GetStringAsync("api/config/export?format=yaml"), result.Out);
    }

    [Fact]
    public async Task GetResilience_Table_VersionRevisionAndAuthor()
    {
        using var ctl = mesh.Ctl();

        var result = await ctl.RunAsync("get", "resilience", "-o", "table");

        Assert.True(result.Exit == 0, result.ToString());
        var lines = result.Out.TrimEnd().Split('\n');
        Assert.StartsWith("KIND", lines[0], StringComparison.Ordinal);
        Assert.Single(lines.Skip(1));
        Assert.Matches(@"^resilience\s+payments\s+1\s+\d+\s+\S+ \S+\s+token:bootstrap$", lines[1]);
    }

    [Fact]
    public async Task GetFaults_NoneAnywhere_TableSaysSo()
    {
        using var ctl = mesh.Ctl();

        var table = await ctl.RunAsync("get", "faults", "-o", "table");
        var yaml = await ctl.RunAsync("get", "faults");

        Assert.Equal(0, table.Exit);
        Assert.Equal("No service has a faults document.\n", table.Out);
        Assert.Equal(0, yaml.Exit);
        Assert.Contains("services: {}", yaml.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetAccess_NoPolicy_NotFoundExit6AndTableShowsTheDefault()
    {
        using var ctl = mesh.Ctl();

        var yaml = await ctl.RunAsync("get", "access");
        var table = await ctl.RunAsync("get", "access", "-o", "table");

        Assert.Equal(6, yaml.Exit);
        Assert.Contains("no access policy", yaml.Error, StringComparison.Ordinal);
        Assert.Equal(0, table.Exit);
        Assert.Contains("default: allow", table.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("routes", "ghost", "service ghost does not exist")]
    [InlineData("faults", "orders", "service orders has no faults policy")]
    public async Task Get_Missing_NotFoundExit6(string kind, string service, string message)
    {
        using var ctl = mesh.Ctl();

        var result = await ctl.RunAsync("get", kind, service);

        Assert.Equal(6, result.Exit);
        Assert.Contains(message, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RevisionsList_FilteredByTargetAndKind_Table()
    {
        using var ctl = mesh.Ctl();

        var result = await ctl.RunAsync("revisions", "list", "--target", "orders", "--kind", "routes");

        Assert.True(result.Exit == 0, result.ToString());
        var lines = result.Out.TrimEnd().Split('\n');
        Assert.StartsWith("REVISION", lines[0], StringComparison.Ordinal);
        Assert.All(lines.Skip(1), line => Assert.Contains("routes   orders", line, StringComparison.Ordinal));
        Assert.Contains("token:bootstrap", lines[1], StringComparison.Ordinal);
        Assert.Contains("canary", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task RevisionsList_Limit_SaysHowManyMore()
    {
        using var ctl = mesh.Ctl();

        var result = await ctl.RunAsync("revisions", "list", "--limit", "1", "-o", "table");

        Assert.Equal(0, result.Exit);
        Assert.Equal(3, result.Out.TrimEnd().Split('\n').Length);
        Assert.Matches(@"\(1 of \d+; --limit shows more\)", result.Out);
    }

    [Fact]
    public async Task RevisionsShow_HeaderAndDiff()
    {
        using var ctl = mesh.Ctl();
        var revision = await RevisionOfAsync("orders", "routes");

        var result = await ctl.RunAsync("revisions", "show", revision.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.True(result.Exit == 0, result.ToString());
        Assert.Contains($"revision {revision}", result.Out, StringComparison.Ordinal);
        Assert.Contains("actor:  token:bootstrap", result.Out, StringComparison.Ordinal);
        Assert.Contains("change: create routes/orders", result.Out, StringComparison.Ordinal);
        Assert.Contains("reason: canary", result.Out, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^\+\s+""weight"": 90", result.Out);
        Assert.DoesNotContain("\e[", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RevisionsShow_OnATerminal_ColouredDiffUnlessNoColor()
    {
        using var ctl = mesh.Ctl();
        var revision = (await RevisionOfAsync("orders", "routes")).ToString(System.Globalization.CultureInfo.InvariantCulture);

        ctl.Set("NO_COLOR", null);
        var coloured = await ctl.RunAsync(["revisions", "show", revision], "", terminal: true);
        ctl.Set("NO_COLOR", "1");
        var plain = await ctl.RunAsync(["revisions", "show", revision], "", terminal: true);

        Assert.Contains("\e[32m+", coloured.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("\e[", plain.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RevisionsShow_Unknown_NotFoundExit6()
    {
        using var ctl = mesh.Ctl();

        var result = await ctl.RunAsync("revisions", "show", "99999");

        Assert.Equal(6, result.Exit);
        Assert.Contains("revision 99999 does not exist", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sidecars_NoneConnected_SaysSoExit0()
    {
        using var ctl = mesh.Ctl();

        var result = await ctl.RunAsync("sidecars");

        Assert.Equal(0, result.Exit);
        Assert.Contains("No sidecar has connected", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TopCountOne_NoTraffic_OneDrawingThenExit()
    {
        using var ctl = mesh.Ctl();

        var result = await ctl.RunAsync("top", "--count", "1", "--window", "5m");

        Assert.True(result.Exit == 0, result.ToString());
        Assert.Contains("window 5m", result.Out, StringComparison.Ordinal);
        Assert.Contains("No calls in this window.", result.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("\e[", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ViewerToken_ReadsButCannotRevert_Exit5()
    {
        var viewer = await mesh.CreateTokenAsync("reader-" + Guid.NewGuid().ToString("N")[..8], "viewer");
        using var ctl = mesh.Ctl();
        ctl.Set("MESHCTL_TOKEN", viewer);
        var revision = (await RevisionOfAsync("orders", "routes")).ToString(System.Globalization.CultureInfo.InvariantCulture);

        var read = await ctl.RunAsync("revisions", "list");
        var revert = await ctl.RunAsync("revisions", "revert", revision, "--reason", "no");

        Assert.Equal(0, read.Exit);
        Assert.True(revert.Exit == 5, revert.ToString());
        Assert.Contains("(403)", revert.Error, StringComparison.Ordinal);
        Assert.Contains("lacks the role", revert.Error, StringComparison.Ordinal);
    }

    private async Task<long> RevisionOfAsync(string target, string kind)
    {
        var page = JsonNode.Parse(await mesh.Api.GetStringAsync($"api/revisions?target={target}&kind={kind}"))!;
        return page["items"]!.AsArray().Last()!["number"]!.GetValue<long>();
    }
}
