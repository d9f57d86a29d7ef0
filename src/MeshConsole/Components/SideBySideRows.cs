using DiffPlex.DiffBuilder;
using DiffPlex.DiffBuilder.Model;

namespace MeshConsole.Components;

/// <summary>
/// One row of a side-by-side diff: the old line on the left, the new one on the right, either may be absent;
/// or, when <paramref name="Folded"/> is above 0, a marker for that many unchanged rows left out.
/// </summary>
public sealed record SideBySideRow(DiffSide? Old, DiffSide? New, int Folded = 0);

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
        return rows.Any(Changed);
    }

    /// <summary>
    /// Leaves out runs of unchanged rows further than <paramref name="context"/> rows from a change, each run
    /// replaced by one fold marker, so a one-line change in a long policy reads at a glance. Texts without a
    /// change are kept whole.
    /// </summary>
    public static IReadOnlyList<SideBySideRow> Fold(IReadOnlyList<SideBySideRow> rows, int context)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(context);
        if (!Differ(rows))
            return rows;

        var near = new bool[rows.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            if (!Changed(rows[i]))
                continue;
            for (var j = Math.Max(0, i - context); j <= Math.Min(rows.Count - 1, i + context); j++)
                near[j] = true;
        }

        var folded = new List<SideBySideRow>();
        for (var i = 0; i < rows.Count;)
        {
            if (near[i])
            {
                folded.Add(rows[i++]);
                continue;
            }
            var start = i;
            while (i < rows.Count && !near[i])
                i++;
            // Folding a single row hides nothing worth a marker line.
            if (i - start == 1)
                folded.Add(rows[start]);
            else
                folded.Add(new SideBySideRow(null, null, i - start));
        }
        return folded;
    }

    private static bool Changed(SideBySideRow row) =>
        row.Old?.Change is not (null or ChangeType.Unchanged) || row.New?.Change is not (null or ChangeType.Unchanged);

    // DiffPlex pads the shorter side with imaginary lines (no position) so rows align; those are blank cells.
    private static DiffSide? Side(List<DiffPiece> lines, int i) =>
        i < lines.Count && lines[i] is { Position: { } number } line ? new DiffSide(number, line.Text ?? "", line.Type) : null;
}
