using System.Text.Json;
using System.Text.Json.Nodes;

namespace MeshCtl.Text;

/// <summary>The <c>-o</c> choices: yaml and json print what the API answered, table and text are for people.</summary>
public static class OutputFormat
{
    public const string Yaml = "yaml";
    public const string Json = "json";
    public const string Table = "table";
    public const string Text = "text";

    private static readonly JsonSerializerOptions _indented = new() { WriteIndented = true };

    /// <summary>Writes the tree as YAML or indented JSON; false for the human formats, which the command writes itself.</summary>
    public static bool TryWriteData(TextWriter writer, string format, JsonNode? tree)
    {
        ArgumentNullException.ThrowIfNull(writer);
        switch (format)
        {
            case Yaml:
                writer.Write(YamlText.Write(tree));
                return true;
            case Json:
                writer.WriteLine(tree is null ? "null" : tree.ToJsonString(_indented));
                return true;
            default:
                return false;
        }
    }
}
