using System.Text.Json.Nodes;
using Mesh.Testing;

namespace MeshCtl.Tests;

/// <summary>apply against a real console's POST /api/config/apply: plans, dry runs, validation, roles.</summary>
public sealed class ApplyTests(ConsoleFixture mesh) : IClassFixture<ConsoleFixture>
{
    [Fact]
    public async Task Apply_NewServiceAndRoutes_CreatedWithDiffs_ThenTheSameFileIsUnchanged()
    {
        using var ctl = mesh.Ctl();
        var file = ctl.WriteFile("stock.yaml", """
            services:
              stock:
                service:
                  owner: team-stock
                resilience:
                  timeoutMs: 1500
            """);

        var first = await ctl.RunAsync("apply", "-f", file, "--reason", "stock joins");

        Assert.True(first.Exit == 0, first.ToString());
        Assert.Matches(@"(?m)^service/stock: created \(revision \d+\)$", first.Out);
        Assert.Matches(@"(?m)^resilience/stock: created \(revision \d+\)$", first.Out);
        Assert.Matches(@"(?m)^    \+\s*timeoutMs: 1500$", first.Out);
        Assert.Matches(@"(?m)^Applied: revisions \d+, \d+ written\.$", first.Out);
        var history = JsonNode.Parse(await mesh.Api.GetStringAsync("api/revisions?target=stock"))!["items"]!.AsArray();
        Assert.All(history, r => Assert.Equal("stock joins", r!["reason"]!.GetValue<string>()));
        var latest = await mesh.LatestRevisionAsync();

        var second = await ctl.RunAsync("apply", "-f", file);

        Assert.True(second.Exit == 0, second.ToString());
        Assert.Contains("service/stock: unchanged", second.Out, StringComparison.Ordinal);
        Assert.Contains("resilience/stock: unchanged", second.Out, StringComparison.Ordinal);
        Assert.Contains($"Nothing to change: no revision written (the mesh is at revision {latest}).", second.Out, StringComparison.Ordinal);
        Assert.Equal(latest, await mesh.LatestRevisionAsync());
    }

