using Mesh.Policy.Validation;
using MeshConsole.Components;

namespace MeshConsole.Tests.Components;

public sealed class ServerErrorsTests
{
    private static readonly ServerErrors _errors = new([
        new ValidationError("reason", "required"),
        new ValidationError("rules[0].destinations", "weights sum to 110, must be 100"),
        new ValidationError("rules[0].match.pathPrefix", "must start with /"),
        new ValidationError("rules10", "unrelated"),
    ]);

    [Fact]
    public void For_ExactField_ItsMessage()
    {
        Assert.Equal("required", _errors.For("reason"));
    }

    [Fact]
    public void For_Parent_CoversChildrenWithTheirRelativePaths()
    {
        Assert.Equal("destinations: weights sum to 110, must be 100; match.pathPrefix: must start with /", _errors.For("rules[0]"));
    }

    [Fact]
    public void Has_PrefixThatIsNotAPathStep_DoesNotCover()
    {
        Assert.True(_errors.Has("rules"));
        Assert.False(_errors.Has("rules1"));
        Assert.Null(_errors.For("mirror"));
    }

    [Fact]
    public void Unshown_ErrorsNoFieldClaims_ForTheSummary()
    {
        var unshown = _errors.Unshown("reason", "rules[0]");

        Assert.Equal("rules10", Assert.Single(unshown).Field);
    }
}
