using System.Text.Json;
using System.Text.Json.Nodes;

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
            ? Mesh.Yaml.YamlTree.Write(tree)
            : tree.ToJsonString(_indented) + "\n";
    }
}
