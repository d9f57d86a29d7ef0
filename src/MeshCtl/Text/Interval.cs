using System.Globalization;
using System.Text.RegularExpressions;

namespace MeshCtl.Text;

/// <summary>Durations as people type them: 500ms, 2s, 1m.</summary>
public static partial class Interval
{
    public static bool TryParse(string? text, out TimeSpan interval)
    {
        interval = default;
        var match = Shape().Match(text ?? "");
        if (!match.Success || !int.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var amount))
            return false;
        interval = match.Groups[2].Value switch
        {
            "ms" => TimeSpan.FromMilliseconds(amount),
            "s" => TimeSpan.FromSeconds(amount),
            _ => TimeSpan.FromMinutes(amount),
        };
        return true;
    }

    [GeneratedRegex("^([0-9]{1,6})(ms|s|m)$")]
    private static partial Regex Shape();
}
