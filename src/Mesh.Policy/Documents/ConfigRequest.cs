using System.Text;
using System.Text.Json;
using Mesh.Policy.Validation;

namespace Mesh.Policy.Documents;

/// <summary>
/// A write as a client sends it: the document's fields plus two envelope fields, <c>version</c>
/// (the version the writer last read; 0 to create) and an optional <c>reason</c> for the history.
/// </summary>
/// <param name="Document">The validated document.</param>
/// <param name="ExpectedVersion">The version the writer last read.</param>
/// <param name="Reason">Why, as the history shows it; may be empty.</param>
public sealed record ConfigRequest(ConfigDocument Document, long ExpectedVersion, string Reason)
{
    /// <summary>Longest reason accepted.</summary>
    public const int MaxReasonLength = 2000;

    /// <summary>The envelope field that carries the version.</summary>
    public const string VersionField = "version";

    /// <summary>The envelope field that carries the reason.</summary>
    public const string ReasonField = "reason";

    /// <summary>Reads and validates a request body; every problem, envelope and document alike, is reported at once.</summary>
    public static ConfigRequestResult Read(ConfigDocuments documents, ConfigKind kind, string body)
    {
        ArgumentNullException.ThrowIfNull(documents);
        ArgumentNullException.ThrowIfNull(body);
        if (JsonErrors.Syntax(body) is { } malformed)
            return new ConfigRequestResult { Errors = malformed.Errors, Malformed = true };

        using var json = JsonDocument.Parse(body);
        if (json.RootElement.ValueKind != JsonValueKind.Object)
            return new ConfigRequestResult { Errors = [new ValidationError("", "the body must be a JSON object")] };

        var errors = new List<ValidationError>();
        long? version = null;
        var reason = "";
        var seen = new HashSet<string>(StringComparer.Ordinal);
        using var spec = new MemoryStream();
        using (var writer = new Utf8JsonWriter(spec))
        {
            writer.WriteStartObject();
            foreach (var property in json.RootElement.EnumerateObject())
            {
                if (property.Name is VersionField or ReasonField && !seen.Add(property.Name))
                {
                    errors.Add(new ValidationError(property.Name, "a key appears twice"));
                    continue;
                }

                if (property.Name == VersionField)
                    version = ReadVersion(property.Value, errors);
                else if (property.Name == ReasonField)
                    reason = ReadReason(property.Value, errors);
                else
                    property.WriteTo(writer);
            }

            writer.WriteEndObject();
        }

        if (!seen.Contains(VersionField))
            errors.Add(new ValidationError(VersionField, "required: the version you last read, or 0 to create"));

        var document = documents.Read(kind, Encoding.UTF8.GetString(spec.ToArray()));
        errors.AddRange(document.Errors);
        return errors.Count > 0 || document.Document is null || version is null
            ? new ConfigRequestResult { Errors = errors }
            : new ConfigRequestResult { Request = new ConfigRequest(document.Document, version.Value, reason) };
    }

    private static long? ReadVersion(JsonElement value, List<ValidationError> errors)
    {
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var version) && version >= 0)
            return version;
        errors.Add(new ValidationError(VersionField, "must be a whole number of at least 0"));
        return null;
    }

    private static string ReadReason(JsonElement value, List<ValidationError> errors)
    {
        if (value.ValueKind == JsonValueKind.String && value.GetString() is { Length: <= MaxReasonLength } reason)
            return reason;
        errors.Add(new ValidationError(ReasonField, $"must be a string of at most {MaxReasonLength} characters"));
        return "";
    }
}

/// <summary>The outcome of reading a request body.</summary>
public sealed record ConfigRequestResult
{
    /// <summary>The request when it is valid.</summary>
    public ConfigRequest? Request { get; init; }

    /// <summary>Every problem; empty when <see cref="Request"/> is set.</summary>
    public IReadOnlyList<ValidationError> Errors { get; init; } = [];

    /// <summary>True when the body was not JSON at all (HTTP 400), false when JSON but invalid (HTTP 422).</summary>
    public bool Malformed { get; init; }
}
