using System.Text.RegularExpressions;

namespace Mesh.Deploy.Tests.Lint;

/// <summary>Example files carry placeholders only: a value shaped like a real API or join token is a committed secret.</summary>
public static partial class SecretsLint
{
    public static IEnumerable<Finding> Check(string file, string text) =>
        text.Split('\n').Select((line, index) => (Match: Token().Match(line), Line: index + 1))
            .Where(x => x.Match.Success)
            // Name the kind, never the value: the finding must not spread the secret further.
            .Select(x => new Finding(file, x.Line, $"a real-looking {x.Match.Value[..4]} token: commit a placeholder, never a secret"));

    [GeneratedRegex(@"\bm(at|jt)_[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])")]
    private static partial Regex Token();
}
