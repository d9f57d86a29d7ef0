using System.Text.Json;
using System.Text.RegularExpressions;
using Mesh.Policy.Validation;

namespace Mesh.Policy.Documents;

/// <summary>Turns System.Text.Json's exceptions into field paths and reasons an operator can act on.</summary>
internal static partial class JsonErrors
{
    private static readonly JsonDocumentOptions _syntax = new()
    {
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
        MaxDepth = 32,
    };

    /// <summary>A malformed result when <paramref name="json"/> is not JSON at all, else null.</summary>
    public static DocumentResult? Syntax(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json, _syntax);
            return null;
        }
        catch (JsonException ex)
        {
            var where = ex.LineNumber is { } line ? $" (line {line + 1}, byte {ex.BytePositionInLine + 1})" : "";
            return new DocumentResult
            {
                Malformed = true,
                Errors = [new ValidationError(FieldPath(ex.Path), $"malformed JSON: {FirstSentence(ex.Message)}{where}")],
            };
        }
    }

    public static DocumentResult From(JsonException ex)
    {
        var field = FieldPath(ex.Path);
        var reason = Reason(ex.Message, ref field);
        return new DocumentResult { Errors = [new ValidationError(field, reason)] };
    }

    private static string Reason(string message, ref string field)
    {
        if (UnmappedProperty().Match(message) is { Success: true } unmapped)
        {
            // The path already ends with the unknown name in some cases; make sure it names it once.
            var name = unmapped.Groups[1].Value;
            if (!field.EndsWith(name, StringComparison.Ordinal))
                field = field.Length == 0 ? name : $"{field}.{name}";
            return "unknown field";
        }

        if (MissingRequired().Match(message) is { Success: true } missing)
        {
            field = field.Length == 0 ? missing.Groups[1].Value : $"{field}.{missing.Groups[1].Value}";
            return "required";
        }

        if (message.Contains("duplicate", StringComparison.OrdinalIgnoreCase))
            return "a key appears twice";
        if (message.Contains("doesn't allow null", StringComparison.Ordinal) || message.Contains("null value", StringComparison.Ordinal))
            return "must not be null";
        if (ConvertTarget().Match(message) is { Success: true } convert)
            return Expected(convert.Groups[1].Value);
        if (message.Contains("maximum configured depth", StringComparison.Ordinal))
            return "nested too deeply";

        // Our own converters throw messages written for operators; keep them.
        return FirstSentence(message);
    }

    private static string Expected(string typeName) => typeName switch
    {
        "System.Int32" or "System.Int64" or "System.Nullable`1[System.Int32]" => "must be an integer",
        "System.Double" or "System.Nullable`1[System.Double]" => "must be a number",
        "System.String" => "must be a string",
        "System.Boolean" => "must be true or false",
        "System.DateTimeOffset" or "System.Nullable`1[System.DateTimeOffset]" => "must be an ISO 8601 date-time with offset, e.g. 2026-11-25T12:00:00Z",
        _ when typeName.Contains("IReadOnlyList", StringComparison.Ordinal) => "must be an array",
        _ when typeName.Contains("Dictionary", StringComparison.Ordinal) => "must be an object",
        _ => "must be an object",
    };

    private static string FieldPath(string? jsonPath)
    {
        if (string.IsNullOrEmpty(jsonPath) || jsonPath == "$")
            return "";
        var path = jsonPath.StartsWith("$.", StringComparison.Ordinal) ? jsonPath[2..] : jsonPath.TrimStart('$');
        path = QuotedKey().Replace(path, m => $"[\"{m.Groups[1].Value}\"]");
        // System.Text.Json writes plain dictionary keys like properties; the mesh's maps are these two.
        return DictionaryKey().Replace(path, m => $"{m.Groups[1].Value}[\"{m.Groups[2].Value}\"]");
    }

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        if (cut < 0)
            cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return (cut < 0 ? message : message[..cut]).Trim().TrimEnd('.', '|', ' ');
    }

    [GeneratedRegex(@"The JSON property '([^']*)' could not be mapped")]
    private static partial Regex UnmappedProperty();

    [GeneratedRegex(@"missing required properties including: '([^']*)'")]
    private static partial Regex MissingRequired();

    [GeneratedRegex(@"could not be converted to ([^ .]+(?:\.[^ .]+)*(?:`1\[[^\]]+\])?)")]
    private static partial Regex ConvertTarget();

    [GeneratedRegex(@"\b(labels|headers)\.([^.\[]+)")]
    private static partial Regex DictionaryKey();

    [GeneratedRegex(@"\['((?:[^']|'(?!\]))*)'\]")]
    private static partial Regex QuotedKey();
}
