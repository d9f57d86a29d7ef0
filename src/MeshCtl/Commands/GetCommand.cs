using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using MeshCtl.Connection;
using MeshCtl.Text;

namespace MeshCtl.Commands;

/// <summary>
/// <c>meshctl get KIND [service]</c>: documents in the shape of the console's export
/// (<c>{revision, access, services: {name: {service, routes, resilience, faults}}}</c>), cut down to what was
/// asked, so the output is a file <c>meshctl apply</c> takes back. <c>-o table</c> lists versions and authors.
/// </summary>
public static class GetCommand
{
    public const string Config = "config";
    public const string Services = "services";
    public const string Access = "access";

    private static readonly string[] _kinds = ["routes", "resilience", "faults", Services, Access, Config];

    public static Command Create(CommandFactory define)
    {
        ArgumentNullException.ThrowIfNull(define);
        var kind = new Argument<string>("kind") { Description = string.Join("|", _kinds), HelpName = "KIND" };
        kind.AcceptOnlyFromAmong(_kinds);
        var service = new Argument<string?>("service") { Description = "Only this service's document", Arity = ArgumentArity.ZeroOrOne, HelpName = "SERVICE" };
        var output = GlobalOptions.Output(OutputFormat.Yaml, OutputFormat.Json, OutputFormat.Table);
        var command = define.Command("get", "Print documents as YAML (the export's shape, ready for apply), JSON, or a table of versions.", async (run, ct) =>
        {
            var what = run.Value(kind)!;
            var name = run.Value(service);
            if (what == Access && name is not null)
                throw MeshCtlException.Usage($"get access takes no service (the access policy is the whole mesh's), got \"{name}\"");
            using var api = run.Connect();
            var format = run.Value(output)!;
            if (format == OutputFormat.Table)
            {
                await TableAsync(api, what, name, run.Out, ct).ConfigureAwait(false);
                return ExitCodes.Ok;
            }

            var export = (JsonObject)await api.GetAsync("api/config/export?format=json", ct).ConfigureAwait(false);
            OutputFormat.TryWriteData(run.Out, format, Select(export, what, name));
            return ExitCodes.Ok;
        });
        command.Add(kind);
        command.Add(service);
        command.Add(output);
        return command;
    }

    /// <summary>The part of an export that holds the asked documents; none of them is a not-found error.</summary>
    public static JsonObject Select(JsonObject export, string kind, string? service)
    {
        ArgumentNullException.ThrowIfNull(export);
        var revision = export["revision"]?.DeepClone();
        var services = export["services"] as JsonObject ?? [];
        if (kind == Access)
        {
            if (export["access"] is not JsonObject access)
                throw new MeshCtlException(ExitCodes.NotFound, "the mesh has no access policy: every call is allowed (the default)");
            return new JsonObject { ["revision"] = revision, ["access"] = access.DeepClone() };
        }

        if (service is not null && services[service] is not JsonObject)
            throw new MeshCtlException(ExitCodes.NotFound, $"service {service} does not exist");
        var picked = new JsonObject();
        foreach (var (name, documents) in services)
        {
            if (service is not null && name != service)
                continue;
            if (kind == Config)
            {
                picked[name] = documents!.DeepClone();
                continue;
            }

            var key = DocumentKey(kind);
            if (documents?[key] is JsonObject document)
                picked[name] = new JsonObject { [key] = document.DeepClone() };
        }

        if (service is not null && picked.Count == 0)
            throw new MeshCtlException(ExitCodes.NotFound, $"service {service} has no {kind} policy");
        var result = new JsonObject { ["revision"] = revision };
        if (kind == Config && service is null && export["access"] is JsonObject wholeAccess)
            result["access"] = wholeAccess.DeepClone();
        result["services"] = picked;
        return result;
    }

    /// <summary>The export's key of a kind: services hold their <c>service</c> document.</summary>
    public static string DocumentKey(string kind) => kind == Services ? "service" : kind;

    private static async Task TableAsync(MeshApi api, string kind, string? service, TextWriter writer, CancellationToken ct)
    {
        var list = (JsonArray)await api.GetAsync("api/services", ct).ConfigureAwait(false);
        if (service is not null && !list.Any(s => Text(s?["name"]) == service))
            throw new MeshCtlException(ExitCodes.NotFound, $"service {service} does not exist");
        var table = new Table("KIND", "TARGET", "VERSION", "REVISION", "UPDATED", "BY");
        if (kind is Access or Config && service is null)
        {
            var access = await api.GetAsync("api/access", ct).ConfigureAwait(false);
            var version = access["version"]?.GetValue<long>() ?? 0;
            if (version == 0 && kind == Access)
                table.Add(Access, "mesh", "0", "-", "-", "(default: allow every call)");
            else if (version > 0)
            {
                // GET /api/access says the version only; the latest access revision says when and who.
                var latest = (await api.GetAsync("api/revisions?kind=access&pageSize=1", ct).ConfigureAwait(false))["items"]?.AsArray().FirstOrDefault();
                table.Add(Access, "mesh", Number(version), Number(latest?["number"]), Time(latest?["at"]), Text(latest?["actor"]));
            }
        }

        foreach (var entry in list.OfType<JsonObject>().Where(s => service is null || Text(s["name"]) == service))
        {
            var name = Text(entry["name"]);
            if (kind is Services or Config)
                table.Add("service", name, Number(entry["version"]), Number(entry["revision"]), Time(entry["updatedAt"]), Text(entry["updatedBy"]));
            foreach (var (policyKind, summary) in entry["policies"] as JsonObject ?? [])
            {
                if (kind == Config || kind == policyKind)
                    table.Add(policyKind, name, Number(summary?["version"]), Number(summary?["revision"]), Time(summary?["updatedAt"]), Text(summary?["updatedBy"]));
            }
        }

        if (service is not null && table.Count == 0)
            throw new MeshCtlException(ExitCodes.NotFound, $"service {service} has no {kind} policy");
        if (table.Count == 0)
            await writer.WriteLineAsync(kind == Config ? "The mesh has no documents yet." : $"No service has a {DocumentKey(kind)} document.").ConfigureAwait(false);
        else
            table.Write(writer);
    }

    private static string Text(JsonNode? node) => node?.GetValue<string>() ?? "";

    private static string Number(JsonNode? node) => node is null ? "" : node.GetValue<long>().ToString(CultureInfo.InvariantCulture);

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Time(JsonNode? node) =>
        node is null ? "" : node.GetValue<DateTimeOffset>().ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
