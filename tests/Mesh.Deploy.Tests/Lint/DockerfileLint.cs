using System.Xml.Linq;

namespace Mesh.Deploy.Tests.Lint;

/// <summary>Checks a Dockerfile against the repository it builds from (the build context is the repository's root).</summary>
public static class DockerfileLint
{
    /// <summary>The central build files every project's restore reads.</summary>
    private static readonly string[] _buildFiles = ["Directory.Build.props", "Directory.Packages.props"];

    /// <summary>One instruction, its continuation lines joined.</summary>
    public sealed record Instruction(string Keyword, string Arguments, int Line);

    public static IReadOnlyList<Instruction> Parse(string text)
    {
        var instructions = new List<Instruction>();
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#'))
                continue;
            var start = i + 1;
            while (line.EndsWith('\\') && i + 1 < lines.Length)
            {
                var next = lines[++i].Trim();
                line = line[..^1].TrimEnd() + (next.StartsWith('#') ? "" : " " + next);
            }

            var space = line.IndexOf(' ', StringComparison.Ordinal);
            instructions.Add(space < 0
                ? new Instruction(line.ToUpperInvariant(), "", start)
                : new Instruction(line[..space].ToUpperInvariant(), line[(space + 1)..].Trim(), start));
        }

        return instructions;
    }

    public static IReadOnlyList<Finding> Check(string file, string text, string root, DockerIgnore ignore, bool needsHealthcheck)
    {
        var findings = new List<Finding>();
        var instructions = Parse(text);
        var stages = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var copied = new List<string>();
        var lastFrom = -1;
        for (var i = 0; i < instructions.Count; i++)
        {
            var (keyword, arguments, line) = instructions[i];
            var words = arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            switch (keyword)
            {
                case "FROM":
                    lastFrom = i;
                    var image = words.FirstOrDefault(w => !w.StartsWith("--", StringComparison.Ordinal)) ?? "";
                    if (!stages.Contains(image) && Images.Problem(image) is { } problem)
                        findings.Add(new(file, line, problem));
                    if (words.Length >= 2 && words[^2].Equals("AS", StringComparison.OrdinalIgnoreCase))
                        stages.Add(words[^1]);
                    break;
                case "COPY" or "ADD" when !words.Any(w => w.StartsWith("--from=", StringComparison.Ordinal)):
                    foreach (var source in words.Where(w => !w.StartsWith("--", StringComparison.Ordinal)).SkipLast(1))
                    {
                        var path = source.TrimEnd('/');
                        if (!File.Exists(Path.Combine(root, path)) && !Directory.Exists(Path.Combine(root, path)))
                            findings.Add(new(file, line, $"{keyword} {source}: no such file or folder in the repository"));
                        else if (ignore.Excludes(path))
                            findings.Add(new(file, line, $"{keyword} {source}: .dockerignore leaves it out of the build context"));
                        copied.Add(path);
                    }

                    break;
                case "RUN" when arguments.Contains("dotnet ", StringComparison.Ordinal):
                    foreach (var project in words.Where(w => w.EndsWith(".csproj", StringComparison.Ordinal) || w.EndsWith(".sln", StringComparison.Ordinal)))
                    {
                        if (!File.Exists(Path.Combine(root, project)))
                            findings.Add(new(file, line, $"{project}: no such project in the repository"));
                        else if (arguments.Contains("dotnet restore", StringComparison.Ordinal))
                            findings.AddRange(MissingFromRestore(file, line, root, project, copied));
                    }

                    break;
            }
        }

        var final = instructions.Skip(lastFrom + 1).ToList();
        var lastLine = instructions.Count > 0 ? instructions[^1].Line : 1;
        var user = final.LastOrDefault(x => x.Keyword == "USER");
        if (user is null || user.Arguments.Split(':')[0] is "root" or "0")
            findings.Add(new(file, user?.Line ?? lastLine, "the final stage must switch to a non-root USER"));
        var health = final.LastOrDefault(x => x.Keyword == "HEALTHCHECK");
        if (needsHealthcheck && (health is null || health.Arguments.Equals("NONE", StringComparison.OrdinalIgnoreCase)))
            findings.Add(new(file, health?.Line ?? lastLine, "the final stage needs a HEALTHCHECK"));
        return findings;
    }

    /// <summary>
    /// The restore layer sees only what was copied before it: the project, every project it references
    /// (transitively) and the central build files, or restore fails in the image while it works here.
    /// </summary>
    private static IEnumerable<Finding> MissingFromRestore(string file, int line, string root, string project, List<string> copied)
    {
        bool IsCopied(string path) => copied.Any(c => path == c || path.StartsWith(c + "/", StringComparison.Ordinal));
        var needed = _buildFiles.Concat(ProjectClosure(root, project));
        return needed.Where(path => !IsCopied(path)).Select(path => new Finding(file, line, $"dotnet restore of {project} needs {path}, which is not copied before it"));
    }

    private static HashSet<string> ProjectClosure(string root, string project)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([project]);
        while (pending.TryPop(out var current))
        {
            if (!seen.Add(current))
                continue;
            var folder = Path.GetDirectoryName(current) ?? "";
            foreach (var reference in XDocument.Load(Path.Combine(root, current)).Descendants("ProjectReference"))
            {
                var relative = Path.GetRelativePath(root, Path.GetFullPath(Path.Combine(root, folder, reference.Attribute("Include")!.Value.Replace('\\', '/'))));
                pending.Push(relative.Replace('\\', '/'));
            }
        }

        return seen;
    }
}
