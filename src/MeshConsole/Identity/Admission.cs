namespace MeshConsole.Identity;

/// <summary>Why a sidecar was turned away; the control plane maps it to a gRPC status.</summary>
internal enum RefusalKind
{
    /// <summary>The credentials do not prove anything: missing, unknown, expired, revoked or used up.</summary>
    Unauthenticated,

    /// <summary>Authenticated, but not allowed: another service's token, or a revoked instance.</summary>
    PermissionDenied,

    /// <summary>A malformed request, such as a bad CSR.</summary>
    InvalidArgument,
}

/// <summary>A refusal with a detail that names the field and the reason.</summary>
internal sealed record Refusal(RefusalKind Kind, string Detail);

/// <summary>The outcome of a Hello: a certificate for an admitted sidecar, or a refusal.</summary>
internal sealed record Admission(IssuedWorkload? Certificate, Refusal? Refusal)
{
    public static Admission Admitted(IssuedWorkload certificate) => new(certificate, null);

    public static Admission Refused(RefusalKind kind, string detail) => new(null, new Refusal(kind, detail));
}
