namespace Mesh.Policy.Access;

/// <summary>
/// The whole inbound judgement a callee's sidecar makes of a call, and the one the console's what-if,
/// matrix and impact read: a caller without identity is refused by a service in strict mutual TLS before
/// any rule is read; every other call goes to <see cref="AccessEvaluator"/>.
/// </summary>
public static class AccessCheck
{
    /// <summary>How the explanation of a call refused for strict mutual TLS begins (the sidecar's words).</summary>
    public const string StrictMtlsRequired = "strict mTLS is required";

    /// <summary>Judges <paramref name="request"/> under <paramref name="policy"/>, strict mutual TLS first.</summary>
    public static AccessDecision Judge(AccessPolicy policy, AccessRequest request)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(request);
        if (RefusedForStrictMtls(policy, request))
        {
            return new AccessDecision(AccessAction.Deny, null,
                $"{StrictMtlsRequired}: {request.Destination} accepts only mutual TLS with a mesh workload certificate, and this call has none");
        }

        return AccessEvaluator.Evaluate(policy, request);
    }

    /// <summary>True when the call has no identity and its destination is in strict mutual TLS: no rule is read.</summary>
    public static bool RefusedForStrictMtls(AccessPolicy policy, AccessRequest request)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(request);
        return request.Source == AccessEvaluator.Unauthenticated && policy.MtlsModeOf(request.Destination) == MtlsMode.Strict;
    }
}
