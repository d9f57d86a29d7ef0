using System.Text.Json;
using Mesh.Policy.Validation;
using Mesh.Store.Entities;
using MeshConsole.ControlPlane;

namespace MeshConsole.Identity;

/// <summary>A join token to create: its name, the service it admits (or <c>*</c>), expiry and how many instances may use it.</summary>
internal sealed record CreateJoinTokenRequest(string Name, string Scope, DateTimeOffset ExpiresAt, int? MaxUses);

/// <summary>An instance to revoke, and why.</summary>
internal sealed record RevokeInstanceRequest(string InstanceId, string Reason);

/// <summary>
/// Reads the identity endpoints' bodies strictly: a JSON object with known fields of the right
/// types only. Errors name the field; <c>Malformed</c> marks bodies that are not such an object.
/// </summary>
internal static class IdentityRequests
{
    public const int MaxReasonLength = 500;
    public static readonly TimeSpan DefaultTokenLifetime = TimeSpan.FromHours(24);
    public static readonly TimeSpan MaxTokenLifetime = TimeSpan.FromDays(3650);

    public static (CreateJoinTokenRequest? Request, IReadOnlyList<ValidationError> Errors, bool Malformed) ReadJoinToken(string body, DateTimeOffset now)
    {
        var (root, errors, malformed) = ReadObject(body, ["name", "scope", "expiresAt", "maxUses"]);
        if (root is not { } json)
            return (null, errors, malformed);
        var name = String(json, "name", errors, required: true);
        if (name is not null && FieldRules.DnsLabel(name) is { } nameError)
            errors.Add(new("name", nameError));
        var scope = String(json, "scope", errors, required: false) ?? JoinToken.MeshScope;
        if (scope != JoinToken.MeshScope && FieldRules.DnsLabel(scope) is { } scopeError)
            errors.Add(new("scope", $"{scopeError} (or \"*\" for every service)"));
        var expiresAt = now + DefaultTokenLifetime;
        if (json.TryGetProperty("expiresAt", out var expires))
        {
            if (expires.ValueKind != JsonValueKind.String || !expires.TryGetDateTimeOffset(out expiresAt))
                errors.Add(new("expiresAt", "must be an RFC 3339 date and time, e.g. 2026-12-31T00:00:00Z"));
            else if (expiresAt <= now || expiresAt > now + MaxTokenLifetime)
                errors.Add(new("expiresAt", "must be in the future and at most 10 years ahead"));
        }

        int? maxUses = null;
        if (json.TryGetProperty("maxUses", out var uses) && uses.ValueKind != JsonValueKind.Null)
        {
            if (uses.ValueKind != JsonValueKind.Number || !uses.TryGetInt32(out var count) || count < 1)
                errors.Add(new("maxUses", "must be a whole number from 1, or null for no limit"));
            else
                maxUses = count;
        }

        return errors.Count > 0 ? (null, errors, false) : (new CreateJoinTokenRequest(name!, scope, expiresAt.ToUniversalTime(), maxUses), errors, false);
    }

    public static (RevokeInstanceRequest? Request, IReadOnlyList<ValidationError> Errors, bool Malformed) ReadRevocation(string body)
    {
        var (root, errors, malformed) = ReadObject(body, ["instanceId", "reason"]);
        if (root is not { } json)
            return (null, errors, malformed);
        var instance = String(json, "instanceId", errors, required: true);
        if (instance is not null && InstanceIdError(instance) is { } instanceError)
            errors.Add(new("instanceId", instanceError));
        var reason = String(json, "reason", errors, required: false) ?? "";
        if (reason.Length > MaxReasonLength)
            errors.Add(new("reason", $"at most {MaxReasonLength} characters"));
        return errors.Count > 0 ? (null, errors, false) : (new RevokeInstanceRequest(instance!, reason), errors, false);
    }

    /// <summary>The rule a Hello's instance id follows.</summary>
    public static string? InstanceIdError(string value) =>
        value.Length is 0 or > HelloValidator.MaxInstanceIdLength || value.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))
            ? $"required: 1–{HelloValidator.MaxInstanceIdLength} characters without spaces"
            : null;

    private static (JsonElement? Root, List<ValidationError> Errors, bool Malformed) ReadObject(string body, IReadOnlyList<string> fields)
    {
        var errors = new List<ValidationError>();
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(body);
            root = document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            errors.Add(new("$", $"not JSON: {ex.Message}"));
            return (null, errors, true);
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new("$", "must be a JSON object"));
            return (null, errors, true);
        }

        foreach (var property in root.EnumerateObject())
        {
            if (!fields.Contains(property.Name, StringComparer.Ordinal))
                errors.Add(new(property.Name, $"unknown field (known: {string.Join(", ", fields)})"));
        }

        return (root, errors, false);
    }

    private static string? String(JsonElement json, string field, List<ValidationError> errors, bool required)
    {
        if (!json.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            if (required)
                errors.Add(new(field, "required"));
            return null;
        }

        if (value.ValueKind == JsonValueKind.String)
            return value.GetString();
        errors.Add(new(field, "must be a string"));
        return null;
    }
}
