using Mesh.Contracts.V1;
using Mesh.Policy.Validation;

namespace MeshConsole.ControlPlane;

/// <summary>Checks a sidecar's Hello; every problem is named by its proto field.</summary>
internal static class HelloValidator
{
    public const int MaxInstanceIdLength = 128;

    public static IReadOnlyList<ValidationError> Validate(Hello hello)
    {
        var errors = new List<ValidationError>();
        if (FieldRules.DnsLabel(hello.Service) is { } service)
            errors.Add(new("hello.service", service));
        if (hello.InstanceId.Length is 0 or > MaxInstanceIdLength || hello.InstanceId.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
            errors.Add(new("hello.instance_id", $"required: 1–{MaxInstanceIdLength} characters without spaces"));
        if (FieldRules.HostName(hello.Address) is { } address)
            errors.Add(new("hello.address", address));
        if (!FieldRules.IsPort(hello.InboundPort))
            errors.Add(new("hello.inbound_port", $"{hello.InboundPort} is not a port (1–65535)"));
        foreach (var (key, value) in hello.Labels)
        {
            if ((FieldRules.LabelKey(key) ?? FieldRules.LabelValue(value)) is { } label)
                errors.Add(new($"hello.labels[\"{key}\"]", label));
        }

        return errors;
    }
}
