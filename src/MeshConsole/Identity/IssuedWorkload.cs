namespace MeshConsole.Identity;

/// <summary>A workload certificate as the sidecar receives it: the leaf, its issuer, its serial and expiry.</summary>
internal sealed record IssuedWorkload(byte[] Certificate, byte[] Issuer, string Serial, DateTimeOffset NotAfter);
