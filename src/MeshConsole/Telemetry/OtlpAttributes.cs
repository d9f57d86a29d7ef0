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

    /// <summary>The attribute naming the destination's subset a caller's route rule picked; absent when no rule matched.</summary>
    public const string SubsetAttribute = "mesh.destination.subset";

    /// <summary>
    /// The subset a call went to, or null. Subsets are named like the route policy's (a DNS label): any other
    /// value did not come from a rule and is refused, with <paramref name="error"/> saying why.
    /// </summary>
    public static string? Subset(IEnumerable<KeyValue>? attributes, out string? error)
    {
        var subset = Read(attributes, SubsetAttribute);
        error = subset is not null && Mesh.Policy.Validation.FieldRules.DnsLabel(subset) is { } bad ? $"{SubsetAttribute}: {bad}" : null;
        return subset;
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
