using System.CommandLine;
using System.Text.Json.Nodes;
using MeshCtl.Text;

namespace MeshCtl.Commands;

/// <summary><c>meshctl sidecars</c>: every known sidecar and where it stands with the latest snapshot.</summary>
public static class SidecarsCommand
{
    public static Command Create(CommandFactory define)
    {
        ArgumentNullException.ThrowIfNull(define);
        var output = GlobalOptions.Output(OutputFormat.Table, OutputFormat.Yaml, OutputFormat.Json);
        var command = define.Command("sidecars", "Every sidecar: service, instance, labels, applied and latest revision, sync state.", async (run, ct) =>
        {
            using var api = run.Connect();
            var sidecars = await api.GetAsync("api/sidecars", ct).ConfigureAwait(false);
            if (OutputFormat.TryWriteData(run.Out, run.Value(output)!, sidecars))
                return ExitCodes.Ok;

            var table = new Table("SERVICE", "INSTANCE", "LABELS", "APPLIED", "LATEST", "STATE");
            foreach (var sidecar in sidecars.AsArray().OfType<JsonObject>()
                         .OrderBy(s => Words.Text(s["service"]), StringComparer.Ordinal)
                         .ThenBy(s => Words.Text(s["instanceId"]), StringComparer.Ordinal))
            {
                var labels = (sidecar["labels"] as JsonObject ?? [])
                    .OrderBy(l => l.Key, StringComparer.Ordinal)
                    .Select(l => $"{l.Key}={l.Value?.GetValue<string>()}");
                var state = Words.Text(sidecar["state"]);
                if (sidecar["error"]?.GetValue<string>() is { Length: > 0 } error)
                    state += $": {error}";
                table.Add(
                    Words.Text(sidecar["service"]), Words.Text(sidecar["instanceId"]), string.Join(',', labels),
                    Words.Number(sidecar["appliedRevision"]), Words.Number(sidecar["latestRevision"]), state);
            }

            if (table.Count == 0)
                await run.Out.WriteLineAsync("No sidecar has connected to this console.").ConfigureAwait(false);
            else
                table.Write(run.Out);
            return ExitCodes.Ok;
        });
        command.Add(output);
        return command;
    }
}
