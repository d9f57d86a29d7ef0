using Mesh.Contracts.Otlp.Common.V1;

namespace MeshConsole.Telemetry;

internal static class OtlpAttributes
{
    /// <summary>A string, integer or boolean attribute as text; null when absent or of another type.</summary>
    public static string? Read(IEnumerable<KeyValue>? attributes, string name)
    {
        if (attributes is null)
            return null;
        foreach (var attribute in attributes)
        {
            if (attribute.Key != name || attribute.Value is null)
                continue;
            return attribute.Value.ValueCase switch
            {
                AnyValue.ValueOneofCase.StringValue => attribute.Value.StringValue,
                AnyValue.ValueOneofCase.IntValue => attribute.Value.IntValue.ToString(System.Globalization.CultureInfo.InvariantCulture),
                AnyValue.ValueOneofCase.BoolValue => attribute.Value.BoolValue ? "true" : "false",
                _ => null,
            };
        }

        return null;
    }
}
