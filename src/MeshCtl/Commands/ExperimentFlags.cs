using System.CommandLine;
using System.Text.Json.Nodes;

namespace MeshCtl.Commands;

/// <summary>
/// The flags of <c>experiments run</c>, one per field of <c>POST /api/experiments</c> (--delay-ms for delayMs);
/// only flags given are sent, and the console's field errors are shown with the flag's name.
/// </summary>
public sealed class ExperimentFlags
{
    private readonly List<(Option Option, string Field)> _flags = [];

    public ExperimentFlags()
    {
        Text("name", "A name for the experiment (up to 100 characters)", required: true);
        Text("target", "The service whose inbound calls get the fault", required: true);
        Text("sourceService", "Only calls from this service");
        Text("headerName", "Only calls with this header …");
        Text("headerValue", "… equal to this value");
        Whole("delayMs", "Delay these milliseconds (1–60000) …");
        Share("delayPercent", "… for this % of calls");
        Whole("abortHttpStatus", "Abort with this HTTP status (400–599) …");
        Whole("abortGrpcStatus", "… or this gRPC status (1–16) …");
        Share("abortPercent", "… for this % of calls");
        Whole("durationSeconds", "How long it runs (10 s to 7 days)", required: true);
        Text("conditionSource", "Abort condition: the calls from this service …");
        Text("conditionDestination", "… to this service …");
        Share("conditionErrorPercent", "… have an error % above this …");
        Whole("conditionForSeconds", "… for this many seconds (10–3600)");
        Text("reason", "Why, recorded in the revision that adds the fault", required: true);
    }

    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        foreach (var (option, _) in _flags)
            command.Add(option);
    }

    public JsonObject Body(Invocation run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var body = new JsonObject();
        foreach (var (option, field) in _flags)
        {
            if (!run.Given(option))
                continue;
            body[field] = option switch
            {
                Option<string> text => run.Value(text),
                Option<int> whole => run.Value(whole),
                Option<double> share => run.Value(share),
                _ => throw new InvalidOperationException($"unexpected flag type {option.GetType().Name}"),
            };
        }

        return body;
    }

    /// <summary>"abortHttpStatus: 200 is outside 400–599" becomes "--abort-http-status: 200 is outside 400–599".</summary>
    public static string NameFlag(string detail)
    {
        ArgumentNullException.ThrowIfNull(detail);
        var colon = detail.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
            return detail;
        var field = detail[..colon];
        return field.All(char.IsAsciiLetter) && field != "$" ? Flag(field) + detail[colon..] : detail;
    }

    private static string Flag(string field) =>
        "--" + string.Concat(field.Select(c => char.IsAsciiLetterUpper(c) ? "-" + char.ToLowerInvariant(c) : c.ToString()));

    private void Text(string field, string description, bool required = false) =>
        _flags.Add((new Option<string>(Flag(field)) { Description = description, Required = required }, field));

    private void Whole(string field, string description, bool required = false) =>
        _flags.Add((new Option<int>(Flag(field)) { Description = description, Required = required }, field));

    private void Share(string field, string description) =>
        _flags.Add((new Option<double>(Flag(field)) { Description = description }, field));
}
