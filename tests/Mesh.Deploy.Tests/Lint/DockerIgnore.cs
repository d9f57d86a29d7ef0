using System.Text.RegularExpressions;

namespace Mesh.Deploy.Tests.Lint;

/// <summary>The patterns of a .dockerignore: what the build context leaves out.</summary>
public sealed class DockerIgnore(IEnumerable<string> lines)
{
    private readonly Regex[] _patterns = lines
        .Select(l => l.Trim())
        .Where(l => l.Length > 0 && !l.StartsWith('#') && !l.StartsWith('!'))
        .Select(ToRegex)
        .ToArray();

    public static DockerIgnore Read(string root)
    {
        var path = Path.Combine(root, ".dockerignore");
        return new DockerIgnore(File.Exists(path) ? File.ReadAllLines(path) : []);
    }

    /// <summary>True when the path (relative, with '/') or a folder above it is left out of the context.</summary>
    public bool Excludes(string path)
    {
        var parts = path.Trim('/').Split('/');
        for (var length = 1; length <= parts.Length; length++)
        {
            var prefix = string.Join('/', parts.Take(length));
            if (_patterns.Any(p => p.IsMatch(prefix)))
                return true;
        }

        return false;
    }

    private static Regex ToRegex(string pattern)
    {
        var glob = pattern.Trim('/');
        var regex = Regex.Escape(glob)
            .Replace(@"\*\*/", "(.*/)?", StringComparison.Ordinal)
            .Replace(@"\*\*", ".*", StringComparison.Ordinal)
            .Replace(@"\*", "[^/]*", StringComparison.Ordinal)
            .Replace(@"\?", "[^/]", StringComparison.Ordinal);
        return new Regex($"^{regex}$", RegexOptions.CultureInvariant);
    }
}
