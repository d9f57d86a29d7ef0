using Mesh.Policy.Validation;
using Mesh.Store;
using MeshConsole.Data;

namespace MeshConsole.Audit;

/// <summary>REST for exports: the whole configuration, or one revision, as JSON or YAML.</summary>
internal static class ExportEndpoints
{
    public static IEndpointRouteBuilder MapExportEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("History").RequireAuthorization(MeshPolicies.Viewer);
        api.MapGet("/config/export", ExportConfigAsync)
            .WithName("export-config")
            .WithSummary("Every document at the latest revision, grouped by service; ?format=json (default) or yaml.")
            .Produces(StatusCodes.Status200OK, contentType: "application/json", additionalContentTypes: "application/yaml")
            .ProducesValidationProblem(StatusCodes.Status400BadRequest);
        api.MapGet("/revisions/{number:long}/export", ExportRevisionAsync)
            .WithName("export-revision")
            .WithSummary("One revision with its before and after documents; ?format=json (default) or yaml.")
            .Produces(StatusCodes.Status200OK, contentType: "application/json", additionalContentTypes: "application/yaml")
            .ProducesValidationProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<IResult> ExportConfigAsync(string? format, ConfigStore store, CancellationToken ct)
    {
        if (!TryFormat(format, out var parsed, out var refusal))
            return refusal;
        var snapshot = await store.ReadSnapshotAsync(ct);
        return File(ConfigExport.Of(snapshot), parsed, $"mesh-config-r{snapshot.Revision}");
    }

    private static async Task<IResult> ExportRevisionAsync(long number, string? format, ConfigStore store, CancellationToken ct)
    {
        if (!TryFormat(format, out var parsed, out var refusal))
            return refusal;
        var revision = await store.GetRevisionAsync(number, ct);
        return revision is null
            ? ApiResults.NotFound($"revision {number} does not exist")
            : File(ConfigExport.Of(revision), parsed, $"mesh-revision-{number}");
    }

    private static bool TryFormat(string? text, out ExportFormat format, out IResult refusal)
    {
        refusal = Results.Empty;
        if (text is null)
        {
            format = ExportFormat.Json;
            return true;
        }
        if (ExportWriter.TryParse(text, out format))
            return true;
        refusal = ApiResults.Invalid("Bad query", [new ValidationError("format", $"\"{text}\" is not json or yaml")], malformed: true);
        return false;
    }

    private static Attachment File(System.Text.Json.Nodes.JsonNode tree, ExportFormat format, string name) =>
        new(Results.Text(ExportWriter.Write(tree, format), ExportWriter.ContentType(format) + "; charset=utf-8"), ConfigExport.FileName(name, format));

    /// <summary>The export with a file name, so a browser or curl -OJ saves it as one.</summary>
    private sealed class Attachment(IResult inner, string fileName) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.ContentDisposition = $"attachment; filename=\"{fileName}\"";
            return inner.ExecuteAsync(httpContext);
        }
    }
}
