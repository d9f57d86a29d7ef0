using DiffPlex.DiffBuilder;
using DiffPlex.DiffBuilder.Model;
using Mesh.Policy.Documents;
using Mesh.Store.Entities;

namespace MeshConsole.Audit;

/// <summary>One line of a revision's diff.</summary>
/// <param name="Change">'+' added, '-' removed, ' ' unchanged.</param>
/// <param name="Text">The line of indented canonical JSON.</param>
public sealed record DiffLine(char Change, string Text)
{
    public override string ToString() => $"{Change} {Text}";
}

/// <summary>Line diff of a revision's before and after, over indented canonical JSON so key order never shows.</summary>
public static class RevisionDiff
{
    public static IReadOnlyList<DiffLine> Lines(ConfigRevision revision)
    {
        ArgumentNullException.ThrowIfNull(revision);
        return Lines(
            revision.Before is null ? "" : ConfigDocuments.Pretty(revision.Kind, revision.Before),
            revision.After is null ? "" : ConfigDocuments.Pretty(revision.Kind, revision.After));
    }

    /// <summary>Line diff of two texts (indented canonical JSON; empty for no document).</summary>
    public static IReadOnlyList<DiffLine> Lines(string before, string after)
    {
        var model = InlineDiffBuilder.Diff(before, after, ignoreWhiteSpace: false);
        return model.Lines
            .Where(line => !(line.Type == ChangeType.Unchanged && line.Text.Length == 0 && line.Position is null))
            .Select(line => new DiffLine(
                line.Type switch
                {
                    ChangeType.Inserted => '+',
                    ChangeType.Deleted => '-',
                    _ => ' ',
                },
                line.Text))
            .ToList();
    }

    /// <summary>The diff as text, one line per line, '+'/'-'/' ' in front.</summary>
    public static string Text(ConfigRevision revision) => string.Join('\n', Lines(revision));
}
