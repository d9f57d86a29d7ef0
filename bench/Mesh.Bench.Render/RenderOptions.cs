using System.Globalization;

namespace Mesh.Bench.Render;

/// <summary>The driver's flags.</summary>
internal sealed record RenderOptions
{
    public const string Usage = """
        Usage: Mesh.Bench.Render --console PATH [options]
          --console PATH         the console's build output to start, e.g. src/MeshConsole/bin/Release/net10.0/MeshConsole.dll
          --sizes LIST           mesh sizes in services, each with 4x as many edges (default 200,1000)
          --peer-demo on|off     also measure the demo-sized graph, 6 services and 5 edges (default on)
          --reps N               fresh pages per size (default 3)
          --update-seconds S     live updates watched per page (default 20)
          --first-timeout S      the most to wait for the first full graph (default 120)
          --chromium PATH        the browser (default /usr/bin/chromium)
          --out DIR              where screenshots, the DOM copies and the console logs go (default: a new folder in /tmp)
        """;

    public required string ConsoleAssembly { get; init; }

    public IReadOnlyList<int> Sizes { get; init; } = [200, 1000];

    public bool PeerDemo { get; init; } = true;

    public int Reps { get; init; } = 3;

    public TimeSpan UpdateWindow { get; init; } = TimeSpan.FromSeconds(20);

    public TimeSpan FirstTimeout { get; init; } = TimeSpan.FromSeconds(120);

    public string Chromium { get; init; } = "/usr/bin/chromium";

    public string? Out { get; init; }

    /// <summary>The options, or the first mistake.</summary>
    public static (RenderOptions? Options, string? Error) Parse(IReadOnlyList<string> args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Count)
                return (null, $"{args[i]}: expected --flag value");
            values[args[i]] = args[++i];
        }

        string[] known = ["--console", "--sizes", "--peer-demo", "--reps", "--update-seconds", "--first-timeout", "--chromium", "--out"];
        var unknown = values.Keys.FirstOrDefault(k => !known.Contains(k, StringComparer.Ordinal));
        if (unknown is not null)
            return (null, $"{unknown}: unknown flag");

        try
        {
            var console = values.GetValueOrDefault("--console") ?? throw new FormatException("--console: required");
            if (!File.Exists(console))
                throw new FormatException($"--console: {console} does not exist (build the console in Release first)");
            return (new RenderOptions
            {
                ConsoleAssembly = Path.GetFullPath(console),
                Sizes = values.TryGetValue("--sizes", out var sizes) ? [.. sizes.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(Size)] : [200, 1000],
                PeerDemo = values.GetValueOrDefault("--peer-demo", "on") switch
                {
                    "on" => true,
                    "off" => false,
                    var other => throw new FormatException($"--peer-demo: \"{other}\" is not on or off"),
                },
                Reps = Number(values, "--reps", 3, 1, 20),
                UpdateWindow = TimeSpan.FromSeconds(Number(values, "--update-seconds", 20, 4, 600)),
                FirstTimeout = TimeSpan.FromSeconds(Number(values, "--first-timeout", 120, 5, 900)),
                Chromium = values.GetValueOrDefault("--chromium", "/usr/bin/chromium"),
                Out = values.GetValueOrDefault("--out"),
            }, null);
        }
        catch (FormatException ex)
        {
            return (null, ex.Message);
        }
    }

    private static int Size(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= 50 && value <= 5000 && value % 25 == 0
            ? value
            : throw new FormatException($"--sizes: \"{text}\" is not a multiple of 25 from 50 to 5000");

    private static int Number(Dictionary<string, string> values, string flag, int fallback, int min, int max)
    {
        if (!values.TryGetValue(flag, out var text))
            return fallback;
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new FormatException($"{flag}: \"{text}\" is not a number from {min} to {max}");
    }
}