    [Fact]
    public async Task Apply_GetOutputEditedAndFedBack_UpdatesOnlyThatDocument()
    {
        using var ctl = mesh.Ctl();
        await mesh.Api.PutAsync("api/services/basket", """{"owner":"b","version":0}""");
        await mesh.Api.PutAsync("api/services/basket/resilience", """{"timeoutMs":1000,"version":0}""");
        var got = await ctl.RunAsync("get", "resilience", "basket");
        var file = ctl.WriteFile("basket.yaml", got.Out.Replace("timeoutMs: 1000", "timeoutMs: 2500", StringComparison.Ordinal));

        var result = await ctl.RunAsync("apply", "-f", file);

        Assert.True(result.Exit == 0, result.ToString());
        Assert.Matches(@"(?m)^resilience/basket: updated \(revision \d+\)$", result.Out);
        Assert.Matches(@"(?m)^    -\s*timeoutMs: 1000$", result.Out);
        Assert.Matches(@"(?m)^    \+\s*timeoutMs: 2500$", result.Out);
        Assert.DoesNotContain("service/basket", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apply_DryRun_ShowsThePlanAndWritesNothing()
    {
        using var ctl = mesh.Ctl();
        var before = await mesh.LatestRevisionAsync();
        var file = ctl.WriteFile("dry.yaml", "services:\n  drafts:\n    service:\n      owner: nobody\n");

        var result = await ctl.RunAsync("apply", "-f", file, "--dry-run");

        Assert.True(result.Exit == 0, result.ToString());
        Assert.Contains("service/drafts: would be created", result.Out, StringComparison.Ordinal);
        Assert.Contains("Dry run: 1 document would change; nothing written", result.Out, StringComparison.Ordinal);
        Assert.Equal(before, await mesh.LatestRevisionAsync());
        Assert.Equal(6, (await ctl.RunAsync("get", "services", "drafts")).Exit);
    }

    [Fact]
    public async Task Apply_PruneDryRun_ListsEveryUnmentionedDocumentAsDeleted()
    {
        using var ctl = mesh.Ctl();
        await mesh.Api.PutAsync("api/services/legacy", """{"owner":"old","version":0}""");
        var before = await mesh.LatestRevisionAsync();
        var file = ctl.WriteFile("only.yaml", "services:\n  keeper:\n    service:\n      owner: k\n");

        var result = await ctl.RunAsync("apply", "-f", file, "--prune", "--dry-run");

        Assert.True(result.Exit == 0, result.ToString());
        Assert.Contains("service/keeper: would be created", result.Out, StringComparison.Ordinal);
        Assert.Contains("service/legacy: would be deleted", result.Out, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^    -\s*owner: old$", result.Out);
        Assert.Equal(before, await mesh.LatestRevisionAsync());
    }

    [Fact]
    public async Task Apply_ExplicitNull_DeletesThatDocument()
    {
        using var ctl = mesh.Ctl();
        await mesh.Api.PutAsync("api/services/cart", """{"owner":"c","version":0}""");
        await mesh.Api.PutAsync("api/services/cart/resilience", """{"timeoutMs":1000,"version":0}""");
        var file = ctl.WriteFile("cart.yaml", "services:\n  cart:\n    resilience: null\n");

        var result = await ctl.RunAsync("apply", "-f", file, "--reason", "no more timeouts");

        Assert.True(result.Exit == 0, result.ToString());
        Assert.Matches(@"(?m)^resilience/cart: deleted \(revision \d+\)$", result.Out);
        Assert.Equal(6, (await ctl.RunAsync("get", "resilience", "cart")).Exit);
        Assert.Equal(0, (await ctl.RunAsync("get", "services", "cart")).Exit);
    }

    [Fact]
    public async Task Apply_InvalidRoutes_Exit3WithTheFieldPath_NothingWritten()
    {
        using var ctl = mesh.Ctl();
        var before = await mesh.LatestRevisionAsync();
        var file = ctl.WriteFile("bad.yaml", """
            services:
              checkout:
                service:
                  owner: team-checkout
                routes:
                  subsets:
                  - name: v1
                    labels: {version: v1}
                  rules:
                  - destinations:
                    - {subset: v1, weight: 110}
            """);

        var result = await ctl.RunAsync("apply", "-f", file);

        Assert.True(result.Exit == 3, result.ToString());
        Assert.Contains("(422)", result.Error, StringComparison.Ordinal);
        Assert.Contains("config.services.checkout.routes.rules[0].destinations", result.Error, StringComparison.Ordinal);
        Assert.Equal("", result.Out);
        Assert.Equal(before, await mesh.LatestRevisionAsync());
        Assert.Equal(6, (await ctl.RunAsync("get", "services", "checkout")).Exit);
    }

    [Fact]
    public async Task Apply_UnknownField_Exit3NamingIt()
    {
        using var ctl = mesh.Ctl();
        var file = ctl.WriteFile("typo.yaml", "services:\n  orders:\n    service:\n      ownr: typo\n");

        var result = await ctl.RunAsync("apply", "-f", file);

        Assert.True(result.Exit == 3, result.ToString());
        Assert.Contains("ownr", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apply_ViewerToken_Exit5()
    {
        var viewer = await mesh.CreateTokenAsync("viewer-" + Guid.NewGuid().ToString("N")[..8], "viewer");
        using var ctl = mesh.Ctl();
        ctl.Set("MESHCTL_TOKEN", viewer);
        var file = ctl.WriteFile("refused.yaml", "services:\n  refused:\n    service:\n      owner: x\n");

        var result = await ctl.RunAsync("apply", "-f", file);

        Assert.True(result.Exit == 5, result.ToString());
        Assert.Contains("(403)", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apply_FromStandardInput_AsJson()
    {
        using var ctl = mesh.Ctl();

        var result = await ctl.RunAsync(
            ["apply", "-f", "-", "-o", "json"], stdin: """{"services": {"inventory": {"service": {"owner": "team-inv"}}}}""", terminal: false);

        Assert.True(result.Exit == 0, result.ToString());
        var answer = JsonNode.Parse(result.Out)!;
        Assert.False(answer["dryRun"]!.GetValue<bool>());
        Assert.Contains(answer["changes"]!.AsArray(), c => c!["target"]!.GetValue<string>() == "inventory" && c["kind"]!.GetValue<string>() == "service");
    }
}
