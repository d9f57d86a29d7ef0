using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using YamlDotNet.Serialization;

namespace Mesh.Yaml;

/// <summary>
/// Writes a JSON tree as YAML with the same keys in the same order. Strings that would read back as another
/// type ("true", "5", "null"; "5xx" is fine) get quotes; nulls stay explicit. The console's exports and
/// meshctl's output both write through here, so <c>meshctl get config</c> is the export's text.
/// </summary>
public static class YamlTree
{
    private static readonly ISerializer _writer = new SerializerBuilder().WithQuotingNecessaryStrings().Build();

    public static string Write(JsonNode? tree) => _writer.Serialize(Plain(tree));

    // YamlDotNet serializes plain .NET values; an ordered dictionary keeps the tree's key order.
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
