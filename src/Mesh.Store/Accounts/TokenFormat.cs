using System.Buffers.Text;
using System.Security.Cryptography;

namespace Mesh.Store.Accounts;

/// <summary>
/// The mesh's secret tokens: a prefix naming the kind (<c>mat_</c> API token, <c>mjt_</c> join token)
/// and 32 random bytes in base64url (43 characters). Only the SHA-256 hash is ever stored.
/// </summary>
public static class TokenFormat
{
    public const string ApiTokenPrefix = "mat_";
    public const string JoinTokenPrefix = "mjt_";
    private const int RandomBytes = 32;
    private const int EncodedLength = 43;

    private static readonly System.Buffers.SearchValues<char> _base64UrlCharacters =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

    /// <summary>A new token value with the given prefix.</summary>
    public static string Generate(string prefix) =>
        prefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(RandomBytes));

    /// <summary>Whether <paramref name="value"/> is the prefix followed by 43 base64url characters.</summary>
    public static bool IsWellFormed(string? value, string prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        if (value is null || value.Length != prefix.Length + EncodedLength || !value.StartsWith(prefix, StringComparison.Ordinal))
            return false;
        return value.AsSpan(prefix.Length).IndexOfAnyExcept(_base64UrlCharacters) < 0;
    }

    /// <summary>Lower-case hex SHA-256 of the value, as stored.</summary>
    public static string Hash(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(value)));
    }
}
