using Mesh.Store.Accounts;

namespace MeshConsole.Identity;

/// <summary>Join token values: <c>mjt_</c> and 32 random bytes in base64url, in the one token format API tokens share. The store keeps only their SHA-256.</summary>
internal static class JoinTokens
{
    public const string Prefix = TokenFormat.JoinTokenPrefix;

    public static string Generate() => TokenFormat.Generate(Prefix);

    public static bool IsWellFormed(string? value) => TokenFormat.IsWellFormed(value, Prefix);

    public static string Hash(string value) => TokenFormat.Hash(value);
}
