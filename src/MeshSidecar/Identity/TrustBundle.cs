using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Mesh.Contracts.V1;
using Mesh.Policy.Validation;

namespace MeshSidecar.Identity;

/// <summary>
/// What a snapshot says about peers' certificates: the CA certificates they must chain to, the
/// serials revoked before expiry, and the mesh's trust domain. Swapped whole with its snapshot.
/// </summary>
internal sealed record TrustBundle(X509Certificate2Collection Anchors, IReadOnlySet<string> RevokedSerials, string TrustDomain)
{
    public const string DefaultTrustDomain = "mesh.local";

    public static TrustBundle Empty { get; } = new([], new HashSet<string>(), DefaultTrustDomain);

    /// <summary>SHA-256 fingerprints of the anchors (upper-case hex), as /identity shows them.</summary>
    public IReadOnlyList<string> Fingerprints { get; } = [.. Anchors.Select(a => Convert.ToHexString(SHA256.HashData(a.RawData)))];

    public bool IsRevoked(string serial) => RevokedSerials.Contains(Normalize(serial));

    /// <summary>Reads the snapshot's identity fields; errors name the snapshot field.</summary>
    public static TrustBundle Read(Snapshot message, List<string> errors)
    {
        var anchors = new X509Certificate2Collection();
        for (var i = 0; i < message.TrustAnchors.Count; i++)
        {
            try
            {
                anchors.Add(X509CertificateLoader.LoadCertificate(message.TrustAnchors[i].Span));
            }
            catch (CryptographicException)
            {
                errors.Add($"trust_anchors[{i}]: not a DER X.509 certificate");
            }
        }

        var revoked = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < message.RevokedSerials.Count; i++)
        {
            var serial = message.RevokedSerials[i];
            if (serial.Length == 0 || !serial.All(char.IsAsciiHexDigit))
                errors.Add($"revoked_serials[{i}]: \"{serial}\" is not a hexadecimal serial number");
            else
                revoked.Add(Normalize(serial));
        }

        var domain = message.TrustDomain.Length == 0 ? DefaultTrustDomain : message.TrustDomain;
        if (FieldRules.HostName(domain) is { } domainError || domain.Any(char.IsAsciiLetterUpper))
            errors.Add($"trust_domain: \"{domain}\" is not a lower-case trust domain name");
        return new TrustBundle(anchors, revoked, domain);
    }

    /// <summary>One spelling per serial: upper case, without the leading zeros DER may add.</summary>
    private static string Normalize(string serial)
    {
        var trimmed = serial.ToUpperInvariant().TrimStart('0');
        return trimmed.Length == 0 ? "0" : trimmed;
    }
}
