using Mesh.Policy.Documents;

namespace Mesh.Policy.Tests.Documents;

public class ConfigKindsTests
{
    [Theory]
    [InlineData(ConfigKind.Service, "service")]
    [InlineData(ConfigKind.Routes, "routes")]
    [InlineData(ConfigKind.Resilience, "resilience")]
    [InlineData(ConfigKind.Faults, "faults")]
    [InlineData(ConfigKind.Access, "access")]
    public void Name_AndTryParse_RoundTrip(ConfigKind kind, string word)
    {
        var name = kind.Name();
        var parsed = ConfigKinds.TryParse(word, out var back);

        Assert.Equal(word, name);
        Assert.True(parsed);
        Assert.Equal(kind, back);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Routes")]
    [InlineData("route")]
    [InlineData("mesh")]
    public void TryParse_UnknownWord_ReturnsFalse(string? word)
    {
        var parsed = ConfigKinds.TryParse(word, out _);

        Assert.False(parsed);
    }

    [Fact]
    public void Name_UndefinedKind_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ((ConfigKind)99).Name());
    }

    [Fact]
    public void All_ListsEveryKindInConsoleOrder()
    {
        Assert.Equal(
            [ConfigKind.Service, ConfigKind.Routes, ConfigKind.Resilience, ConfigKind.Faults, ConfigKind.Access],
            ConfigKinds.All);
    }

    [Theory]
    [InlineData(ConfigKind.Service, false)]
    [InlineData(ConfigKind.Routes, true)]
    [InlineData(ConfigKind.Resilience, true)]
    [InlineData(ConfigKind.Faults, true)]
    [InlineData(ConfigKind.Access, false)]
    public void IsServicePolicy_Kind_TrueOnlyForPerServicePolicies(ConfigKind kind, bool expected)
    {
        Assert.Equal(expected, kind.IsServicePolicy());
    }

    [Fact]
    public void MeshTarget_IsMesh()
    {
        Assert.Equal("mesh", ConfigKinds.MeshTarget);
    }
}
