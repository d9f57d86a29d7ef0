using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace MeshCtl.Text;

/// <summary>
/// YAML to and from the JSON trees the API speaks. Out: the console export's way (keys in the tree's
/// order, strings that would read back as another type quoted, nulls explicit). In: YAML 1.2's core
/// schema, so <c>5</c> is a number, <c>"5"</c> a string, and <c>~</c>, <c>null</c> or nothing a null,
/// which apply reads as "delete this document".
/// </summary>
public static partial class YamlText
{
    public static string Write(JsonNode? tree) => Mesh.Yaml.YamlTree.Write(tree);

    /// <summary>Reads one YAML document; a syntax error names the source, line and column.</summary>
    public static JsonNode? Read(string text, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException ex)
        {
            // YamlDotNet marks a tab in indentation at the start of the mapping it broke; point at the tab itself.
            if (Reason(ex).Contains("tab", StringComparison.OrdinalIgnoreCase) && FirstTabIndent(text) is { } tab)
                throw MeshCtlException.Usage($"{source}:{tab.Line}:{tab.Column}: a tab in indentation (YAML indents with spaces only)");
            throw MeshCtlException.Usage($"{source}:{ex.End.Line}:{ex.End.Column}: {Reason(ex)}");
        }

        return stream.Documents.Count switch
        {
            0 => throw MeshCtlException.Usage($"{source}: holds no YAML document"),
            1 => Node(stream.Documents[0].RootNode, source),
            _ => throw MeshCtlException.Usage(
                $"{source}:{stream.Documents[1].RootNode.Start.Line}:{stream.Documents[1].RootNode.Start.Column}: a second YAML document ('---'); give one document with every service under 'services'"),
        };
    }

    private static (int Line, int Column)? FirstTabIndent(string text)
    {
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var indent = lines[i].Length - lines[i].TrimStart(' ', '\t').Length;
            var tab = lines[i].IndexOf('\t', StringComparison.Ordinal);
            if (tab >= 0 && tab < indent)
                return (i + 1, tab + 1);
        }

        return null;
    }

    private static string Reason(YamlException ex) =>
        ex.InnerException is YamlException inner && inner.Message != ex.Message ? $"{ex.Message} ({inner.Message})" : ex.Message;

    private static JsonNode? Node(YamlNode node, string source) => node switch
    {
        YamlMappingNode map => Map(map, source),
        YamlSequenceNode list => new JsonArray(list.Children.Select(c => Node(c, source)).ToArray()),
        YamlScalarNode scalar => Scalar(scalar),
        _ => throw MeshCtlException.Usage($"{source}:{node.Start.Line}:{node.Start.Column}: unsupported YAML node {node.NodeType}"),
    };

    private static JsonObject Map(YamlMappingNode map, string source)
    {
        var json = new JsonObject();
        foreach (var (keyNode, valueNode) in map.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { } key })
                throw MeshCtlException.Usage($"{source}:{keyNode.Start.Line}:{keyNode.Start.Column}: a key must be a plain string");
            if (json.ContainsKey(key))
                throw MeshCtlException.Usage($"{source}:{keyNode.Start.Line}:{keyNode.Start.Column}: duplicate key '{key}'");
            json[key] = Node(valueNode, source);
        }

        return json;
    }

    private static JsonValue? Scalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        if (scalar.Style is not ScalarStyle.Plain)
            return JsonValue.Create(text);
        if (text.Length == 0 || text is "~" or "null" or "Null" or "NULL")
            return null;
        if (text is "true" or "True" or "TRUE")
            return JsonValue.Create(true);
        if (text is "false" or "False" or "FALSE")
            return JsonValue.Create(false);
        if (Integer().IsMatch(text) && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole))
            return JsonValue.Create(whole);
        if (Float().IsMatch(text) && decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
            return JsonValue.Create(number);
        return JsonValue.Create(text);
    }

    [GeneratedRegex(@"^[-+]?[0-9]+$")]
    private static partial Regex Integer();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex Float();
}
