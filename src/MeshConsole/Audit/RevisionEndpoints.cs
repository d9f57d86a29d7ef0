using System.Security.Claims;
using System.Text.Json;
using Mesh.Policy.Documents;
using Mesh.Policy.Validation;
using Mesh.Store;
using Mesh.Store.Entities;
using MeshConsole.Data;
using Microsoft.AspNetCore.Authorization;

namespace MeshConsole.Audit;

/// <summary>REST for the configuration history: list, show with diff, revert.</summary>
internal static class RevisionEndpoints
{
    public static IEndpointRouteBuilder MapRevisionEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/revisions").WithTags("History").RequireAuthorization(MeshPolicies.Viewer);
        api.MapGet("/", ListAsync)
            .WithSummary("Revisions newest first; filter by target, kind and actor; page from 1.")
            .Produces<RevisionList>()
            .ProducesValidationProblem(StatusCodes.Status400BadRequest);
        api.MapGet("/{number:long}", GetAsync)
            .WithSummary("One revision with its before and after documents and a textual diff.")
            .Produces<RevisionDetail>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPost("/{number:long}/revert", RevertAsync)
            .WithSummary("Writes a new revision restoring the state before revision N; refused (409) when the target changed since, unless force is true.")
            .Accepts<RevertRequest>("application/json")
            .Produces<WriteResponse>(StatusCodes.Status200OK)
            .Produces<WriteResponse>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity)
            .RequireAuthorization(MeshPolicies.Operator);
        return app;
    }

    private static async Task<IResult> ListAsync(
        string? target, string? kind, string? actor, string? page, string? pageSize, ConfigStore store, CancellationToken ct)
    {
        var errors = new List<ValidationError>();
        ConfigKind? parsedKind = null;
        if (!string.IsNullOrEmpty(kind))
        {
            if (ConfigKinds.TryParse(kind, out var k))
                parsedKind = k;
            else
                errors.Add(new ValidationError("kind", $"\"{kind}\" is not one of {string.Join(", ", ConfigKinds.All.Select(x => x.Name()))}"));
        }

        var pageNumber = ParseInt(page, "page", 1, int.MaxValue, 1, errors);
        var size = ParseInt(pageSize, "pageSize", 1, RevisionQuery.MaxPageSize, 50, errors);
        if (errors.Count > 0)
            return ApiResults.Invalid("Bad query", errors, malformed: true);

        var result = await store.ListRevisionsAsync(
            new RevisionQuery { Target = target, Kind = parsedKind, Actor = actor, Page = pageNumber, PageSize = size }, ct);
        return Results.Ok(new RevisionList(result.Items.Select(RevisionSummary.From).ToList(), result.Page, result.PageSize, result.Total));
    }

    private static async Task<IResult> GetAsync(long number, ConfigStore store, CancellationToken ct)
    {
        var revision = await store.GetRevisionAsync(number, ct);
        return revision is null
            ? ApiResults.NotFound($"revision {number} does not exist")
            : Results.Ok(RevisionDetail.From(revision));
    }

    private static async Task<IResult> RevertAsync(
        long number, HttpRequest request, WriteContext context, ClaimsPrincipal user, IAuthorizationService authorization, CancellationToken ct)
    {
        var revert = new RevertRequest();
        if (request.ContentLength is > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            try
            {
                revert = await request.ReadFromJsonAsync<RevertRequest>(ct) ?? revert;
            }
            catch (JsonException ex)
            {
                return ApiResults.Invalid("Bad revert request", [new ValidationError(ex.Path?.TrimStart('$', '.') ?? "", "malformed: expected {\"reason\": string, \"force\": bool}")], malformed: true);
            }
        }

        if (revert.Reason is { Length: > ConfigRequest.MaxReasonLength })
            return ApiResults.Invalid("Bad revert request", [new ValidationError("reason", $"at most {ConfigRequest.MaxReasonLength} characters")]);

        var reverted = await context.Store.GetRevisionAsync(number, ct);
        if (reverted is null)
            return ApiResults.NotFound($"revision {number} does not exist");
        // Reverting an access revision changes who may call whom: the admin's, like writing it.
        if (reverted.Kind == ConfigKind.Access && !(await authorization.AuthorizeAsync(user, MeshPolicies.Admin)).Succeeded)
            return Results.Forbid();

        var reason = string.IsNullOrEmpty(revert.Reason) ? $"revert of revision {number}" : revert.Reason;
        var result = await context.Store.RevertAsync(number, context.Actor.Current, reason, revert.Force, ct);
        return context.Record(result, reverted.Kind, reverted.Target, $"/api/revisions/{result.Revision?.Number}");
    }

    private static int ParseInt(string? text, string field, int min, int max, int fallback, List<ValidationError> errors)
    {
        if (string.IsNullOrEmpty(text))
            return fallback;
        if (int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
            return value;
        errors.Add(new ValidationError(field, $"\"{text}\" is not a whole number from {min} to {max}"));
        return fallback;
    }
}

/// <summary>The body of a revert; both fields optional.</summary>
public sealed record RevertRequest
{
    public string? Reason { get; init; }

    public bool Force { get; init; }
}

/// <summary>A page of revisions.</summary>
public sealed record RevisionList(IReadOnlyList<RevisionSummary> Items, int Page, int PageSize, int Total);

/// <summary>A revision without its documents.</summary>
public sealed record RevisionSummary(
    long Number, DateTimeOffset At, string Actor, string Kind, string Target, string Action, string Reason, long? RevertOf)
{
    public static RevisionSummary From(ConfigRevision r) =>
        new(r.Number, r.At, r.Actor, r.Kind.Name(), r.Target, r.Action.ToString().ToLowerInvariant(), r.Reason, r.RevertOf);
}

/// <summary>A revision with its before and after documents and their diff.</summary>
public sealed record RevisionDetail(
    long Number, DateTimeOffset At, string Actor, string Kind, string Target, string Action, string Reason, long? RevertOf,
    JsonElement? Before, JsonElement? After, string Diff)
{
    public static RevisionDetail From(ConfigRevision r) => new(
        r.Number, r.At, r.Actor, r.Kind.Name(), r.Target, r.Action.ToString().ToLowerInvariant(), r.Reason, r.RevertOf,
        Parse(r.Kind, r.Before), Parse(r.Kind, r.After), RevisionDiff.Text(r));

    private static JsonElement? Parse(ConfigKind kind, string? json) =>
        json is null ? null : JsonDocument.Parse(ConfigDocuments.Canonical(kind, json)).RootElement.Clone();
}
