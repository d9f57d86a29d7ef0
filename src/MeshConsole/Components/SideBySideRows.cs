using DiffPlex.DiffBuilder;
using DiffPlex.DiffBuilder.Model;

namespace MeshConsole.Components;

/// <summary>One row of a side-by-side diff: the old line on the left, the new one on the right, either may be absent.</summary>
public sealed record SideBySideRow(DiffSide? Old, DiffSide? New);

/// <summary>One side of a row: its 1-based line number, its text and how it changed.</summary>
public sealed record DiffSide(int Number, string Text, ChangeType Change);

/// <summary>Aligns two texts line by line with DiffPlex so a person reads them side by side.</summary>
public static class SideBySideRows
{
    public static IReadOnlyList<SideBySideRow> Of(string? before, string? after)
    {
        var model = SideBySideDiffBuilder.Diff(before ?? "", after ?? "", ignoreWhiteSpace: false);
        var rows = new List<SideBySideRow>(Math.Max(model.OldText.Lines.Count, model.NewText.Lines.Count));
        for (var i = 0; i < Math.Max(model.OldText.Lines.Count, model.NewText.Lines.Count); i++)
        {
            var old = Side(model.OldText.Lines, i);
            var @new = Side(model.NewText.Lines, i);
            if (old is not null || @new is not null)
                rows.Add(new SideBySideRow(old, @new));
        }
        return rows;
    }

    /// <summary>True when the two texts differ in any line.</summary>
    public static bool Differ(IReadOnlyList<SideBySideRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return rows.Any(r => r.Old?.Change is not (null or ChangeType.Unchanged) || r.New?.Change is not (null or ChangeType.Unchanged));
    }

    // DiffPlex pads the shorter side with imaginary lines (no position) so rows align; those are blank cells.
    private static DiffSide? Side(List<DiffPiece> lines, int i) =>
        i < lines.Count && lines[i] is { Position: { } number } line ? new DiffSide(number, line.Text ?? "", line.Type) : null;
}
