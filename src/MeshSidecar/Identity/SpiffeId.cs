using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;
using Mesh.Policy.Validation;

namespace MeshSidecar.Identity;

/// <summary>
/// The mesh's SPIFFE IDs, <c>spiffe://&lt;trust domain&gt;/svc/&lt;service&gt;</c>: the one URI SAN of a
/// workload certificate, naming the service the holder may speak for.
/// </summary>
internal static class SpiffeId
{
    public const string Scheme = "spiffe";

    public static Uri For(string trustDomain, string service) => new($"{Scheme}://{trustDomain}/svc/{service}");

    /// <summary>The certificate's SPIFFE ID: its one <c>spiffe://</c> URI SAN, or null when it has none or several.</summary>
    public static Uri? Of(X509Certificate2 certificate)
    {
        var uris = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>()
            .SelectMany(san => Uris(san.RawData))
            .Where(uri => uri.Scheme == Scheme)
            .Take(2)
            .ToList();
        return uris.Count == 1 ? uris[0] : null;
    }

    /// <summary>The URIs among a SAN extension's GeneralNames (tag [6]); .NET enumerates only DNS names and IP addresses.</summary>
    private static List<Uri> Uris(byte[] extension)
    {
        var uris = new List<Uri>();
        var uriTag = new Asn1Tag(TagClass.ContextSpecific, 6);
        try
        {
            var names = new AsnReader(extension, AsnEncodingRules.DER).ReadSequence();
            while (names.HasData)
            {
                if (!names.PeekTag().HasSameClassAndValue(uriTag))
                {
                    names.ReadEncodedValue();
                    continue;
                }

                if (Uri.TryCreate(names.ReadCharacterString(UniversalTagNumber.IA5String, uriTag), UriKind.Absolute, out var uri))
                    uris.Add(uri);
            }
        }
        catch (AsnContentException)
        {
            // A malformed extension names nobody.
            uris.Clear();
        }

        return uris;
    }

    /// <summary>The service an ID names, or null when its path is not <c>/svc/&lt;DNS label&gt;</c>.</summary>
    public static string? ServiceOf(Uri id)
    {
        const string prefix = "/svc/";
        var path = id.AbsolutePath;
        if (!path.StartsWith(prefix, StringComparison.Ordinal))
            return null;
        var service = path[prefix.Length..];
        return FieldRules.DnsLabel(service) is null ? service : null;
    }
}
