using System.CommandLine;
using System.Text.Json.Nodes;
using MeshCtl.Text;

namespace MeshCtl.Commands;

/// <summary><c>meshctl experiments run|stop|show|list</c>: fault-injection experiments (docs/experiments.md).</summary>
public static class ExperimentCommands
{
    public static Command Create(CommandFactory define) =>
        CommandFactory.Group("experiments", "Fault-injection experiments: start one, stop it, read its outcome.",
            Run(define), Stop(define), Show(define), List(define));

    private static Command Run(CommandFactory define)
    {
        var request = new ExperimentFlags();
        var wait = new Option<bool>("--wait") { Description = "Wait until the experiment ends, then show its outcome" };
        var output = GlobalOptions.Output(OutputFormat.Text, OutputFormat.Yaml, OutputFormat.Json);
        var command = define.Command("run", "Start an experiment: a fault for a while, ended early when its abort condition holds.", async (run, ct) =>
        {
            using var api = run.Connect();
            JsonNode experiment;
            try
            {
                experiment = await api.PostAsync("api/experiments", request.Body(run), ct).ConfigureAwait(false);
            }
            catch (MeshCtlException ex)
            {
                throw new MeshCtlException(ex.ExitCode, ex.Message, ex.Details.Select(ExperimentFlags.NameFlag).ToList());
            }

            var id = experiment["id"]!.GetValue<long>();
            if (run.Value(wait))
            {
                var report = run.Value(output) == OutputFormat.Text;
                if (report)
                    await run.Out.WriteLineAsync($"Experiment {id} started (revision {Words.Number(experiment["startRevision"])}); waiting for its end.").ConfigureAwait(false);
                experiment = await WaitAsync(api, experiment, report ? run.Out : TextWriter.Null, ct).ConfigureAwait(false);
            }

            if (!OutputFormat.TryWriteData(run.Out, run.Value(output)!, experiment))
                await WriteAsync(experiment, run).ConfigureAwait(false);
            return ExitCodes.Ok;
        });
        request.AddTo(command);
        command.Add(wait);
        command.Add(output);
        return command;
    }

    private static Command Stop(CommandFactory define)
    {
        var id = Id();
        var command = define.Command("stop", "End a running experiment now and remove its fault.", async (run, ct) =>
        {
            using var api = run.Connect();
            var experiment = await api.PostAsync($"api/experiments/{run.Value(id)}/stop", null, ct).ConfigureAwait(false);
            await run.Out.WriteLineAsync(
                $"Experiment {run.Value(id)} stopped (fault removed in revision {Words.Number(experiment["endRevision"])}).").ConfigureAwait(false);
            return ExitCodes.Ok;
        });
        command.Add(id);
        return command;
    }

    private static Command Show(CommandFactory define)
    {
        var id = Id();
        var output = GlobalOptions.Output(OutputFormat.Text, OutputFormat.Yaml, OutputFormat.Json);
        var command = define.Command("show", "One experiment: its fault, state, progress and before / during / after figures.", async (run, ct) =>
        {
            using var api = run.Connect();
            var experiment = await api.GetAsync($"api/experiments/{run.Value(id)}", ct).ConfigureAwait(false);
            if (!OutputFormat.TryWriteData(run.Out, run.Value(output)!, experiment))
                await WriteAsync(experiment, run).ConfigureAwait(false);
            return ExitCodes.Ok;
        });
        command.Add(id);
        command.Add(output);
        return command;
    }

    private static Command List(CommandFactory define)
    {
        var output = GlobalOptions.Output(OutputFormat.Table, OutputFormat.Yaml, OutputFormat.Json);
        var command = define.Command("list", "Running experiments first, then past ones.", async (run, ct) =>
        {
            using var api = run.Connect();
            var experiments = await api.GetAsync("api/experiments", ct).ConfigureAwait(false);
            if (OutputFormat.TryWriteData(run.Out, run.Value(output)!, experiments))
                return ExitCodes.Ok;
            var table = new Table("ID", "NAME", "STATE", "TARGET", "PROGRESS", "STARTED", "BY");
            foreach (var e in experiments.AsArray().OfType<JsonObject>())
            {
                table.Add(
                    Words.Number(e["id"]), Words.Text(e["name"]), Words.Text(e["state"]), Words.Text(e["target"]),
                    Words.Fixed(e["progress"], "0") + "%", Words.Time(e["startedAt"]), Words.Text(e["startedBy"]));
            }

            if (table.Count == 0)
                await run.Out.WriteLineAsync("No experiments yet.").ConfigureAwait(false);
            else
                table.Write(run.Out);
            return ExitCodes.Ok;
        });
        command.Add(output);
        return command;
    }

    private static Argument<long> Id() => new("ID") { Description = "The experiment's id (experiments list shows them)" };

