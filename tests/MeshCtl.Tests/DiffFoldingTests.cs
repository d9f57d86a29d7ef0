using MeshCtl.Text;

namespace MeshCtl.Tests;

/// <summary>Diffs show each change with three lines around it; longer unchanged runs fold into one line.</summary>
public sealed class DiffFoldingTests
{
    [Fact]
    public void LongUnchangedRuns_FoldedAroundTheChange()
    {
        var diff = string.Join('\n', Enumerable.Range(1, 10).Select(n => $"  line {n}").Concat(["-   \"weight\": 90", "+   \"weight\": 75"]).Concat(Enumerable.Range(11, 10).Select(n => $"  line {n}")));
        using var writer = new StringWriter();

        new Colour(enabled: false).WriteDiff(writer, diff, indent: "");

        Assert.Equal(
            ["  … 7 unchanged lines", "  line 8", "  line 9", "  line 10", "-   \"weight\": 90", "+   \"weight\": 75", "  line 11", "  line 12", "  line 13", "  … 7 unchanged lines"],
            writer.ToString().TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public void TwoChangesCloseTogether_OneBlockWithoutAFold()
    {
        var diff = "-a\n+b\n  c\n  d\n  e\n  f\n  g\n  h\n-i\n+j";
        using var writer = new StringWriter();

        new Colour(enabled: false).WriteDiff(writer, diff, indent: "");

        Assert.Equal(["-a", "+b", "  c", "  d", "  e", "  f", "  g", "  h", "-i", "+j"], writer.ToString().TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public void ShortRunBetweenChanges_FoldedWhenLongerThanBothContexts()
    {
        var diff = "-a\n" + string.Join('\n', Enumerable.Range(1, 7).Select(n => $"  {n}")) + "\n+b";
        using var writer = new StringWriter();

        new Colour(enabled: false).WriteDiff(writer, diff, indent: "");

        Assert.Equal(["-a", "  1", "  2", "  3", "  … 1 unchanged line", "  5", "  6", "  7", "+b"], writer.ToString().TrimEnd('\n').Split('\n'));
    }
}
