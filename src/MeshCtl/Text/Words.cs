using System.Globalization;
using System.Text.Json.Nodes;

namespace MeshCtl.Text;

/// <summary>How values of the API's JSON read in tables and text.</summary>
public static class Words
{
    public static string Text(JsonNode? node) => node?.GetValue<string>() ?? "";

    public static string Number(JsonNode? node) =>
        node is null ? "-" : node.GetValue<double>().ToString("0.###", CultureInfo.InvariantCulture);

    public static string Fixed(JsonNode? node, string format) =>
        node is null ? "-" : node.GetValue<double>().ToString(format, CultureInfo.InvariantCulture);

    public static string Time(JsonNode? node) =>
        node is null ? "-" : node.GetValue<DateTimeOffset>().ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static string Whole(long value) => value.ToString(CultureInfo.InvariantCulture);
}
