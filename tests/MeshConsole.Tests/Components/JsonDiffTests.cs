using Bunit;
using MeshConsole.Components;

namespace MeshConsole.Tests.Components;

public sealed class JsonDiffTests : BunitContext
{
    private static readonly string _before = string.Join('\n', Enumerable.Range(1, 30).Select(i => $"line {i}"));

    [Fact]
    public void Render_OneChangeInALongText_FoldsTheRestUntilOpened()
    {
        var diff = Render<JsonDiff>(p => p
            .Add(x => x.Before, _before)
            .Add(x => x.After, _before.Replace("line 15", "line fifteen", StringComparison.Ordinal)));

        Assert.Equal(2, diff.FindAll("[data-testid=diff-fold]").Count);
        Assert.Equal(18, diff.FindAll(".mesh-sbs__cell").Count);
        Assert.Equal(2, diff.FindAll(".mesh-diff-modified").Count);

        diff.Find("[data-testid=diff-fold]").Click();

        Assert.Empty(diff.FindAll("[data-testid=diff-fold]"));
        Assert.Equal(60, diff.FindAll(".mesh-sbs__cell").Count);
    }

    [Fact]
    public void Render_SameText_SaysSo()
    {
        var diff = Render<JsonDiff>(p => p.Add(x => x.Before, "a").Add(x => x.After, "a").Add(x => x.SameText, "Nothing changes."));

        Assert.Contains("Nothing changes.", diff.Find("[data-testid=diff-same]").TextContent, StringComparison.Ordinal);
    }
}
