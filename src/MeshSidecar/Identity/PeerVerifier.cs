using System.Security.Cryptography.X509Certificates;

namespace MeshSidecar.Identity;

/// <summary>What a peer's certificate proves: the service it speaks for, or why it proves nothing.</summary>
/// <param name="Service">The verified calling (or called) service; null when refused.</param>
/// <param name="Refusal">A short reason for metrics (<c>untrusted</c>, <c>expired</c>, ...); null when accepted.</param>
/// <param name="Detail">The reason in words, for logs.</param>
internal sealed record PeerVerdict(string? Service, string? Refusal, string Detail)
{
    public static PeerVerdict Refused(string refusal, string detail) => new(null, refusal, detail);
}

/// <summary>
/// Checks a peer's workload certificate against the trust bundle in force: it chains to an anchor
/// (no online revocation check: the console's revoked serials are the mesh's revocation list), is
/// within its validity, is not revoked, and carries one SPIFFE ID of the mesh's trust domain.
/// The inbound listener and the outbound client both ask it.
/// </summary>
internal static class PeerVerifier
{
    public static PeerVerdict Verify(X509Certificate2 certificate, IEnumerable<X509Certificate2> presented, TrustBundle trust, DateTimeOffset now)
    {
        if (trust.Anchors.Count == 0)
            return PeerVerdict.Refused("no-trust-anchors", "no trust anchors yet: the console has not sent any");

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(trust.Anchors);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = now.UtcDateTime;
        foreach (var extra in presented)
        {
            if (!extra.RawData.AsSpan().SequenceEqual(certificate.RawData))
                chain.ChainPolicy.ExtraStore.Add(extra);
        }

        if (!chain.Build(certificate))
        {
            var status = chain.ChainStatus.Aggregate(X509ChainStatusFlags.NoError, (all, s) => all | s.Status);
            return (status & X509ChainStatusFlags.NotTimeValid) != 0
                ? PeerVerdict.Refused("expired", $"certificate {certificate.SerialNumber} is outside its validity ({certificate.NotBefore:O} to {certificate.NotAfter:O})")
                : PeerVerdict.Refused("untrusted", $"certificate {certificate.SerialNumber} does not chain to the mesh's trust anchors ({status})");
        }

        if (trust.IsRevoked(certificate.SerialNumber))
            return PeerVerdict.Refused("revoked", $"certificate {certificate.SerialNumber} is revoked");

        if (SpiffeId.Of(certificate) is not { } id || SpiffeId.ServiceOf(id) is not { } service)
            return PeerVerdict.Refused("no-spiffe-id", $"certificate {certificate.SerialNumber} carries no spiffe://<trust domain>/svc/<service> URI");
        if (!string.Equals(id.Host, trust.TrustDomain, StringComparison.Ordinal))
            return PeerVerdict.Refused("wrong-trust-domain", $"certificate {certificate.SerialNumber} is for trust domain {id.Host}, not {trust.TrustDomain}");
        return new PeerVerdict(service, null, $"{id} (certificate {certificate.SerialNumber})");
    }
}
