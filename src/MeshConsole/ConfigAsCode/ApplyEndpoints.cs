using System.Text.Json;
using System.Text.Json.Nodes;
using Mesh.Policy.Documents;
using Mesh.Policy.Validation;
using Mesh.Store;
using MeshConsole.Audit;
using MeshConsole.Data;
using Microsoft.AspNetCore.Authorization;

namespace MeshConsole.ConfigAsCode;

/// <summary>One document in the answer of an apply.</summary>
/// <param name="Kind">service, routes, resilience, faults or access.</param>
/// <param name="Target">The service, or <c>mesh</c>.</param>
/// <param name="Action">unchanged, create, update or delete.</param>
/// <param name="Version">The document's version now: after the apply, or as it stands for a dry run; 0 when there is none.</param>
/// <param name="Revision">The revision the apply wrote for it; null for a dry run or when unchanged.</param>
/// <param name="Diff">The stored document against the file's, a line each, '+', '-' or ' ' in front; empty when unchanged.</param>
public sealed record AppliedDocument(string Kind, string Target, string Action, long Version, long? Revision, string Diff);

/// <summary>The answer of an apply.</summary>
/// <param name="DryRun">Nothing was written: the plan only.</param>
/// <param name="Applied">The changes were written (false for a dry run, and when nothing changed).</param>
/// <param name="Revision">The latest revision after the apply (as it stands, for a dry run).</param>
/// <param name="Changes">Every document the file mentions (and, with prune, every one it deletes), in the order written.</param>
public sealed record ApplyResponse(bool DryRun, bool Applied, long Revision, IReadOnlyList<AppliedDocument> Changes);

/// <summary>REST for configuration as code: apply a file of the export's shape, all of it or nothing.</summary>
internal static class ApplyEndpoints
{
    /// <summary>A whole mesh's configuration is larger than one document; still bounded.</summary>
    private const int MaxBytes = 8 * RequestBody.MaxBytes;

    private static readonly string[] _bodyFields = ["config", "dryRun", "prune", "reason", "diffFormat"];

    public static IEndpointRouteBuilder MapApplyEndpoints(this IEndpointRouteBuilder app)
    {
        // Viewers may plan (a dry run writes nothing); writing checks each kind's writer role in the handler.
        app.MapPost("/api/config/apply", ApplyAsync)
            .RequireAuthorization(MeshPolicies.Viewer)
            .WithTags("History")
            .WithName("apply-config")
            .WithSummary("Applies a configuration file of the export's shape: every change in one transaction, or none; dryRun plans only.")
            .Produces<ApplyResponse>()
            .ProducesValidationProblem(StatusCodes.Status400BadRequest)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        return app;
    }

    private static async Task<IResult> ApplyAsync(
        HttpRequest request, WriteContext context, IAuthorizationService authorization, CancellationToken ct)
    {
        var (text, refusal) = await RequestBody.ReadJsonAsync(request, ct, MaxBytes);
        if (refusal is not null)
            return refusal;
        var (body, bodyErrors) = ReadBody(text!);
        if (body is null)
            return ApiResults.Invalid("Malformed apply request", bodyErrors, malformed: true);

        var stored = await context.Store.ListAsync(ct: ct);
        var (plan, errors) = ApplyPlan.Make(body.Config, stored, body.Prune, context.Documents, body.DiffFormat);
        if (errors.Count > 0)
            return ApiResults.Invalid("The configuration file is invalid: nothing was applied", errors);

        var writes = ApplyPlan.StoreChanges(plan);
        if (body.DryRun || writes.Count == 0)
            return Results.Ok(Answer(plan, null, body.DryRun, await context.Store.LatestRevisionAsync(ct)));

        foreach (var kind in writes.Select(w => w.Kind).Distinct())
        {
            var policy = ConfigWriter.WriterPolicy(kind);
            if (!(await authorization.AuthorizeAsync(request.HttpContext.User, policy)).Succeeded)
            {
                context.Metrics.WriteRejected(kind, "forbidden");
                return Results.Problem(
                    $"the file changes the {kind.Name()} policy, which needs the {policy} role: nothing was applied",
                    statusCode: StatusCodes.Status403Forbidden, title: "Forbidden");
            }
        }

        var batch = await context.Store.WriteAllAsync(writes, context.Actor.Current, body.Reason, ct);
        if (batch.RefusedAt is { } index)
        {
            var refused = writes[index];
            var result = batch.Results[0];
            context.Metrics.WriteRejected(refused.Kind, result.Status.ToString().ToLowerInvariant());
            return Results.Problem(
                $"{ApplyPlan.PathOf(refused.Kind, refused.Target)}: {result.Message} (nothing was applied; plan again and retry)",
                statusCode: result.Status == WriteStatus.Invalid ? StatusCodes.Status422UnprocessableEntity : StatusCodes.Status409Conflict,
                title: "Conflict");
        }

        foreach (var written in batch.Results.Where(r => r.Revision is not null))
            context.Metrics.RevisionWritten(written.Revision!.Kind);
        return Results.Ok(Answer(plan, batch, dryRun: false, await context.Store.LatestRevisionAsync(ct)));
    }

