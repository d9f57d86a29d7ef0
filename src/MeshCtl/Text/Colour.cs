namespace MeshCtl.Text;

/// <summary>ANSI colours for diffs and states, or none: <see cref="Shell.Colour"/> decides.</summary>
public sealed class Colour(bool enabled)
{
    private const string Reset = "\e[0m";

    public string Added(string text) => Paint("\e[32m", text);

    public string Removed(string text) => Paint("\e[31m", text);

    public string Bold(string text) => Paint("\e[1m", text);

    public string Dim(string text) => Paint("\e[2m", text);

    /// <summary>Writes a diff whose lines start with '+', '-' or ' ', indented, added lines green and removed red.</summary>
    public void WriteDiff(TextWriter writer, string? diff, string indent = "    ")
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (string.IsNullOrEmpty(diff))
            return;
        foreach (var line in diff.TrimEnd('\n').Split('\n'))
        {
            var painted = line.StartsWith('+') ? Added(line) : line.StartsWith('-') ? Removed(line) : line;
            writer.WriteLine(indent + painted);
        }
    }

    private string Paint(string code, string text) => enabled ? code + text + Reset : text;
}
