using System.Text.Json;
using Mesh.Policy.Access;
using Mesh.Policy.Documents;
using Mesh.Policy.Validation;

namespace MeshConsole.Access;

/// <summary>A REST body read: the values, or every problem with it by field (and whether it was JSON at all).</summary>
internal sealed record AccessBody<T>(T? Value, IReadOnlyList<ValidationError> Errors, bool Malformed);

/// <summary>
/// Reads the bodies of <c>POST /api/access/what-if</c> and <c>/impact</c>. Every problem is reported at
/// once with the field it is in; a draft policy is read and validated exactly as <c>PUT /api/access</c> reads it.
/// </summary>
internal static class AccessRequests
{
    public const string PolicyField = "policy";

    private static readonly string[] _questionFields = ["source", "destination", "method", "path"];

    /// <summary>A what-if question, with the draft to judge it against instead of the saved policy when one is given.</summary>
    public static AccessBody<(WhatIfQuestion Question, AccessPolicy? Draft)> ReadWhatIf(ConfigDocuments documents, string body)
    {
        var (fields, draft, errors, malformed) = Read(documents, body, _questionFields, policyRequired: false);
        if (malformed || fields is null)
            return new(default, errors, malformed);
        var question = new WhatIfQuestion(fields["source"], fields["destination"], fields["method"], fields["path"]);
        // A field already refused (not a string, twice) is not judged again.
        errors.AddRange(question.Validate().Where(e => !errors.Any(r => r.Field == e.Field)));
        return errors.Count > 0 ? new(default, errors, false) : new((question, draft), [], false);
    }

    /// <summary>The draft whose impact is asked for.</summary>
    public static AccessBody<AccessPolicy> ReadImpact(ConfigDocuments documents, string body)
    {
        var (_, draft, errors, malformed) = Read(documents, body, [], policyRequired: true);
        return errors.Count > 0 || draft is null ? new(null, errors, malformed) : new(draft, [], false);
    }

    private static (Dictionary<string, string?>? Fields, AccessPolicy? Draft, List<ValidationError> Errors, bool Malformed) Read(
        ConfigDocuments documents, string body, string[] stringFields, bool policyRequired)
    {
        JsonDocument json;
        try
        {
            json = JsonDocument.Parse(body);
        }
        catch (JsonException ex)
        {
            var where = ex.LineNumber is { } line ? $" (line {line + 1}, byte {ex.BytePositionInLine + 1})" : "";
            return (null, null, [new ValidationError("", $"malformed JSON{where}")], true);
        }

        using (json)
        {
            if (json.RootElement.ValueKind != JsonValueKind.Object)
                return (null, null, [new ValidationError("", "the body must be a JSON object")], false);

            var errors = new List<ValidationError>();
            var fields = stringFields.ToDictionary(f => f, _ => (string?)null, StringComparer.Ordinal);
            AccessPolicy? draft = null;
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in json.RootElement.EnumerateObject())
            {
                if (!seen.Add(property.Name))
                    errors.Add(new(property.Name, "a key appears twice"));
                else if (property.Name == PolicyField)
                    draft = ReadPolicy(documents, property.Value, errors);
                else if (!fields.ContainsKey(property.Name))
                    errors.Add(new(property.Name, "unknown field"));
                else if (property.Value.ValueKind == JsonValueKind.String)
                    fields[property.Name] = property.Value.GetString();
                else
                    errors.Add(new(property.Name, "must be a string"));
            }

            if (policyRequired && !seen.Contains(PolicyField))
                errors.Add(new(PolicyField, "required: the draft access policy, as PUT /api/access takes it"));
            return (fields, draft, errors, false);
        }
    }

    private static AccessPolicy? ReadPolicy(ConfigDocuments documents, JsonElement value, List<ValidationError> errors)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new(PolicyField, "must be an access policy object"));
            return null;
        }

        var read = documents.Read(ConfigKind.Access, value.GetRawText());
        errors.AddRange(read.Errors.Select(e => e with { Field = e.Field.Length == 0 ? PolicyField : $"{PolicyField}.{e.Field}" }));
        return read.Document?.Spec as AccessPolicy;
    }
}
