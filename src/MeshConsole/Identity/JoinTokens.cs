using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace MeshConsole.Identity;

/// <summary>Join token values: <c>mjt_</c> and 32 random bytes in base64url. The store keeps only their SHA-256.</summary>
internal static partial class JoinTokens
{
    public const string Prefix = "mjt_";

    public static string Generate() => Prefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    public static bool IsWellFormed(string? value) => value is not null && Shape().IsMatch(value);

    public static string Hash(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));

    [GeneratedRegex("^mjt_[A-Za-z0-9_-]{43}$", RegexOptions.CultureInvariant)]
    private static partial Regex Shape();
}
