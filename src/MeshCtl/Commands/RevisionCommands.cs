using System.CommandLine;
using System.Text.Json.Nodes;
using MeshCtl.Text;

namespace MeshCtl.Commands;

/// <summary><c>meshctl revisions list|show N|revert N</c>: the configuration's history (docs/history.md).</summary>
public static class RevisionCommands
{
    private static readonly string[] _kinds = ["service", "routes", "resilience", "faults", "access"];

    public static Command Create(CommandFactory define) =>
        CommandFactory.Group("revisions", "The history of every configuration change: list, show one with its diff, revert one.",
            List(define), Show(define), Revert(define));

    private static Command List(CommandFactory define)
    {
        var target = new Option<string?>("--target") { Description = "Only revisions of this service (or mesh, for access)", HelpName = "SERVICE" };
        var kind = new Option<string?>("--kind") { Description = string.Join("|", _kinds), HelpName = "KIND" };
        kind.AcceptOnlyFromAmong(_kinds);
        var actor = new Option<string?>("--actor") { Description = "Only revisions by this actor, e.g. alice or token:ci", HelpName = "ACTOR" };
        var limit = GlobalOptions.Whole("--limit", "How many, newest first (1–200)", 20, 1, 200);
        var output = GlobalOptions.Output(OutputFormat.Table, OutputFormat.Yaml, OutputFormat.Json);
        var command = define.Command("list", "Revisions newest first.", async (run, ct) =>
        {
            var query = new List<string> { $"pageSize={run.Value(limit)}" };
            if (run.Value(target) is { } t)
                query.Add($"target={Uri.EscapeDataString(t)}");
            if (run.Value(kind) is { } k)
                query.Add($"kind={k}");
            if (run.Value(actor) is { } a)
                query.Add($"actor={Uri.EscapeDataString(a)}");
            using var api = run.Connect();
            var page = await api.GetAsync("api/revisions?" + string.Join('&', query), ct).ConfigureAwait(false);
            if (OutputFormat.TryWriteData(run.Out, run.Value(output)!, page))
                return ExitCodes.Ok;

            var table = new Table("REVISION", "AT", "ACTOR", "KIND", "TARGET", "ACTION", "REASON");
            foreach (var item in page["items"]?.AsArray().OfType<JsonObject>() ?? [])
            {
                var revertOf = item["revertOf"]?.GetValue<long?>();
                table.Add(
                    Words.Whole(item["number"]!.GetValue<long>()), Words.Time(item["at"]), Words.Text(item["actor"]),
                    Words.Text(item["kind"]), Words.Text(item["target"]),
                    Words.Text(item["action"]) + (revertOf is { } r ? $" (revert of {r})" : ""),
                    OneLine(Words.Text(item["reason"])));
            }

            table.Write(run.Out);
            var total = page["total"]?.GetValue<int>() ?? table.Count;
            if (total > table.Count)
                await run.Out.WriteLineAsync($"({table.Count} of {total}; --limit shows more)").ConfigureAwait(false);
            return ExitCodes.Ok;
        });
        command.Add(target);
        command.Add(kind);
        command.Add(actor);
        command.Add(limit);
        command.Add(output);
        return command;
    }

    private static Command Show(CommandFactory define)
    {
        var number = Number("The revision's number");
        var output = GlobalOptions.Output(OutputFormat.Text, OutputFormat.Yaml, OutputFormat.Json);
        var command = define.Command("show", "One revision: who changed what, when and why, and the diff.", async (run, ct) =>
        {
            using var api = run.Connect();
            var revision = await api.GetAsync($"api/revisions/{run.Value(number)}", ct).ConfigureAwait(false);
            if (OutputFormat.TryWriteData(run.Out, run.Value(output)!, revision))
                return ExitCodes.Ok;

            var revertOf = revision["revertOf"]?.GetValue<long?>();
            await run.Out.WriteLineAsync(run.Colour.Bold($"revision {Words.Whole(revision["number"]!.GetValue<long>())}")).ConfigureAwait(false);
            await run.Out.WriteLineAsync($"at:     {Words.Time(revision["at"])}").ConfigureAwait(false);
            await run.Out.WriteLineAsync($"actor:  {Words.Text(revision["actor"])}").ConfigureAwait(false);
            await run.Out.WriteLineAsync($"change: {Words.Text(revision["action"])} {Words.Text(revision["kind"])}/{Words.Text(revision["target"])}{(revertOf is { } r ? $" (revert of revision {r})" : "")}").ConfigureAwait(false);
            await run.Out.WriteLineAsync($"reason: {Words.Text(revision["reason"])}").ConfigureAwait(false);
            await run.Out.WriteLineAsync().ConfigureAwait(false);
            run.Colour.WriteDiff(run.Out, Words.Text(revision["diff"]), indent: "");
            return ExitCodes.Ok;
        });
        command.Add(number);
        command.Add(output);
        return command;
    }

    private static Command Revert(CommandFactory define)
    {
        var number = Number("The revision to undo");
        var reason = new Option<string>("--reason") { Description = "Why, recorded in the new revision", Required = true, HelpName = "TEXT" };
        var force = new Option<bool>("--force") { Description = "Revert even though the document changed after that revision (overwrites those changes)" };
        var command = define.Command("revert", "Write a new revision that restores the document as it was before revision N.", async (run, ct) =>
        {
            using var api = run.Connect();
            var reverted = run.Value(number);
            JsonNode answer;
            try
            {
                answer = await api.PostAsync(
                    $"api/revisions/{reverted}/revert",
                    new JsonObject { ["reason"] = run.Value(reason), ["force"] = run.Value(force) },
                    ct).ConfigureAwait(false);
            }
            catch (MeshCtlException ex) when (ex.ExitCode == ExitCodes.Conflict && !run.Value(force))
            {
                throw new MeshCtlException(ex.ExitCode, ex.Message, [.. ex.Details, "--force reverts anyway, overwriting the later changes"]);
            }

            var written = answer["revision"]?.GetValue<long?>();
            var document = $"{Words.Text(answer["kind"])}/{Words.Text(answer["target"])}";
            await run.Out.WriteLineAsync(written is { } w
                ? $"Revision {w} reverts revision {reverted}: {document} {Words.Text(answer["status"])}."
                : $"Nothing to revert: {document} already is as it was before revision {reverted}.").ConfigureAwait(false);
            return ExitCodes.Ok;
        });
        command.Add(number);
        command.Add(reason);
        command.Add(force);
        return command;
    }

    private static Argument<long> Number(string description) => new("N")
    {
        Description = description,
        CustomParser = result =>
        {
            var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
            if (long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number) && number >= 1)
                return number;
            result.AddError($"N: \"{text}\" is not a revision number (a whole number from 1)");
            return 0;
        },
    };

    private static string OneLine(string text)
    {
        var line = text.ReplaceLineEndings(" ");
        return line.Length <= 60 ? line : line[..59] + "…";
    }
}
