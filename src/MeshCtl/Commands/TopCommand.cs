using System.CommandLine;
using System.Text.Json.Nodes;
using MeshCtl.Text;

namespace MeshCtl.Commands;

/// <summary>
/// <c>meshctl top</c>: the busiest edges of the live topology (<c>GET /api/topology</c>), redrawn every interval
/// until Ctrl-C, or --count times. On a terminal each drawing replaces the last; piped, they follow each other.
/// </summary>
public static class TopCommand
{
    private static readonly string[] _windows = ["1m", "5m", "15m", "1h"];

    public static Command Create(CommandFactory define)
    {
        ArgumentNullException.ThrowIfNull(define);
        var window = new Option<string>("--window") { Description = "The window figures are over: 1m, 5m, 15m or 1h", DefaultValueFactory = _ => "1m", HelpName = "W" };
        window.AcceptOnlyFromAmong(_windows);
        var limit = GlobalOptions.Whole("--limit", "How many edges, busiest first (1–1000)", 10, 1, 1000);
        var interval = new Option<TimeSpan>("--interval")
        {
            Description = "Time between drawings, e.g. 2s or 500ms (at least 100ms)",
            DefaultValueFactory = _ => TimeSpan.FromSeconds(2),
            HelpName = "DURATION",
            CustomParser = result =>
            {
                var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
                if (Interval.TryParse(text, out var parsed) && parsed >= TimeSpan.FromMilliseconds(100))
                    return parsed;
                result.AddError($"--interval: \"{text}\" is not a duration of at least 100ms such as 2s, 500ms or 1m");
                return default;
            },
        };
        var count = new Option<int?>("--count") { Description = "Draw this many times, then exit (default: until Ctrl-C)", HelpName = "N" };
        count.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is < 1)
                result.AddError($"--count: {result.GetValueOrDefault<int?>()} is not a whole number from 1");
        });
        var command = define.Command("top", "The busiest edges of the mesh: calls per second, error %, p50 and p99, redrawn live.", async (run, ct) =>
        {
            using var api = run.Connect();
            var times = run.Value(count);
            var redraw = run.Shell.OutIsTerminal;
            try
            {
                for (var drawn = 0; times is null || drawn < times; drawn++)
                {
                    if (drawn > 0)
                        await Task.Delay(run.Value(interval), ct).ConfigureAwait(false);
                    var topology = await api.GetAsync($"api/topology?window={run.Value(window)}", ct).ConfigureAwait(false);
                    if (redraw)
                        await run.Out.WriteAsync("\e[H\e[2J").ConfigureAwait(false);
                    else if (drawn > 0)
                        await run.Out.WriteLineAsync().ConfigureAwait(false);
                    await DrawAsync(topology, run.Value(limit), run.Out).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // Ctrl-C is how a live top is meant to end.
            }

            return ExitCodes.Ok;
        });
        command.Add(window);
        command.Add(limit);
        command.Add(interval);
        command.Add(count);
        return command;
    }

    public static async Task DrawAsync(JsonNode topology, int limit, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(topology);
        ArgumentNullException.ThrowIfNull(writer);
        var edges = (topology["edges"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        await writer.WriteLineAsync(
            $"{Words.Time(topology["at"])}   window {Words.Text(topology["window"])}   {edges.Count} edge{(edges.Count == 1 ? "" : "s")}").ConfigureAwait(false);
        if (edges.Count == 0)
        {
            await writer.WriteLineAsync("No calls in this window.").ConfigureAwait(false);
            return;
        }

        var table = new Table("SOURCE", "DESTINATION", "PROTOCOL", "RPS", "ERROR %", "P50 MS", "P99 MS", "CALLS");
        foreach (var edge in edges
                     .OrderByDescending(e => e["rps"]?.GetValue<double>() ?? 0)
                     .ThenBy(e => Words.Text(e["source"]), StringComparer.Ordinal)
                     .ThenBy(e => Words.Text(e["destination"]), StringComparer.Ordinal)
                     .Take(limit))
        {
            table.Add(
                Words.Text(edge["source"]), Words.Text(edge["destination"]), Words.Text(edge["protocol"]),
                Words.Fixed(edge["rps"], "0.00"), Words.Fixed(edge["errorPercent"], "0.0"),
                Words.Fixed(edge["p50"], "0.0"), Words.Fixed(edge["p99"], "0.0"), Words.Number(edge["requests"]));
        }

        table.Write(writer);
    }
}
