using System.Security.Claims;
using System.Text.Json;
using Mesh.Policy.Validation;
using Mesh.Store;
using MeshConsole.Data;

namespace MeshConsole.Policies.Rollouts;

/// <summary>REST of progressive rollouts: <c>/api/services/{name}/rollouts</c>; viewers read, operators start, pause, resume and abort.</summary>
internal static class RolloutEndpoints
{
    private static readonly JsonSerializerOptions _json = new(JsonSerializerDefaults.Web);

    public static IEndpointRouteBuilder MapRolloutEndpoints(this IEndpointRouteBuilder app)
    {
        var rollouts = app.MapGroup("/api/services/{name}/rollouts").WithTags("Rollouts").RequireAuthorization(MeshPolicies.Viewer);
        rollouts.MapGet("", ListAsync).WithSummary("The service's rollouts, newest first.");
        rollouts.MapGet("/{id:long}", GetAsync).WithSummary("One rollout: its plan, its step, its state and the gate's last figures.");
        rollouts.MapPost("", StartAsync)
            .WithSummary("Starts a rollout of a canary subset against a stable one on the catch-all route rule, and writes its first step.")
            .Accepts<RolloutRequest>("application/json")
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .RequireAuthorization(MeshPolicies.Operator);
        rollouts.MapPost("/{id:long}/pause", (string name, long id, ClaimsPrincipal user, RolloutManager manager, CancellationToken ct) =>
                ChangeAsync(manager.PauseAsync(user, name, id, ct)))
            .WithSummary("Stops taking steps; the weights stay.")
            .RequireAuthorization(MeshPolicies.Operator);
        rollouts.MapPost("/{id:long}/resume", (string name, long id, ClaimsPrincipal user, RolloutManager manager, CancellationToken ct) =>
                ChangeAsync(manager.ResumeAsync(user, name, id, ct)))
            .WithSummary("Takes steps again; the current step's interval starts afresh.")
            .RequireAuthorization(MeshPolicies.Operator);
        rollouts.MapPost("/{id:long}/abort", (string name, long id, ClaimsPrincipal user, RolloutManager manager, CancellationToken ct) =>
                ChangeAsync(manager.AbortAsync(user, name, id, ct)))
            .WithSummary("Stops the rollout and sends every call back to the stable subset (a revision).")
            .RequireAuthorization(MeshPolicies.Operator);
        return app;
    }

    private static async Task<IResult> ListAsync(string name, RolloutStore store, CancellationToken ct) =>
        Results.Ok((await store.ListAsync(name, ct: ct).ConfigureAwait(false)).Select(RolloutView.Of));

    private static async Task<IResult> GetAsync(string name, long id, RolloutStore store, CancellationToken ct) =>
        await store.GetAsync(id, ct).ConfigureAwait(false) is { } rollout && rollout.Service == name
            ? Results.Ok(RolloutView.Of(rollout))
            : ApiResults.NotFound($"{name} has no rollout {id}");

    private static async Task<IResult> StartAsync(string name, HttpRequest request, ClaimsPrincipal user, RolloutManager manager, CancellationToken ct)
    {
        var (text, refusal) = await RequestBody.ReadJsonAsync(request, ct).ConfigureAwait(false);
        if (refusal is not null)
            return refusal;
        RolloutRequest? body;
        try
        {
            body = JsonSerializer.Deserialize<RolloutRequest>(text!, _json);
        }
        catch (JsonException ex)
        {
            var field = string.IsNullOrEmpty(ex.Path) || ex.Path == "$" ? "$" : ex.Path.TrimStart('$', '.');
            return ApiResults.Invalid("Malformed rollout", [new ValidationError(field, "cannot be read: " + ex.Message.Split(" Path:")[0])], malformed: true);
        }

        if (body is null)
            return ApiResults.Invalid("Malformed rollout", [new ValidationError("$", "a JSON object is required")], malformed: true);
        var result = await manager.StartAsync(user, name, body, ct).ConfigureAwait(false);
        return result.Succeeded
            ? Results.Created($"/api/services/{name}/rollouts/{result.Rollout!.Id}", RolloutView.Of(result.Rollout))
            : Refusal(result);
    }

    private static async Task<IResult> ChangeAsync(Task<RolloutResult> change)
    {
        var result = await change.ConfigureAwait(false);
        return result.Succeeded ? Results.Ok(RolloutView.Of(result.Rollout!)) : Refusal(result);
    }

    private static IResult Refusal(RolloutResult result) => result.Outcome switch
    {
        RolloutOutcome.Invalid => ApiResults.Invalid("Invalid rollout", result.Errors),
        RolloutOutcome.NotFound => ApiResults.NotFound(result.Message ?? "not found"),
        RolloutOutcome.Forbidden => Results.Problem(result.Message, statusCode: StatusCodes.Status403Forbidden, title: "Forbidden"),
        _ => Results.Problem(result.Message, statusCode: StatusCodes.Status409Conflict, title: "Conflict"),
    };
}
