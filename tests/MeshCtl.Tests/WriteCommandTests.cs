using System.Globalization;
using System.Text.Json.Nodes;
using Mesh.Testing;

namespace MeshCtl.Tests;

/// <summary>revisions revert and experiments against a real console.</summary>
public sealed class WriteCommandTests(ConsoleFixture mesh) : IClassFixture<ConsoleFixture>
{
    [Fact]
    public async Task RevisionsRevert_WritesARevisionRestoringBefore_ThenConflictUntilForced()
    {
        using var ctl = mesh.Ctl();
        await mesh.Api.PutAsync("api/services/stock", """{"owner":"a","version":0}""");
        var first = await mesh.Api.PutAsync("api/services/stock/resilience", """{"timeoutMs":1000,"version":0}""");
        var second = await mesh.Api.PutAsync("api/services/stock/resilience", """{"timeoutMs":3000,"version":1}""");

        // Reverting the second brings back 1000 ms.
        var revert = await ctl.RunAsync("revisions", "revert", Text(second), "--reason", "3 s was too long");
        Assert.True(revert.Exit == 0, revert.ToString());
        Assert.Matches($@"^Revision \d+ reverts revision {second}: resilience/stock updated\.", revert.Out);
        var now = JsonNode.Parse(await mesh.Api.GetStringAsync("api/services/stock/resilience"))!;
        Assert.Equal(1000, now["timeoutMs"]!.GetValue<int>());
        var latest = JsonNode.Parse(await mesh.Api.GetStringAsync("api/revisions?target=stock&pageSize=1"))!["items"]![0]!;
        Assert.Equal("3 s was too long", latest["reason"]!.GetValue<string>());
        Assert.Equal(second, latest["revertOf"]!.GetValue<long>());

        // The first was changed since: refused without --force, with the hint.
        var refused = await ctl.RunAsync("revisions", "revert", Text(first), "--reason", "back to nothing");
        Assert.True(refused.Exit == 4, refused.ToString());
        Assert.Contains("Conflict (409)", refused.Error, StringComparison.Ordinal);
        Assert.Contains("--force", refused.Error, StringComparison.Ordinal);
        var before = await mesh.LatestRevisionAsync();
        Assert.Equal(before, await mesh.LatestRevisionAsync());

        var forced = await ctl.RunAsync("revisions", "revert", Text(first), "--reason", "back to nothing", "--force");
        Assert.True(forced.Exit == 0, forced.ToString());
        Assert.Contains("resilience/stock deleted", forced.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExperimentsRun_ThenListShowStop()
    {
        using var ctl = mesh.Ctl();
        await mesh.Api.PutAsync("api/services/payments", """{"owner":"pay","version":0}""");

        var run = await ctl.RunAsync(
            "experiments", "run", "--name", "payments outage", "--target", "payments",
            "--abort-http-status", "503", "--abort-percent", "50", "--duration-seconds", "600",
            "--condition-source", "orders", "--condition-destination", "payments",
            "--condition-error-percent", "20", "--condition-for-seconds", "10",
            "--reason", "game day", "-o", "json");
        Assert.True(run.Exit == 0, run.ToString());
        var started = JsonNode.Parse(run.Out)!;
        var id = Text(started["id"]!.GetValue<long>());
        Assert.Equal("running", started["state"]!.GetValue<string>());
        Assert.Equal(503, started["abortHttpStatus"]!.GetValue<int>());

        var list = await ctl.RunAsync("experiments", "list");
        Assert.Matches($@"(?m)^{id}\s+payments outage\s+running\s+payments", list.Out);

        var show = await ctl.RunAsync("experiments", "show", id);
        Assert.True(show.Exit == 0, show.ToString());
        Assert.Contains("abort with HTTP 503 to 50% of calls", show.Out, StringComparison.Ordinal);
        Assert.Contains("error % of orders→payments above 20 for 10 s", show.Out, StringComparison.Ordinal);
        Assert.Contains("started:   by token:bootstrap", show.Out, StringComparison.Ordinal);

        var stop = await ctl.RunAsync("experiments", "stop", id);
        Assert.True(stop.Exit == 0, stop.ToString());
        Assert.Matches(@"^Experiment \d+ stopped \(fault removed in revision \d+\)", stop.Out);

        var again = await ctl.RunAsync("experiments", "stop", id);
        Assert.Equal(4, again.Exit);
        var shown = await ctl.RunAsync("experiments", "show", id);
        Assert.Contains("state:     stopped", shown.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExperimentsRun_InvalidValues_Exit3NamingEachFlag()
    {
        using var ctl = mesh.Ctl();
        await mesh.Api.PutAsync("api/services/ledger", """{"owner":"l","version":0}""");
        var before = await mesh.LatestRevisionAsync();

        var result = await ctl.RunAsync(
            "experiments", "run", "--name", "bad", "--target", "ledger", "--abort-http-status", "200",
            "--abort-percent", "50", "--duration-seconds", "5", "--reason", "r");

        Assert.True(result.Exit == 3, result.ToString());
        Assert.Contains("--abort-http-status: ", result.Error, StringComparison.Ordinal);
        Assert.Contains("--duration-seconds: ", result.Error, StringComparison.Ordinal);
        Assert.Equal(before, await mesh.LatestRevisionAsync());
    }

    [Fact]
    public async Task ExperimentsShowAndStop_Unknown_Exit6()
    {
        using var ctl = mesh.Ctl();

        Assert.Equal(6, (await ctl.RunAsync("experiments", "show", "4242")).Exit);
        Assert.Equal(6, (await ctl.RunAsync("experiments", "stop", "4242")).Exit);
    }

    [Fact]
    public async Task ExperimentsRunWait_ReturnsOnceItCompleted()
    {
        using var ctl = mesh.Ctl();
        await mesh.Api.PutAsync("api/services/search", """{"owner":"s","version":0}""");

        var result = await ctl.RunAsync(
            "experiments", "run", "--name", "short", "--target", "search", "--delay-ms", "5", "--delay-percent", "10",
            "--duration-seconds", "10", "--reason", "a short one", "--wait");

        Assert.True(result.Exit == 0, result.ToString());
        Assert.Contains("waiting for its end", result.Out, StringComparison.Ordinal);
        Assert.Contains("state:     completed", result.Out, StringComparison.Ordinal);
        Assert.Contains("delay 5 ms to 10% of calls", result.Out, StringComparison.Ordinal);
    }

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
}
