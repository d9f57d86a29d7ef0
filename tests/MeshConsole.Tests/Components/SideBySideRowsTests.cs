using DiffPlex.DiffBuilder.Model;
using MeshConsole.Components;

namespace MeshConsole.Tests.Components;

public sealed class SideBySideRowsTests
{
    [Fact]
    public void Of_ChangedLine_AlignedOnOneRowAsModified()
    {
        var rows = SideBySideRows.Of("{\n  \"weight\": 90\n}", "{\n  \"weight\": 50\n}");

        Assert.Equal(3, rows.Count);
        Assert.Equal(ChangeType.Modified, rows[1].Old!.Change);
        Assert.Equal("  \"weight\": 50", rows[1].New!.Text);
        Assert.True(SideBySideRows.Differ(rows));
    }

    [Fact]
    public void Of_AddedLine_OldSideBlank()
    {
        var rows = SideBySideRows.Of("a\nc", "a\nb\nc");

        var added = Assert.Single(rows, r => r.New?.Change == ChangeType.Inserted);
        Assert.Null(added.Old);
        Assert.Equal(2, added.New!.Number);
    }

    [Fact]
    public void Of_Create_EveryLineInsertedNothingOnTheLeft()
    {
        var rows = SideBySideRows.Of(null, "a\nb");

        Assert.All(rows, r => Assert.Null(r.Old));
        Assert.All(rows, r => Assert.Equal(ChangeType.Inserted, r.New!.Change));
    }

    [Fact]
    public void Differ_SameText_False()
    {
        Assert.False(SideBySideRows.Differ(SideBySideRows.Of("a\nb", "a\nb")));
    }

    [Fact]
    public void Fold_LongUnchangedRuns_OneMarkerEachContextKept()
    {
        var before = string.Join('\n', Enumerable.Range(1, 20).Select(i => $"line {i}"));
        var after = before.Replace("line 10", "line ten", StringComparison.Ordinal);

        var folded = SideBySideRows.Fold(SideBySideRows.Of(before, after), context: 2);

        Assert.Equal([7, 0, 0, 0, 0, 0, 8], folded.Select(r => r.Folded));
        Assert.Equal("line 8", folded[1].Old!.Text);
        Assert.Equal("line ten", folded[3].New!.Text);
    }

    [Fact]
    public void Fold_NoChange_KeptWhole()
    {
        var rows = SideBySideRows.Of("a\nb\nc\nd", "a\nb\nc\nd");

        Assert.Same(rows, SideBySideRows.Fold(rows, context: 0));
    }

    [Fact]
    public void Fold_SingleUnchangedRowBetweenChanges_ShownNotFolded()
    {
        var folded = SideBySideRows.Fold(SideBySideRows.Of("a\nb\nc", "x\nb\nz"), context: 0);

        Assert.All(folded, r => Assert.Equal(0, r.Folded));
        Assert.Equal(3, folded.Count);
    }
}
