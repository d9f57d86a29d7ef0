using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using YamlDotNet.Serialization;

namespace MeshConsole.Audit;

/// <summary>How an export is written.</summary>
public enum ExportFormat
{
    Json,
    Yaml,
}

/// <summary>Writes an export tree as indented JSON or as YAML with the same keys in the same order.</summary>
public static class ExportWriter
{
    private static readonly JsonSerializerOptions _indented = new() { WriteIndented = true };

    // Strings that would read back as another type ("true", "5", "null", "5xx" is fine) get quotes; nulls stay explicit.
    private static readonly ISerializer _yaml = new SerializerBuilder()
        .WithQuotingNecessaryStrings()
        .Build();

    /// <summary>Reads <c>json</c> or <c>yaml</c> (any case); anything else is not a format.</summary>
    public static bool TryParse(string? text, out ExportFormat format)
    {
        switch (text?.ToLowerInvariant())
        {
            case "json":
                format = ExportFormat.Json;
                return true;
            case "yaml" or "yml":
                format = ExportFormat.Yaml;
                return true;
            default:
                format = default;
                return false;
        }
    }

    public static string ContentType(ExportFormat format) =>
        format == ExportFormat.Yaml ? "application/yaml" : "application/json";

    public static string Write(JsonNode tree, ExportFormat format)
    {
        ArgumentNullException.ThrowIfNull(tree);
        return format == ExportFormat.Yaml
            ? _yaml.Serialize(Plain(tree))
            : tree.ToJsonString(_indented) + "\n";
    }

    // YamlDotNet serializes plain .NET values; an ordered dictionary keeps the export's key order.
    private static object? Plain(JsonNode? node) => node switch
    {
        null => null,
        JsonObject o => o.Aggregate(new OrderedDictionary<string, object?>(StringComparer.Ordinal), (map, p) =>
        {
            map.Add(p.Key, Plain(p.Value));
            return map;
        }),
        JsonArray a => a.Select(Plain).ToList(),
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => v.GetValue<string>(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Number when v.TryGetValue<long>(out var whole) => whole,
            JsonValueKind.Number => decimal.Parse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture),
            _ => null,
        },
        _ => throw new ArgumentException($"unexpected JSON node {node.GetType().Name}", nameof(node)),
    };
}
