namespace MeshCtl.Text;

/// <summary>ANSI colours for diffs and states, or none: <see cref="Shell.Colour"/> decides.</summary>
public sealed class Colour(bool enabled)
{
    private const string Reset = "\e[0m";

    public string Added(string text) => Paint("\e[32m", text);

    public string Removed(string text) => Paint("\e[31m", text);

    public string Bold(string text) => Paint("\e[1m", text);

    public string Dim(string text) => Paint("\e[2m", text);

    /// <summary>Unchanged lines kept around each change; longer unchanged runs fold into one line, as in the console.</summary>
    public const int Context = 3;

    /// <summary>
    /// Writes a diff whose lines start with '+', '-' or ' ', indented, added lines green and removed red, unchanged
    /// lines more than <see cref="Context"/> away from a change folded into one dim line.
    /// </summary>
    public void WriteDiff(TextWriter writer, string? diff, string indent = "    ")
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (string.IsNullOrEmpty(diff))
            return;
        var lines = diff.TrimEnd('\n').Split('\n');
        var near = new bool[lines.Length];
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].StartsWith('+') || lines[i].StartsWith('-'))
            {
                for (var j = Math.Max(0, i - Context); j <= Math.Min(lines.Length - 1, i + Context); j++)
                    near[j] = true;
            }
        }

        for (var i = 0; i < lines.Length;)
        {
            if (near[i])
            {
                var line = lines[i++];
                writer.WriteLine(indent + (line.StartsWith('+') ? Added(line) : line.StartsWith('-') ? Removed(line) : line));
                continue;
            }

            var start = i;
            while (i < lines.Length && !near[i])
                i++;
            writer.WriteLine(indent + Dim($"  … {i - start} unchanged line{(i - start == 1 ? "" : "s")}"));
        }
    }

    private string Paint(string code, string text) => enabled ? code + text + Reset : text;
}
