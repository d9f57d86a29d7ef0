using System.Text.Json;
using MeshSidecar.Identity;

namespace MeshSidecar.Admin;

/// <summary>The admin port's <c>/identity</c>: the workload certificate in force and the anchors peers are judged by.</summary>
/// <param name="SpiffeId">The certificate's SPIFFE ID.</param>
/// <param name="Serial">Its serial number (upper-case hex).</param>
/// <param name="NotAfter">When it expires.</param>
/// <param name="NextRotation">When the next certificate is asked for: half-way through this one's life.</param>
/// <param name="TrustDomain">The trust domain of the snapshot in force.</param>
/// <param name="TrustAnchors">SHA-256 fingerprints (upper-case hex) of the CA certificates peers must chain to.</param>
internal sealed record IdentityView(string SpiffeId, string Serial, DateTimeOffset NotAfter, DateTimeOffset NextRotation, string TrustDomain, IReadOnlyList<string> TrustAnchors)
{
    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static IdentityView? Of(WorkloadIdentity? identity, TrustBundle? trust)
    {
        if (identity is null)
            return null;
        trust ??= TrustBundle.Empty;
        return new IdentityView(identity.SpiffeId.ToString(), identity.Serial, identity.NotAfter, identity.RotateAt, trust.TrustDomain, trust.Fingerprints);
    }
}
