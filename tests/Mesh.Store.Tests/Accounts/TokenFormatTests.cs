using Mesh.Store.Accounts;

namespace Mesh.Store.Tests.Accounts;

public sealed class TokenFormatTests
{
    [Fact]
    public void Generate_PrefixAnd43Base64UrlCharacters()
    {
        var value = TokenFormat.Generate(TokenFormat.ApiTokenPrefix);

        Assert.Equal(47, value.Length);
        Assert.True(TokenFormat.IsWellFormed(value, TokenFormat.ApiTokenPrefix));
        Assert.False(TokenFormat.IsWellFormed(value, TokenFormat.JoinTokenPrefix));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("mat_short")]
    [InlineData("mat_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+")]
    [InlineData("mat_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("mjt_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public void IsWellFormed_NotAnApiToken_False(string? value) =>
        Assert.False(TokenFormat.IsWellFormed(value, TokenFormat.ApiTokenPrefix));

    [Fact]
    public void Hash_LowerHexSha256()
    {
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", TokenFormat.Hash("abc"));
    }
}
