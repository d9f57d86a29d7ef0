using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Mesh.Deploy.Tests.Lint;

/// <summary>Parsing and reading YAML the way compose and kubectl read it: several documents a file, merge keys resolved.</summary>
public static class Yaml
{
    /// <summary>The documents of <paramref name="text"/>, or the parse error naming the file, line and column.</summary>
    public static (IReadOnlyList<YamlDocument> Documents, Finding? Error) Parse(string file, string text)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException error)
        {
            return ([], new Finding(file, error.Start.Line, $"column {error.Start.Column}: not YAML: {(error.InnerException ?? error).Message}"));
        }

        return (stream.Documents.Where(d => d.RootNode is not YamlScalarNode { Value: null or "" }).ToList(), null);
    }

    /// <summary>The value under <paramref name="key"/>, looking through merge keys (<c>&lt;&lt;: *anchor</c>) as YAML 1.1 does.</summary>
    public static YamlNode? Get(this YamlNode? node, string key)
    {
        if (node is not YamlMappingNode mapping)
            return null;
        if (mapping.Children.TryGetValue(new YamlScalarNode(key), out var value))
            return value;
        if (!mapping.Children.TryGetValue(new YamlScalarNode("<<"), out var merged))
            return null;
        var sources = merged is YamlSequenceNode many ? many.Children : [merged];
        return sources.Select(source => source.Get(key)).FirstOrDefault(found => found is not null);
    }

    /// <summary>The value at a path of keys, or null.</summary>
    public static YamlNode? At(this YamlNode? node, params string[] path) =>
        path.Aggregate(node, (current, key) => current.Get(key));

    /// <summary>Every key of a mapping with its value, merged entries after the mapping's own.</summary>
    public static IEnumerable<(string Key, YamlNode Value)> Entries(this YamlNode? node)
    {
        if (node is not YamlMappingNode mapping)
            yield break;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, value) in mapping.Children)
        {
            var name = ((YamlScalarNode)key).Value ?? "";
            if (name == "<<")
                continue;
            seen.Add(name);
            yield return (name, value);
        }

        if (!mapping.Children.TryGetValue(new YamlScalarNode("<<"), out var merged))
            yield break;
        foreach (var source in merged is YamlSequenceNode many ? many.Children : [merged])
        {
            foreach (var (key, value) in source.Entries())
            {
                if (seen.Add(key))
                    yield return (key, value);
            }
        }
    }

    public static string? Text(this YamlNode? node) => (node as YamlScalarNode)?.Value;

    public static IEnumerable<YamlNode> Items(this YamlNode? node) =>
        node is YamlSequenceNode sequence ? sequence.Children : [];

    public static long Line(this YamlNode node) => node.Start.Line;
}
