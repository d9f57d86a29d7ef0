using System.Text.Json;
using System.Text.Json.Nodes;

namespace MeshCtl.Text;

/// <summary>
/// A configuration file for apply: YAML (or JSON) in the export's shape. Every problem with the file
/// itself (missing, unreadable, malformed, not a mapping) is a usage error naming it, and found before
/// anything is sent.
/// </summary>
public static class ConfigFile
{
    public const string StandardInput = "-";

    public static async Task<JsonObject> ReadAsync(string path, TextReader stdin, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(stdin);
        var source = path == StandardInput ? "(stdin)" : path;
        string text;
        try
        {
            text = path == StandardInput ? await stdin.ReadToEndAsync(ct).ConfigureAwait(false) : await File.ReadAllTextAsync(path, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw MeshCtlException.Usage($"{source}: cannot read it: {ex.Message}");
        }

        var tree = LooksLikeJson(path, text) ? ReadJson(text, source) : YamlText.Read(text, source);
        return tree as JsonObject
            ?? throw MeshCtlException.Usage($"{source}: the top level must be a mapping with 'services' and/or 'access' (as meshctl get config prints)");
    }

    private static bool LooksLikeJson(string path, string text) =>
        path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || text.TrimStart().StartsWith('{');

    private static JsonNode? ReadJson(string text, string source)
    {
        try
        {
            return JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false });
        }
        catch (JsonException ex)
        {
            // System.Text.Json counts lines and bytes from 0; editors count from 1.
            var at = ex.LineNumber is { } line ? $":{line + 1}:{(ex.BytePositionInLine ?? 0) + 1}" : "";
            throw MeshCtlException.Usage($"{source}{at}: not valid JSON: {FirstSentence(ex.Message)}");
        }
    }

    private static string FirstSentence(string message)
    {
        // The position is in the prefix already, counted from 1; the message's own counts from 0.
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (cut < 0)
            cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }
}
