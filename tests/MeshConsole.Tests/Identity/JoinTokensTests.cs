using MeshConsole.Identity;

namespace MeshConsole.Tests.Identity;

public sealed class JoinTokensTests
{
    [Fact]
    public void Generate_TwoTokens_WellFormedAndDifferent()
    {
        var first = JoinTokens.Generate();
        var second = JoinTokens.Generate();

        Assert.True(JoinTokens.IsWellFormed(first));
        Assert.Equal(47, first.Length);
        Assert.NotEqual(first, second);
    }

    [Theory]
    [InlineData("")]
    [InlineData("mat_test_join_token_of_the_console_under_test_0")]
    [InlineData("mjt_too_short")]
    [InlineData("mjt_test_join_token_of_the_console_under_test=0")]
    public void IsWellFormed_OtherShapes_False(string value) => Assert.False(JoinTokens.IsWellFormed(value));

    [Fact]
    public void Hash_Value_Sha256LowerHex() =>
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", JoinTokens.Hash("abc"));
}
