using Mesh.Policy.Access;
using Mesh.Policy.Documents;
using Mesh.Store;
using MeshConsole.Data;
using MeshConsole.Telemetry.Aggregation;

namespace MeshConsole.Access;

/// <summary>
/// The access questions scripts ask: would this call be allowed (<c>what-if</c>), and which of the last
/// hour's edges would a draft cut (<c>impact</c>). Both read and judge; neither writes, so a viewer may ask.
/// </summary>
internal static class AccessEndpoints
{
    public static IEndpointRouteBuilder MapAccessEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/access").WithTags("Access").RequireAuthorization(MeshPolicies.Viewer);
        api.MapPost("/what-if", WhatIfAsync)
            .WithName("access-what-if")
            .WithSummary("Judges one call (source, destination, method, path) with the sidecar's evaluator, against the saved access policy or the 'policy' given.")
            .Produces<WhatIfAnswer>()
            .ProducesValidationProblem(StatusCodes.Status400BadRequest)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);
        api.MapPost("/impact", ImpactAsync)
            .WithName("access-impact")
            .WithSummary("The edges seen in the last hour that the draft access policy in 'policy' would cut, compared with the saved one.")
            .Produces<ImpactAnswer>()
            .ProducesValidationProblem(StatusCodes.Status400BadRequest)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);
        return app;
    }

    private static async Task<IResult> WhatIfAsync(HttpRequest request, ConfigStore store, ConfigDocuments documents, CancellationToken ct)
    {
        var (body, refusal) = await RequestBody.ReadJsonAsync(request, ct);
        if (refusal is not null)
            return refusal;
        var read = AccessRequests.ReadWhatIf(documents, body!);
        if (read.Errors.Count > 0)
            return ApiResults.Invalid("Invalid what-if question", read.Errors, read.Malformed);

        var (question, draft) = read.Value;
        var (saved, version) = await SavedAsync(store, ct);
        var policy = draft ?? saved;
        var decision = AccessCheck.Judge(policy, question.Request());
        return Results.Ok(new WhatIfAnswer(
            decision.Action == AccessAction.Allow,
            decision.Action,
            decision.RuleIndex,
            decision.RuleIndex is { } index ? policy.Rules[index] : null,
            decision.Explanation,
            draft is null ? "saved" : "draft",
            draft is null ? version : null));
    }

    private static async Task<IResult> ImpactAsync(
        HttpRequest request, ConfigStore store, ConfigDocuments documents, AccessTraffic traffic, CancellationToken ct)
    {
        var (body, refusal) = await RequestBody.ReadJsonAsync(request, ct);
        if (refusal is not null)
            return refusal;
        var read = AccessRequests.ReadImpact(documents, body!);
        if (read.Errors.Count > 0 || read.Value is not { } draft)
            return ApiResults.Invalid("Invalid draft access policy", read.Errors, read.Malformed);

        var (saved, version) = await SavedAsync(store, ct);
        var edges = await traffic.LastHourAsync(ct);
        var cut = AccessImpact.Of(saved, draft, edges).Select(i => new CutEdge(
            i.Edge.Source, i.Edge.Destination, i.Edge.Requests, i.Extent,
            [.. i.Cut.Select(c => new CutCall(c.Call.Method, c.Call.PathPrefix, c.Call.Describe(), c.After.RuleIndex, AccessWords.DecidedBy(c.After)))]));
        return Results.Ok(new ImpactAnswer(AggregationWindows.Format(AccessTraffic.Window), version, edges.Count, [.. cut]));
    }

    private static async Task<(AccessPolicy Policy, long Version)> SavedAsync(ConfigStore store, CancellationToken ct)
    {
        // No document yet is the mesh's default: every call allowed (as GET /api/access shows it, at version 0).
        var current = await store.GetAsync(ConfigKind.Access, ConfigKinds.MeshTarget, ct);
        return current is null ? (new AccessPolicy(), 0) : (ConfigDocuments.Deserialize<AccessPolicy>(current.Spec), current.Version);
    }
}

/// <summary>The verdict on a what-if call and what gave it.</summary>
/// <param name="Allowed">True when the call would go through.</param>
/// <param name="Action">allow or deny.</param>
/// <param name="RuleIndex">The deciding rule's index; null when the default (or strict mTLS) decided.</param>
/// <param name="Rule">The deciding rule.</param>
/// <param name="Explanation">Why, in the sidecar's words.</param>
/// <param name="Judged">saved, or draft when the body carried a policy.</param>
/// <param name="Version">The saved policy's version judged against (0: none written yet); null for a draft.</param>
public sealed record WhatIfAnswer(
    bool Allowed, AccessAction Action, int? RuleIndex, AccessRule? Rule, string Explanation, string Judged, long? Version);

/// <summary>The edges a draft would cut.</summary>
/// <param name="Window">How far back telemetry was read.</param>
/// <param name="CurrentVersion">The saved policy's version compared with (0: none written yet).</param>
/// <param name="EdgesSeen">Edges with calls in the window.</param>
/// <param name="Cut">The edges cut, busiest first.</param>
public sealed record ImpactAnswer(string Window, long CurrentVersion, int EdgesSeen, IReadOnlyList<CutEdge> Cut);

/// <summary>An edge a draft cuts: all its allowed calls, or only some methods or paths (edges do not record which they carry).</summary>
public sealed record CutEdge(string Source, string Destination, long Requests, CutExtent Extent, IReadOnlyList<CutCall> Calls);

/// <summary>A class of calls the draft denies: a method (null: any other) and a path prefix (null: any other path), and what denies it.</summary>
public sealed record CutCall(string? Method, string? PathPrefix, string Description, int? RuleIndex, string DecidedBy);
