using System.Globalization;

namespace Mesh.Bench.PushFanout;

/// <summary>The driver's flags.</summary>
internal sealed record FanoutOptions
{
    public const string Usage = """
        Usage: Mesh.Bench.PushFanout --api URL --control-plane URL [options]
          --api URL              the console's REST base address, e.g. http://127.0.0.1:8080
          --control-plane URL    the console's gRPC control plane, e.g. https://127.0.0.1:15010
          --control-plane-ca F   PEM file of the mesh CA an https:// control plane's certificate must chain to
          --sidecars N           simulated sidecars, one gRPC stream each (default 1000)
          --channels N           GrpcChannels the streams are spread over (default 4)
          --ramp N               at most N streams waiting for their first snapshot at once (default: all)
          --console-pid PID      the console's process: its RSS and CPU are reported
          --connect-timeout S    give up when not all have acked and settled after S seconds (default 300)
          --push-timeout S       give up waiting for the commit's snapshot after S seconds (default 120)
          --settle-quiet MS      settled = every stream acked a snapshot listing all N, then MS without pushes (default 1000)
          --full-parse           parse every snapshot completely with the generated parser (default: decode
                                 only revision, nonce and hash, and count endpoints)
        Environment:
          MESH_API_TOKEN         an API token (mat_...) with the operator role or above: the commit and /metrics
          MESH_JOIN_TOKEN        a join token (mjt_...) admitting every service: each Hello carries it
        """;

    public required Uri Api { get; init; }

    public required Uri ControlPlane { get; init; }

    public required string ApiToken { get; init; }

    public required string JoinToken { get; init; }

    public int Sidecars { get; init; } = 1000;

    public int Channels { get; init; } = 4;

    /// <summary>At most this many streams waiting for their first snapshot; 0 for all at once.</summary>
    public int Ramp { get; init; }

    public int? ConsolePid { get; init; }

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(300);

    public TimeSpan PushTimeout { get; init; } = TimeSpan.FromSeconds(120);

    public TimeSpan SettleQuiet { get; init; } = TimeSpan.FromSeconds(1);

    public bool FullParse { get; init; }

    /// <summary>The CA file an https:// control plane is verified against; null for the system store or h2c.</summary>
    public string? ControlPlaneCa { get; init; }

    /// <summary>The options, or the first mistake.</summary>
    public static (FanoutOptions? Options, string? Error) Parse(IReadOnlyList<string> args, Func<string, string?> environment)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var fullParse = false;
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] == "--full-parse")
            {
                fullParse = true;
                continue;
            }

            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Count)
                return (null, $"{args[i]}: expected --flag value");
            values[args[i]] = args[++i];
        }

        try
        {
            var options = new FanoutOptions
            {
                Api = Url(values, "--api") ?? throw new FormatException("--api: required"),
                ControlPlane = Url(values, "--control-plane") ?? throw new FormatException("--control-plane: required"),
                ApiToken = Token(environment, "MESH_API_TOKEN", "mat_"),
                JoinToken = Token(environment, "MESH_JOIN_TOKEN", "mjt_"),
                Sidecars = Number(values, "--sidecars", 1000, 1, 60000),
                Channels = Number(values, "--channels", 4, 1, 256),
                Ramp = Number(values, "--ramp", 0, 0, 60000),
                ConsolePid = values.ContainsKey("--console-pid") ? Number(values, "--console-pid", 0, 1, int.MaxValue) : null,
                ConnectTimeout = TimeSpan.FromSeconds(Number(values, "--connect-timeout", 300, 1, 3600)),
                PushTimeout = TimeSpan.FromSeconds(Number(values, "--push-timeout", 120, 1, 3600)),
                SettleQuiet = TimeSpan.FromMilliseconds(Number(values, "--settle-quiet", 1000, 0, 60000)),
                FullParse = fullParse,
                ControlPlaneCa = values.TryGetValue("--control-plane-ca", out var ca)
                    ? File.Exists(ca) ? ca : throw new FormatException($"--control-plane-ca: \"{ca}\" does not exist")
                    : null,
            };
            var known = new[] { "--api", "--control-plane", "--sidecars", "--channels", "--ramp", "--console-pid", "--connect-timeout", "--push-timeout", "--settle-quiet", "--control-plane-ca" };
            var unknown = values.Keys.FirstOrDefault(k => !known.Contains(k, StringComparer.Ordinal));
            return unknown is null ? (options, null) : (null, $"{unknown}: unknown flag");
        }
        catch (FormatException ex)
        {
            return (null, ex.Message);
        }
    }

    private static string Token(Func<string, string?> environment, string variable, string prefix)
    {
        var value = environment(variable);
        if (string.IsNullOrEmpty(value))
            throw new FormatException($"{variable}: required (a token starting with {prefix})");
        return value.StartsWith(prefix, StringComparison.Ordinal) ? value : throw new FormatException($"{variable}: not a token starting with {prefix}");
    }

    private static Uri? Url(Dictionary<string, string> values, string flag)
    {
        if (!values.TryGetValue(flag, out var text))
            return null;
        return Uri.TryCreate(text, UriKind.Absolute, out var url) && url.Scheme is "http" or "https"
            ? url
            : throw new FormatException($"{flag}: \"{text}\" is not an http:// or https:// URL");
    }

    private static int Number(Dictionary<string, string> values, string flag, int fallback, int min, int max)
    {
        if (!values.TryGetValue(flag, out var text))
            return fallback;
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new FormatException($"{flag}: \"{text}\" is not a number from {min} to {max}");
    }
}
