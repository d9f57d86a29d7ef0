using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Mesh.Contracts.Otlp.Collector.Metrics.V1;
using Mesh.Contracts.Otlp.Collector.Trace.V1;

namespace MeshConsole.Telemetry;

/// <summary>
/// Reads OTLP/HTTP JSON request bodies (<c>POST /v1/traces</c>, <c>POST /v1/metrics</c>).
/// </summary>
/// <remarks>
/// OTLP/JSON is protobuf's canonical JSON mapping with two differences that
/// <see cref="JsonParser"/> does not know: trace and span ids are hex strings rather than base64,
/// and 64-bit integers often arrive as JSON numbers, which <see cref="JsonParser"/> reads through a
/// <see cref="double"/> and so rounds nanosecond timestamps. We therefore walk the JSON against the
/// message descriptors first: the walk turns ids into base64 and integers into exact strings, and
/// reports any value of the wrong shape with its JSON path, which <see cref="JsonParser"/>'s errors
/// lack. Unknown fields are ignored, as the OTLP specification requires of receivers.
/// </remarks>
internal static class OtlpJson
{
    private const int MaxShownValueLength = 64;

    private static readonly JsonParser _parser = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(true));

    /// <summary>Parses an OTLP/JSON trace export; on failure <paramref name="error"/> names the JSON path.</summary>
    public static bool TryParseTraces(
        ReadOnlySpan<byte> utf8Json,
        [NotNullWhen(true)] out ExportTraceServiceRequest? request,
        [NotNullWhen(false)] out string? error) =>
        TryParse(utf8Json, out request, out error);

    /// <summary>Parses an OTLP/JSON metrics export; on failure <paramref name="error"/> names the JSON path.</summary>
    public static bool TryParseMetrics(
        ReadOnlySpan<byte> utf8Json,
        [NotNullWhen(true)] out ExportMetricsServiceRequest? request,
        [NotNullWhen(false)] out string? error) =>
        TryParse(utf8Json, out request, out error);

    private static bool TryParse<T>(ReadOnlySpan<byte> utf8Json, [NotNullWhen(true)] out T? message, [NotNullWhen(false)] out string? error)
        where T : IMessage<T>, new()
    {
        message = default;
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(utf8Json);
        }
        catch (JsonException ex)
        {
            error = $"the request body is not valid JSON: {ex.Message}";
            return false;
        }

        if (root is not JsonObject rootObject)
        {
            error = $"the request body must be a JSON object, not {Describe(root)}";
            return false;
        }

        try
        {
            var path = new List<PathSegment>();
            error = NormalizeMessage(rootObject, new T().Descriptor, path);
            if (error is not null)
            {
                return false;
            }

            message = _parser.Parse<T>(rootObject.ToJsonString());
            return true;
        }
        catch (Exception ex) when (ex is InvalidProtocolBufferException or InvalidJsonException or InvalidOperationException or ArgumentException or FormatException)
        {
            // The walk catches every shape error we know of; this is the backstop (a duplicate
            // property, a nesting deeper than the parser's recursion limit) so that bad input never
            // escapes as an exception.
            error = $"the request body is not valid OTLP/JSON: {ex.Message}";
            return false;
        }
    }

    // Walks one JSON object against its message descriptor, rewriting ids and 64-bit integers in
    // place. Returns the first error, or null.
    private static string? NormalizeMessage(JsonObject json, MessageDescriptor descriptor, List<PathSegment> path)
    {
        Dictionary<OneofDescriptor, string>? oneofsSeen = null;
        foreach (var (name, value) in json.ToList())
        {
            if (FindField(descriptor, name) is not { } field || value is null)
            {
                continue;
            }

            path.Add(new PathSegment(name, -1));
            if (field.RealContainingOneof is { } oneof)
            {
                oneofsSeen ??= [];
                if (oneofsSeen.TryGetValue(oneof, out var other))
                {
                    return $"{Format(path)}: {other} is already set, and only one field of oneof '{oneof.Name}' may be";
                }

                oneofsSeen[oneof] = name;
            }

            string? error;
            if (field.IsRepeated)
            {
                if (value is not JsonArray array)
                {
                    return $"{Format(path)}: expected an array but found {Describe(value)}";
                }

                error = null;
                for (var i = 0; i < array.Count && error is null; i++)
                {
                    if (array[i] is null)
                    {
                        path.Add(new PathSegment(null, i));
                        return $"{Format(path)}: null is not allowed in an array";
                    }

                    path.Add(new PathSegment(null, i));
                    error = NormalizeValue(array[i]!, field, path, replacement => array[i] = replacement);
                    path.RemoveAt(path.Count - 1);
                }
            }
            else
            {
                error = NormalizeValue(value, field, path, replacement => json[name] = replacement);
            }

            if (error is not null)
            {
                return error;
            }

            path.RemoveAt(path.Count - 1);
        }

        return null;
    }

    private static string? NormalizeValue(JsonNode value, FieldDescriptor field, List<PathSegment> path, Action<JsonNode> replace)
    {
        switch (field.FieldType)
        {
            case FieldType.Message or FieldType.Group:
                return value is JsonObject obj
                    ? NormalizeMessage(obj, field.MessageType, path)
                    : $"{Format(path)}: expected an object but found {Describe(value)}";

            case FieldType.Bytes when IdLength(field) is { } byteLength:
                return NormalizeId(value, byteLength, path, replace);

            case FieldType.Bytes:
                return value.GetValueKind() == JsonValueKind.String && IsBase64(value.GetValue<string>())
                    ? null
                    : $"{Format(path)}: {Show(value)} is not a base64 string";

            case FieldType.String:
                return value.GetValueKind() == JsonValueKind.String ? null : $"{Format(path)}: expected a string but found {Describe(value)}";

            case FieldType.Bool:
                return value.GetValueKind() is JsonValueKind.True or JsonValueKind.False
                    ? null
                    : $"{Format(path)}: expected true or false but found {Describe(value)}";

            case FieldType.Double or FieldType.Float:
                return IsJsonDouble(value) ? null : $"{Format(path)}: {Show(value)} is not a number";

            case FieldType.Enum:
                return NormalizeEnum(value, field.EnumType, path);

            case FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64:
                return NormalizeInteger(value, long.MinValue, long.MaxValue, "a 64-bit integer", path, replace);

            case FieldType.UInt64 or FieldType.Fixed64:
                return NormalizeInteger(value, 0, ulong.MaxValue, "an unsigned 64-bit integer", path, replace);

            case FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32:
                return NormalizeInteger(value, int.MinValue, int.MaxValue, "a 32-bit integer", path, replace);

            case FieldType.UInt32 or FieldType.Fixed32:
                return NormalizeInteger(value, 0, uint.MaxValue, "an unsigned 32-bit integer", path, replace);

            default:
                return null;
        }
    }

    // OTLP/JSON: "traceId and spanId ... MUST be represented as case-insensitive hex-encoded
    // strings"; protobuf's JSON mapping expects base64, so we convert. An empty string is an absent
    // id (a root span's parentSpanId).
    private static string? NormalizeId(JsonNode value, int byteLength, List<PathSegment> path, Action<JsonNode> replace)
    {
        if (value.GetValueKind() != JsonValueKind.String)
        {
            return $"{Format(path)}: expected a hex string but found {Describe(value)}";
        }

        var hex = value.GetValue<string>();
        if (hex.Length == 0)
        {
            return null;
        }

        var bytes = new byte[byteLength];
        if (hex.Length != byteLength * 2 || Convert.FromHexString(hex, bytes, out _, out _) != OperationStatus.Done)
        {
            return $"{Format(path)}: {Show(value)} is not {byteLength * 2} hex digits";
        }

        replace(JsonValue.Create(Convert.ToBase64String(bytes)));
        return null;
    }

    private static string? NormalizeEnum(JsonNode value, EnumDescriptor enumType, List<PathSegment> path)
    {
        var kind = value.GetValueKind();
        if (kind == JsonValueKind.String)
        {
            return enumType.FindValueByName(value.GetValue<string>()) is null
                ? $"{Format(path)}: {Show(value)} is not a {enumType.Name} value"
                : null;
        }

        // Proto3 enums are open: an integer outside the declared values is kept, not rejected.
        return kind == JsonValueKind.Number && value.AsValue().TryGetValue<int>(out _)
            ? null
            : $"{Format(path)}: {Show(value)} is not a {enumType.Name} value (a name or a 32-bit integer)";
    }

    // Accepts a JSON number or a decimal string, as protobuf's JSON mapping does, and hands the
    // parser an exact string: JsonParser reads JSON numbers as doubles, which would round a
    // nanosecond timestamp (about 1.7e18) by up to 256 ns.
    private static string? NormalizeInteger(JsonNode value, decimal min, decimal max, string what, List<PathSegment> path, Action<JsonNode> replace)
    {
        var kind = value.GetValueKind();
        var text = kind switch
        {
            JsonValueKind.String => value.GetValue<string>(),
            JsonValueKind.Number => value.ToJsonString(),
            _ => null,
        };
        if (text is null
            || !decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out var number)
            || number != decimal.Truncate(number))
        {
            return $"{Format(path)}: {Show(value)} is not {what}";
        }

        if (number < min || number > max)
        {
            return $"{Format(path)}: {Show(value)} is out of range for {what}";
        }

        replace(JsonValue.Create(number.ToString("0", CultureInfo.InvariantCulture)));
        return null;
    }

    private static bool IsJsonDouble(JsonNode value) => value.GetValueKind() switch
    {
        JsonValueKind.Number => true,
        JsonValueKind.String => value.GetValue<string>() is "NaN" or "Infinity" or "-Infinity"
            || double.TryParse(value.GetValue<string>(), NumberStyles.Float, CultureInfo.InvariantCulture, out _),
        _ => false,
    };

    private static bool IsBase64(string text)
    {
        // Protobuf's JSON mapping accepts the standard and the URL-safe alphabet.
        var standard = text.Replace('-', '+').Replace('_', '/');
        var buffer = new byte[standard.Length];
        return Convert.TryFromBase64String(standard, buffer, out _)
            || Convert.TryFromBase64String(standard.PadRight(standard.Length + ((4 - (standard.Length % 4)) % 4), '='), buffer, out _);
    }

    // The trace and span ids of Span, Span.Link and Exemplar; other bytes fields stay base64.
    private static int? IdLength(FieldDescriptor field) => field.Name switch
    {
        "trace_id" => 16,
        "span_id" or "parent_span_id" => 8,
        _ => null,
    };

    // Protobuf's JSON parser accepts a field under its lowerCamelCase JSON name or its proto name.
    private static FieldDescriptor? FindField(MessageDescriptor descriptor, string name)
    {
        foreach (var field in descriptor.Fields.InDeclarationOrder())
        {
            if (string.Equals(field.JsonName, name, StringComparison.Ordinal) || string.Equals(field.Name, name, StringComparison.Ordinal))
            {
                return field;
            }
        }

        return null;
    }

    private static string Describe(JsonNode? value) => value?.GetValueKind() switch
    {
        null or JsonValueKind.Null => "null",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => $"the string {Show(value)}",
        JsonValueKind.Number => $"the number {Show(value)}",
        _ => Show(value),
    };

    // The value as JSON, cut short so that an error never echoes a huge payload back.
    private static string Show(JsonNode value)
    {
        var text = value.ToJsonString();
        return text.Length <= MaxShownValueLength ? text : string.Concat(text.AsSpan(0, MaxShownValueLength), "…");
    }

    private static string Format(List<PathSegment> path)
    {
        var builder = new StringBuilder();
        foreach (var segment in path)
        {
            if (segment.Name is null)
            {
                builder.Append('[').Append(segment.Index.ToString(CultureInfo.InvariantCulture)).Append(']');
            }
            else
            {
                if (builder.Length > 0)
                {
                    builder.Append('.');
                }

                builder.Append(segment.Name);
            }
        }

        return builder.ToString();
    }

    // One step of a JSON path: a property name, or an array index when Name is null.
    private readonly record struct PathSegment(string? Name, int Index);
}
