using System.Text.Json;
using System.Text.Json.Nodes;
using Mesh.Policy.Access;
using Mesh.Policy.Faults;
using Mesh.Policy.Resilience;
using Mesh.Policy.Routing;
using Mesh.Policy.Serialization;
using Mesh.Policy.Services;
using Mesh.Policy.Validation;

namespace Mesh.Policy.Documents;

/// <summary>Reads, validates and canonicalises documents of every <see cref="ConfigKind"/>.</summary>
/// <param name="time">The clock fault expiries are judged by.</param>
/// <param name="mode">Authoring in the console; enforcing in a sidecar applying a snapshot.</param>
public sealed class ConfigDocuments(TimeProvider time, ValidationMode mode = ValidationMode.Authoring)
{
    private readonly FaultPolicyValidator _faults = new(time, mode);

    /// <summary>The .NET type that holds a kind's spec.</summary>
    public static Type SpecType(ConfigKind kind) => kind switch
    {
        ConfigKind.Service => typeof(ServiceSpec),
        ConfigKind.Routes => typeof(RoutePolicy),
        ConfigKind.Resilience => typeof(ResiliencePolicy),
        ConfigKind.Faults => typeof(FaultPolicy),
        ConfigKind.Access => typeof(AccessPolicy),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>Reads a document from JSON text and validates it.</summary>
    public DocumentResult Read(ConfigKind kind, string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        if (JsonErrors.Syntax(json) is { } malformed)
            return malformed;

        object? spec;
        try
        {
            spec = JsonSerializer.Deserialize(json, SpecType(kind), PolicyJson.Options);
        }
        catch (JsonException ex)
        {
            return JsonErrors.From(ex);
        }

        return spec is null
            ? new DocumentResult { Errors = [new ValidationError("", "the document must be a JSON object, not null")] }
            : Validate(kind, spec);
    }

    /// <summary>Reads a document from a JSON object already parsed (e.g. a REST body less its envelope fields).</summary>
    public DocumentResult Read(ConfigKind kind, JsonObject json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return Read(kind, json.ToJsonString(PolicyJson.Options));
    }

    /// <summary>Validates a typed spec and gives its canonical JSON.</summary>
    public DocumentResult Validate(ConfigKind kind, object spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var errors = spec switch
        {
            ServiceSpec s when kind == ConfigKind.Service => ServiceSpecValidator.Validate(s),
            RoutePolicy r when kind == ConfigKind.Routes => RoutePolicyValidator.Validate(r),
            ResiliencePolicy r when kind == ConfigKind.Resilience => ResiliencePolicyValidator.Validate(r),
            FaultPolicy f when kind == ConfigKind.Faults => _faults.Validate(f),
            AccessPolicy a when kind == ConfigKind.Access => AccessPolicyValidator.Validate(a),
            _ => throw new ArgumentException($"{spec.GetType().Name} is not a {kind.Name()} spec", nameof(spec)),
        };
        if (errors.Count > 0)
            return new DocumentResult { Errors = errors };

        var json = JsonSerializer.Serialize(spec, SpecType(kind), PolicyJson.Options);
        return new DocumentResult { Document = new ConfigDocument(kind, spec, json) };
    }

    /// <summary>
    /// Turns stored JSON into indented canonical text for people and diffs. Stored JSON is trusted
    /// (it was validated when written), but its key order may differ (Postgres <c>jsonb</c> reorders keys).
    /// </summary>
    public static string Pretty(ConfigKind kind, string storedJson) => Reformat(kind, storedJson, PolicyJson.Indented);

    /// <summary>Stored JSON as canonical compact text, whatever key order the store gave it back in.</summary>
    public static string Canonical(ConfigKind kind, string storedJson) => Reformat(kind, storedJson, PolicyJson.Options);

    private static string Reformat(ConfigKind kind, string storedJson, JsonSerializerOptions options)
    {
        var spec = JsonSerializer.Deserialize(storedJson, SpecType(kind), PolicyJson.Options)
            ?? throw new JsonException("stored document is null");
        return JsonSerializer.Serialize(spec, SpecType(kind), options);
    }

    /// <summary>Reads stored JSON back into its typed spec.</summary>
    public static T Deserialize<T>(string storedJson) where T : class =>
        JsonSerializer.Deserialize<T>(storedJson, PolicyJson.Options) ?? throw new JsonException("stored document is null");
}
