using System.Text.RegularExpressions;

namespace Mesh.Deploy.Tests.Lint;

/// <summary>
/// A misspelt setting is silently ignored by the console and the sidecar, so every one the deployment
/// files set must be a real one: the console's from README's Configuration table, the sidecar's from its usage text.
/// </summary>
public static partial class SettingsLint
{
    /// <summary>The keys in the first column of README's Configuration table.</summary>
    public static IReadOnlySet<string> ConsoleSettings(string readme)
    {
        var section = readme[readme.IndexOf("## Configuration", StringComparison.Ordinal)..];
        var next = section.IndexOf("\n## ", 1, StringComparison.Ordinal);
        section = next > 0 ? section[..next] : section;
        return TableKey().Matches(section).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>The variables the sidecar reads, as its usage text names them.</summary>
    public static IReadOnlySet<string> SidecarVariables(string usage) =>
        Variable().Matches(usage).Select(m => m.Value).ToHashSet(StringComparer.Ordinal);

    /// <summary>A finding for each console or sidecar setting that is not a real one.</summary>
    public static IEnumerable<Finding> Check(string file, IEnumerable<(string Name, long Line)> variables, IReadOnlySet<string> console, IReadOnlySet<string> sidecar)
    {
        foreach (var (name, line) in variables)
        {
            if (ConsolePrefix().IsMatch(name) && !console.Contains(name))
                yield return new(file, line, $"{name} is not a console setting (README's Configuration table has no such key)");
            else if (name.StartsWith("MESH_SIDECAR_", StringComparison.Ordinal) && !sidecar.Contains(name))
                yield return new(file, line, $"{name} is not a variable the sidecar reads (see its --help)");
        }
    }

    [GeneratedRegex(@"^\| `([A-Za-z_]+)`", RegexOptions.Multiline)]
    private static partial Regex TableKey();

    [GeneratedRegex(@"\bMESH_[A-Z_]+\b")]
    private static partial Regex Variable();

    [GeneratedRegex("^(Mesh|Kestrel|ConnectionStrings)__")]
    private static partial Regex ConsolePrefix();
}
