using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using MeshCtl.Text;

namespace MeshCtl.Commands;

/// <summary>
/// <c>meshctl apply -f FILE</c>: sends a configuration file to <c>POST /api/config/apply</c>, which validates
/// every document and writes all or nothing, and prints the plan it answers (per document created, updated,
/// deleted or unchanged, with a diff) and the revisions written.
/// </summary>
public static class ApplyCommand
{
    public static Command Create(CommandFactory define)
    {
        ArgumentNullException.ThrowIfNull(define);
        var file = new Option<string>("--filename", "-f")
        {
            Description = "The YAML (or JSON) file to apply, or - for standard input",
            Required = true,
            HelpName = "FILE",
        };
        var dryRun = new Option<bool>("--dry-run") { Description = "Show the plan; write nothing" };
        var prune = new Option<bool>("--prune") { Description = "Also delete every document the file does not mention" };
        var reason = new Option<string?>("--reason") { Description = "Why, recorded in each revision (up to 2,000 characters)", HelpName = "TEXT" };
        var output = GlobalOptions.Output(OutputFormat.Text, OutputFormat.Yaml, OutputFormat.Json);
        var command = define.Command("apply", "Make the mesh's configuration what a file says: validated by the console, written all or nothing.", async (run, ct) =>
        {
            var config = await ConfigFile.ReadAsync(run.Value(file)!, run.Shell.In, ct).ConfigureAwait(false);
            var body = new JsonObject
            {
                ["config"] = config,
                ["dryRun"] = run.Value(dryRun),
                ["prune"] = run.Value(prune),
                // Diffs in YAML read like the files operators write.
                ["diffFormat"] = "yaml",
            };
            if (run.Value(reason) is { } why)
                body["reason"] = why;

            using var api = run.Connect();
            var answer = await api.PostAsync("api/config/apply", body, ct).ConfigureAwait(false);
            if (!OutputFormat.TryWriteData(run.Out, run.Value(output)!, answer))
                await WritePlanAsync(answer, run.Out, run.Colour).ConfigureAwait(false);
            return ExitCodes.Ok;
        });
        command.Add(file);
        command.Add(dryRun);
        command.Add(prune);
        command.Add(reason);
        command.Add(output);
        return command;
    }

    public static async Task WritePlanAsync(JsonNode answer, TextWriter writer, Colour colour)
    {
        ArgumentNullException.ThrowIfNull(answer);
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(colour);
        var dryRun = answer["dryRun"]?.GetValue<bool>() ?? false;
        var changes = answer["changes"] as JsonArray ?? [];
        var written = new List<long>();
        foreach (var change in changes.OfType<JsonObject>())
        {
            var kind = change["kind"]?.GetValue<string>() ?? "";
            var target = change["target"]?.GetValue<string>() ?? "";
            var action = change["action"]?.GetValue<string>() ?? "";
            var revision = change["revision"]?.GetValue<long?>();
            if (revision is { } r)
                written.Add(r);
            var name = kind == GetCommand.Access ? GetCommand.Access : $"{kind}/{target}";
            var where = revision is { } n ? $" (revision {n})" : "";
            var verb = action switch
            {
                "create" or "created" => colour.Added(dryRun ? "would be created" : "created"),
                "delete" or "deleted" => colour.Removed(dryRun ? "would be deleted" : "deleted"),
                "update" or "updated" => colour.Bold(dryRun ? "would be updated" : "updated"),
                _ => colour.Dim(action),
            };
            await writer.WriteLineAsync($"{name}: {verb}{where}").ConfigureAwait(false);
            colour.WriteDiff(writer, change["diff"]?.GetValue<string>());
        }

        var latest = answer["revision"]?.GetValue<long>() ?? 0;
        var changed = changes.Count(c => c?["action"]?.GetValue<string>() is not "unchanged");
        var summary = (dryRun, changed, written.Count) switch
        {
            (true, 0, _) => $"Dry run: nothing would change (the mesh is at revision {latest}).",
            (true, _, _) => $"Dry run: {changed} document{Plural(changed)} would change; nothing written (the mesh is at revision {latest}).",
            (false, 0, _) => $"Nothing to change: no revision written (the mesh is at revision {latest}).",
            (false, _, 0) => $"Applied: the mesh is at revision {latest}.",
            (false, _, 1) => $"Applied: revision {written[0]} written.",
            _ => $"Applied: revisions {string.Join(", ", written.Order().Select(r => r.ToString(CultureInfo.InvariantCulture)))} written.",
        };
        await writer.WriteLineAsync(summary).ConfigureAwait(false);
    }

    private static string Plural(int count) => count == 1 ? "" : "s";
}
