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

    /// <summary>
    /// How a call ended, from its HTTP and gRPC status attributes: an error is HTTP 500 and above or a
    /// gRPC status other than OK; a refusal by access control (HTTP 403, gRPC PERMISSION_DENIED) is
    /// denied, and not an error.
    /// </summary>
    public static (bool Error, bool Denied) Outcome(string? httpStatus, string? grpcStatus)
    {
        var denied = grpcStatus is not null ? grpcStatus == "7" : httpStatus == "403";
        var error = grpcStatus is not null
            ? grpcStatus != "0"
            : httpStatus is not null && int.TryParse(httpStatus, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var code) && code >= 500;
        return (error && !denied, denied);
    }
}
