using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;

namespace MeshConsole.Tests.Identity;

/// <summary>The URI SANs of a certificate; .NET enumerates DNS names and IP addresses only.</summary>
internal static class SanUris
{
    private static readonly Asn1Tag _uri = new(TagClass.ContextSpecific, 6);

    public static IReadOnlyList<string> Of(X509Certificate2 certificate)
    {
        var extension = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        var names = new AsnReader(extension.RawData, AsnEncodingRules.DER).ReadSequence();
        var uris = new List<string>();
        while (names.HasData)
        {
            if (names.PeekTag().HasSameClassAndValue(_uri))
                uris.Add(names.ReadCharacterString(UniversalTagNumber.IA5String, _uri));
            else
                names.ReadEncodedValue();
        }

        return uris;
    }
}
