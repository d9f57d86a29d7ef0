using System.Globalization;
using System.Text.Json.Nodes;
using Mesh.Policy.Access;
using Mesh.Policy.Documents;
using Mesh.Policy.Faults;
using Mesh.Policy.Resilience;
using Mesh.Policy.Routing;
using Mesh.Policy.Serialization;
using Mesh.Policy.Services;
using Mesh.Policy.Validation;
using Mesh.Store;
using Mesh.Store.Entities;
using MeshConsole.Data;

namespace MeshConsole.Policies;

/// <summary>
/// REST for services and their policies. Every document is read back flat, with its
/// <c>version</c>, so GET → edit → PUT is the whole optimistic-concurrency protocol.
/// </summary>
internal static class PolicyEndpoints
{
    public static IEndpointRouteBuilder MapPolicyEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Policies").RequireAuthorization(MeshPolicies.Viewer);
        api.MapGet("/services", ListServicesAsync)
            .WithSummary("Every service with a summary of its policies.");

        MapDocument<ServiceSpec>(api, ConfigKind.Service, "/services/{name}");
        MapDocument<RoutePolicy>(api, ConfigKind.Routes, "/services/{name}/routes");
        MapDocument<ResiliencePolicy>(api, ConfigKind.Resilience, "/services/{name}/resilience");
        MapDocument<FaultPolicy>(api, ConfigKind.Faults, "/services/{name}/faults");
        MapDocument<AccessPolicy>(api, ConfigKind.Access, "/access");
        return app;
    }

    private static void MapDocument<TSpec>(RouteGroupBuilder api, ConfigKind kind, string pattern)
        where TSpec : notnull
    {
        var word = kind.Name();
        // Traffic policies are the operator's; who may call whom is the admin's.
        var writer = kind == ConfigKind.Access ? MeshPolicies.Admin : MeshPolicies.Operator;
        api.MapGet(pattern, (string? name, ConfigStore store, CancellationToken ct) => GetAsync(kind, name, store, ct))
            .WithName($"get-{word}")
            .WithSummary($"The {word} document with its version.")
            .Produces<TSpec>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapPut(pattern, (string? name, HttpRequest request, WriteContext context, CancellationToken ct) =>
                PutAsync(kind, name, request, context, ct))
            .WithName($"put-{word}")
            .WithSummary($"Creates or replaces the {word} document. The body is the document plus 'version' (last read; 0 to create) and an optional 'reason'.")
            .Accepts<TSpec>("application/json")
            .Produces<WriteResponse>(StatusCodes.Status200OK)
            .Produces<WriteResponse>(StatusCodes.Status201Created)
            .ProducesValidationProblem(StatusCodes.Status400BadRequest)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .RequireAuthorization(writer);

        api.MapDelete(pattern, (string? name, string? version, string? reason, WriteContext context, CancellationToken ct) =>
                DeleteAsync(kind, name, version, reason, context, ct))
            .WithName($"delete-{word}")
            .WithSummary($"Deletes the {word} document; with ?version=N only if it is still at N.")
            .Produces<WriteResponse>()
            .ProducesValidationProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .RequireAuthorization(writer);
    }

    private static async Task<IResult> ListServicesAsync(ConfigStore store, CancellationToken ct)
    {
        var services = ServiceCatalog.Build(await store.ListAsync(ct: ct)).Select(view => new ServiceSummary(
            view.Name, view.Spec.Owner, view.Spec.Description, view.Service.Version, view.Service.Revision,
            view.Service.UpdatedAt, view.Service.UpdatedBy,
            view.Policies.ToDictionary(p => p.Kind.Name(), PolicySummary.From)));
        return Results.Ok(services.ToList());
    }

    private static async Task<IResult> GetAsync(ConfigKind kind, string? name, ConfigStore store, CancellationToken ct)
    {
        var target = Target(kind, name);
        var current = await store.GetAsync(kind, target, ct);
        if (current is null)
        {
            // The mesh without an access document allows every call: show that as version 0.
            return kind == ConfigKind.Access
                ? Flat(System.Text.Json.JsonSerializer.Serialize(new AccessPolicy(), PolicyJson.Options), 0, null)
                : ApiResults.NotFound(kind == ConfigKind.Service
                    ? $"service {target} does not exist"
                    : $"service {target} has no {kind.Name()} policy");
        }

        return Flat(ConfigDocuments.Canonical(kind, current.Spec), current.Version, current.Revision);

    }

    private static async Task<IResult> PutAsync(ConfigKind kind, string? name, HttpRequest request, WriteContext context, CancellationToken ct)
    {
        var target = Target(kind, name);
        var title = kind switch
        {
            ConfigKind.Service => $"Invalid service {target}",
            ConfigKind.Access => "Invalid access policy",
            _ => $"Invalid {kind.Name()} policy for service {target}",
        };
        var (body, refusal) = await RequestBody.ReadJsonAsync(request, ct);
        if (refusal is not null)
            return refusal;

        var read = ConfigRequest.Read(context.Documents, kind, body!);
        var errors = TargetErrors(kind, target).Concat(read.Errors).ToList();
        if (errors.Count > 0 || read.Request is not { } write)
        {
            context.Metrics.WriteRejected(kind, read.Malformed ? "malformed" : "invalid");
            return ApiResults.Invalid(title, errors, read.Malformed);
        }

        var result = await context.Store.PutAsync(write.Document, target, write.ExpectedVersion, context.Actor.Current, write.Reason, ct);
        return context.Record(result, kind, target, request.Path);
    }

    private static async Task<IResult> DeleteAsync(
        ConfigKind kind, string? name, string? version, string? reason, WriteContext context, CancellationToken ct)
    {
        var target = Target(kind, name);
        long? expected = null;
        if (version is not null)
        {
            if (!long.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) || parsed < 1)
                return ApiResults.Invalid("Bad query", [new ValidationError("version", $"\"{version}\" is not a version (a whole number from 1)")], malformed: true);
            expected = parsed;
        }

        if (reason is { Length: > ConfigRequest.MaxReasonLength })
            return ApiResults.Invalid("Bad query", [new ValidationError("reason", $"at most {ConfigRequest.MaxReasonLength} characters")], malformed: true);

        var result = await context.Store.DeleteAsync(kind, target, expected, context.Actor.Current, reason ?? "", ct);
        return context.Record(result, kind, target, "");
    }

    private static string Target(ConfigKind kind, string? name) => kind == ConfigKind.Access ? ConfigKinds.MeshTarget : name!;

    private static IEnumerable<ValidationError> TargetErrors(ConfigKind kind, string target)
    {
        if (kind != ConfigKind.Access && FieldRules.DnsLabel(target) is { } error)
            yield return new ValidationError("name", error);
    }

    /// <summary>A document's canonical JSON with its version beside its fields, ready for GET → edit → PUT.</summary>
    private static FlatDocument Flat(string canonicalJson, long version, long? revision)
    {
        var json = JsonNode.Parse(canonicalJson)!.AsObject();
        json[ConfigRequest.VersionField] = version;
        return new FlatDocument(json, version, revision);
    }

    /// <summary>A document as JSON with its version; the version also as ETag, the revision as a header.</summary>
    private sealed class FlatDocument(JsonObject json, long version, long? revision) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.ETag = $"\"{version}\"";
            if (revision is { } r)
                httpContext.Response.Headers["X-Mesh-Revision"] = r.ToString(CultureInfo.InvariantCulture);
            return Results.Text(json.ToJsonString(PolicyJson.Options), "application/json").ExecuteAsync(httpContext);
        }
    }
}

/// <summary>A service and the kinds of policy it has.</summary>
public sealed record ServiceSummary(
    string Name, string Owner, string Description, long Version, long Revision,
    DateTimeOffset UpdatedAt, string UpdatedBy, IReadOnlyDictionary<string, PolicySummary> Policies);

/// <summary>Where one policy of a service stands.</summary>
public sealed record PolicySummary(long Version, long Revision, DateTimeOffset UpdatedAt, string UpdatedBy)
{
    public static PolicySummary From(ConfigObject o) => new(o.Version, o.Revision, o.UpdatedAt, o.UpdatedBy);
}
