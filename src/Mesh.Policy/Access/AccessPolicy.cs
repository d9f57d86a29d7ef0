using System.Text.Json.Serialization;

namespace Mesh.Policy.Access;

/// <summary>Mesh-wide service-to-service permissions, enforced by the callee's sidecar.</summary>
public sealed record AccessPolicy
{
    /// <summary>What happens to a call that no rule matches; required in JSON so a document never fails open by omission.</summary>
    [JsonRequired]
    public AccessAction DefaultAction { get; init; } = AccessAction.Allow;

    /// <summary>Rules; the most specific matching rule decides (see <see cref="AccessEvaluator"/>).</summary>
    public IReadOnlyList<AccessRule> Rules { get; init; } = [];

    /// <summary>Mutual TLS modes; absent means permissive for every service.</summary>
    public MtlsPolicy? Mtls { get; init; }

    /// <summary>The mutual TLS mode <paramref name="service"/>'s sidecar enforces on its inbound calls.</summary>
    public MtlsMode MtlsModeOf(string service) =>
        Mtls is null ? MtlsMode.Permissive : Mtls.Services.GetValueOrDefault(service, Mtls.Mode);
}

/// <summary>Allow or deny.</summary>
public enum AccessAction
{
    /// <summary>The call goes through.</summary>
    Allow,

    /// <summary>The call is refused: HTTP 403 or gRPC PERMISSION_DENIED.</summary>
    Deny,
}

/// <summary>One permission: who may (or may not) call what.</summary>
public sealed record AccessRule
{
    /// <summary>Calling service, or <c>*</c> for any.</summary>
    public string Source { get; init; } = "";

    /// <summary>Called service, or <c>*</c> for any.</summary>
    public string Destination { get; init; } = "";

    /// <summary>HTTP methods the rule covers; empty means any.</summary>
    public IReadOnlyList<string> Methods { get; init; } = [];

    /// <summary>Path prefixes the rule covers; empty means any path.</summary>
    public IReadOnlyList<string> PathPrefixes { get; init; } = [];

    /// <summary>The decision when this rule is the most specific match; required in JSON.</summary>
    [JsonRequired]
    public AccessAction Action { get; init; }
}
