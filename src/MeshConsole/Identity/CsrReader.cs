using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace MeshConsole.Identity;

/// <summary>
/// Reads a sidecar's PKCS#10 request: well formed, signed by the key it carries (proof that the
/// sidecar holds it), and a key we accept. Only its public key is used; names come from the Hello.
/// </summary>
internal static class CsrReader
{
    private const string EcPublicKey = "1.2.840.10045.2.1";
    private const string RsaPublicKey = "1.2.840.113549.1.1.1";
    private const string P256 = "1.2.840.10045.3.1.7";
    private const string P384 = "1.3.132.0.34";

    /// <summary>The request, or an error naming <paramref name="field"/> and the reason.</summary>
    public static (CertificateRequest? Request, string? Error) Read(ReadOnlySpan<byte> der, string field)
    {
        if (der.IsEmpty)
            return (null, $"{field}: required (a PKCS#10 certificate signing request, DER)");
        CertificateRequest parsed;
        try
        {
            parsed = CertificateRequest.LoadSigningRequest(
                der, HashAlgorithmName.SHA256, out var consumed, CertificateRequestLoadOptions.SkipSignatureValidation);
            if (consumed != der.Length)
                return (null, $"{field}: {der.Length - consumed} byte(s) after the request");
        }
        catch (CryptographicException)
        {
            return (null, $"{field}: not a PKCS#10 certificate signing request (DER)");
        }

        if (KeyError(parsed.PublicKey) is { } keyError)
            return (null, $"{field}: {keyError}");
        try
        {
            return (CertificateRequest.LoadSigningRequest(der, HashAlgorithmName.SHA256, out _), null);
        }
        catch (CryptographicException)
        {
            return (null, $"{field}: signature does not verify");
        }
    }

    private static string? KeyError(PublicKey key)
    {
        switch (key.Oid.Value)
        {
            case EcPublicKey:
                using (var ec = key.GetECDsaPublicKey())
                {
                    var curve = ec?.ExportParameters(false).Curve.Oid;
                    return curve?.Value is P256 or P384 ? null : $"ECDSA curve {curve?.FriendlyName ?? curve?.Value ?? "unknown"} is not accepted (P-256 or P-384)";
                }

            case RsaPublicKey:
                using (var rsa = key.GetRSAPublicKey())
                {
                    var bits = rsa?.KeySize ?? 0;
                    return bits >= 2048 ? null : $"RSA key of {bits} bits is too weak (2048 or more)";
                }

            default:
                return $"key algorithm {key.Oid.FriendlyName ?? key.Oid.Value} is not accepted (ECDSA P-256/P-384 or RSA of 2048 bits or more)";
        }
    }
}