    private static ApplyResponse Answer(IReadOnlyList<PlannedChange> plan, BatchWriteResult? batch, bool dryRun, long latest)
    {
        var written = batch?.Results.Where(r => r.Revision is not null)
            .ToDictionary(r => (r.Revision!.Kind, r.Revision.Target)) ?? [];
        var documents = plan.Select(change =>
        {
            var result = written.GetValueOrDefault((change.Kind, change.Target));
            var version = result is null ? change.Current?.Version ?? 0 : result.Current?.Version ?? 0;
            return new AppliedDocument(
                change.Kind.Name(), change.Target, change.Action.ToString().ToLowerInvariant(), version,
                result?.Revision?.Number, string.Join('\n', change.Diff));
        }).ToList();
        return new ApplyResponse(dryRun, written.Count > 0, latest, documents);
    }

    private sealed record Body(JsonNode? Config, bool DryRun, bool Prune, string Reason, ExportFormat DiffFormat);

    private static (Body? Body, IReadOnlyList<ValidationError> Errors) ReadBody(string text)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false });
        }
        catch (JsonException ex)
        {
            return (null, [new ValidationError(ex.Path ?? "$", $"not JSON: {ex.Message}")]);
        }

        if (root is not JsonObject envelope)
            return (null, [new ValidationError("$", "must be an object: {\"config\": {...}, \"dryRun\": false, \"prune\": false, \"reason\": \"...\"}")]);

        var errors = new List<ValidationError>();
        foreach (var (field, _) in envelope)
        {
            if (!_bodyFields.Contains(field, StringComparer.Ordinal))
                errors.Add(new ValidationError(field, $"unknown field: the body has {string.Join(", ", _bodyFields)}"));
        }

        if (!envelope.ContainsKey("config"))
            errors.Add(new ValidationError("config", "required: the configuration to apply, of the shape GET /api/config/export gives"));
        var dryRun = Flag(envelope, "dryRun", errors);
        var prune = Flag(envelope, "prune", errors);
        var reason = "";
        if (envelope["reason"] is { } reasonNode)
        {
            if (reasonNode.GetValueKind() != JsonValueKind.String)
                errors.Add(new ValidationError("reason", "must be a string"));
            else if ((reason = reasonNode.GetValue<string>().Trim()).Length > ConfigRequest.MaxReasonLength)
                errors.Add(new ValidationError("reason", $"at most {ConfigRequest.MaxReasonLength} characters"));
        }

        var diffFormat = ExportFormat.Json;
        if (envelope["diffFormat"] is { } formatNode
            && (formatNode.GetValueKind() != JsonValueKind.String || !ExportWriter.TryParse(formatNode.GetValue<string>(), out diffFormat)))
            errors.Add(new ValidationError("diffFormat", "must be \"json\" or \"yaml\""));

        return errors.Count > 0 ? (null, errors) : (new Body(envelope["config"], dryRun, prune, reason, diffFormat), errors);
    }

    private static bool Flag(JsonObject envelope, string field, List<ValidationError> errors)
    {
        if (envelope[field] is not { } node)
            return false;
        if (node.GetValueKind() is JsonValueKind.True or JsonValueKind.False)
            return node.GetValue<bool>();
        errors.Add(new ValidationError(field, "must be true or false"));
        return false;
    }
}
