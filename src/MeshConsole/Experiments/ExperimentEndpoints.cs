using System.Security.Claims;
using System.Text.Json;
using Mesh.Policy.Validation;
using MeshConsole.Data;

namespace MeshConsole.Experiments;

/// <summary>REST for experiments: list, start, read, stop. Starting and stopping need the operator role.</summary>
internal static class ExperimentEndpoints
{
    private static readonly JsonSerializerOptions _json = new(JsonSerializerDefaults.Web) { UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow };

    public static IEndpointRouteBuilder MapExperimentEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/experiments").WithTags("Experiments").RequireAuthorization(MeshPolicies.Viewer);
        api.MapGet("/", async (ExperimentService experiments, TimeProvider time, CancellationToken ct) =>
                Results.Ok((await experiments.ListAsync(ct)).Select(e => ExperimentView.From(e, time.GetUtcNow())).ToList()))
            .WithSummary("Running experiments (soonest end first), then past ones (latest first).")
            .Produces<List<ExperimentView>>();
        // The body is read by hand, not declared with Accepts: a wrong media type gets a 415 problem, not a routing miss.
        api.MapPost("/", StartAsync)
            .WithSummary("Starts an experiment: adds its fault rule (named exp-ID, expiring at its end) to the target's fault policy. The body is an ExperimentRequest as JSON.")
            .Produces<ExperimentView>(StatusCodes.Status201Created)
            .ProducesValidationProblem(StatusCodes.Status400BadRequest)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .RequireAuthorization(MeshPolicies.Operator);
        api.MapGet("/{id:long}", async (long id, ExperimentService experiments, TimeProvider time, CancellationToken ct) =>
                await experiments.GetAsync(id, ct) is { } e ? Results.Ok(ExperimentView.From(e, time.GetUtcNow())) : ApiResults.NotFound($"experiment {id} does not exist"))
            .WithSummary("One experiment with its progress and before / during / after figures.")
            .Produces<ExperimentView>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPost("/{id:long}/stop", async (long id, ClaimsPrincipal user, ExperimentService experiments, TimeProvider time, CancellationToken ct) =>
                Answer(await experiments.StopAsync(user, id, ct), time, created: false))
            .WithSummary("Ends a running experiment now and removes its fault.")
            .Produces<ExperimentView>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .RequireAuthorization(MeshPolicies.Operator);
        return app;
    }

    private static async Task<IResult> StartAsync(HttpRequest http, ClaimsPrincipal user, ExperimentService experiments, TimeProvider time, CancellationToken ct)
    {
        if (http.HasJsonContentType() is false)
        {
            return Results.Problem($"Content-Type must be application/json, was '{http.ContentType ?? "(none)"}'",
                statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type");
        }

        ExperimentRequest? request;
        try
        {
            request = await JsonSerializer.DeserializeAsync<ExperimentRequest>(http.Body, _json, ct);
        }
        catch (JsonException ex)
        {
            var field = string.IsNullOrEmpty(ex.Path) || ex.Path == "$" ? "$" : ex.Path.TrimStart('$', '.');
            return ApiResults.Invalid("Malformed request", [new ValidationError(field, Malformed(ex))], malformed: true);
        }

        if (request is null)
            return ApiResults.Invalid("Malformed request", [new ValidationError("$", "expected a JSON object")], malformed: true);
        return Answer(await experiments.StartAsync(user, request, ct), time, created: true);
    }

    // The serializer's message names .NET types; say what the field wants in JSON's words instead.
    private static string Malformed(JsonException ex) =>
        ex.Message.Contains("could not be mapped", StringComparison.Ordinal) ? "unknown field"
        : ex.Path is null or "$" ? "expected a JSON object"
        : "wrong type: expected a number, a string or null as documented";

    private static IResult Answer(ExperimentOutcome outcome, TimeProvider time, bool created)
    {
        if (outcome.Succeeded)
        {
            var view = ExperimentView.From(outcome.Experiment!, time.GetUtcNow());
            return created ? Results.Created($"/api/experiments/{view.Id}", view) : Results.Ok(view);
        }

        return outcome.Kind switch
        {
            ExperimentOutcomeKind.Invalid => ApiResults.Invalid("Invalid experiment", outcome.Errors),
            ExperimentOutcomeKind.NotFound => ApiResults.NotFound(outcome.Message!),
            ExperimentOutcomeKind.Forbidden => Results.Problem(outcome.Message, statusCode: StatusCodes.Status403Forbidden, title: "Forbidden"),
            _ => Results.Problem(outcome.Message, statusCode: StatusCodes.Status409Conflict, title: "Conflict"),
        };
    }
}