    /// <summary>Polls until the experiment leaves running; bounded by its planned end plus two minutes.</summary>
    private static async Task<JsonNode> WaitAsync(Connection.MeshApi api, JsonNode experiment, TextWriter progress, CancellationToken ct)
    {
        var id = experiment["id"]!.GetValue<long>();
        var deadline = experiment["endsAt"]!.GetValue<DateTimeOffset>() + TimeSpan.FromMinutes(2);
        var shown = -1;
        while (Words.Text(experiment["state"]) == "running")
        {
            if (DateTimeOffset.UtcNow > deadline)
                throw new MeshCtlException(ExitCodes.Failure, $"experiment {id} still runs two minutes after its planned end; is a console running its runner?");
            var tenth = (int)(experiment["progress"]?.GetValue<double>() ?? 0) / 10;
            if (tenth != shown)
            {
                shown = tenth;
                await progress.WriteLineAsync($"  running: {tenth * 10}%").ConfigureAwait(false);
            }

            await Task.Delay(TimeSpan.FromSeconds(1), ct).ConfigureAwait(false);
            experiment = await api.GetAsync($"api/experiments/{id}", ct).ConfigureAwait(false);
        }

        return experiment;
    }

    private static async Task WriteAsync(JsonNode e, Invocation run)
    {
        var o = run.Out;
        await o.WriteLineAsync(run.Colour.Bold($"experiment {Words.Number(e["id"])}: {Words.Text(e["name"])}")).ConfigureAwait(false);
        var state = Words.Text(e["state"]);
        var end = e["endReason"]?.GetValue<string>() is { Length: > 0 } why ? $" ({why})" : "";
        await o.WriteLineAsync($"state:     {state}{end}, {Words.Fixed(e["progress"], "0")}% of its time").ConfigureAwait(false);
        var only = new List<string>();
        if (e["sourceService"]?.GetValue<string>() is { Length: > 0 } source)
            only.Add($"calls from {source}");
        if (e["headerName"]?.GetValue<string>() is { Length: > 0 } header)
            only.Add($"with {header}: {Words.Text(e["headerValue"])}");
        await o.WriteLineAsync($"target:    {Words.Text(e["target"])}{(only.Count > 0 ? $" ({string.Join(", ", only)})" : "")}").ConfigureAwait(false);
        await o.WriteLineAsync($"fault:     {Fault(e)} (rule {Words.Text(e["faultName"])})").ConfigureAwait(false);
        await o.WriteLineAsync($"time:      {Words.Time(e["startedAt"])} → {Words.Time(e["endsAt"])} ({Words.Number(e["durationSeconds"])} s)").ConfigureAwait(false);
        if (e["condition"] is JsonObject c)
        {
            await o.WriteLineAsync(
                $"condition: error % of {Words.Text(c["source"])}→{Words.Text(c["destination"])} above {Words.Number(c["errorPercent"])} for {Words.Number(c["forSeconds"])} s").ConfigureAwait(false);
        }

        await o.WriteLineAsync($"started:   by {Words.Text(e["startedBy"])}, revision {Words.Number(e["startRevision"])}").ConfigureAwait(false);
        if (e["endedAt"] is not null)
            await o.WriteLineAsync($"ended:     {Words.Time(e["endedAt"])} by {Words.Text(e["endedBy"])}, revision {Words.Number(e["endRevision"])}").ConfigureAwait(false);
        await o.WriteLineAsync($"reason:    {Words.Text(e["reason"])}").ConfigureAwait(false);
        if (e["figures"] is not JsonObject figures)
            return;

        await o.WriteLineAsync().ConfigureAwait(false);
        var table = new Table("PHASE", "CALLS", "RPS", "ERROR %", "P50 MS", "P99 MS", "OF");
        foreach (var phase in new[] { "before", "during", "after" })
        {
            if (figures[phase] is not JsonObject span)
                continue;
            Row(table, phase, span["target"], $"calls into {Words.Text(e["target"])}");
            if (span["edge"] is JsonObject edge && e["condition"] is JsonObject condition)
                Row(table, phase, edge, $"{Words.Text(condition["source"])}→{Words.Text(condition["destination"])}");
        }

        table.Write(o);
    }

    private static void Row(Table table, string phase, JsonNode? f, string of) => table.Add(
        phase, Words.Number(f?["requests"]), Words.Fixed(f?["requestsPerSecond"], "0.##"), Words.Fixed(f?["errorPercent"], "0.#"),
        Words.Fixed(f?["p50Milliseconds"], "0.#"), Words.Fixed(f?["p99Milliseconds"], "0.#"), of);

    private static string Fault(JsonNode e)
    {
        var parts = new List<string>();
        if (e["delayMs"] is not null)
            parts.Add($"delay {Words.Number(e["delayMs"])} ms to {Words.Number(e["delayPercent"])}% of calls");
        if (e["abortHttpStatus"] is not null)
            parts.Add($"abort with HTTP {Words.Number(e["abortHttpStatus"])} to {Words.Number(e["abortPercent"])}% of calls");
        if (e["abortGrpcStatus"] is not null)
            parts.Add($"abort with gRPC status {Words.Number(e["abortGrpcStatus"])} to {Words.Number(e["abortPercent"])}% of calls");
        return string.Join("; ", parts);
    }

}
