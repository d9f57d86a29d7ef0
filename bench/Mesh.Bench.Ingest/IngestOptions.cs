using System.Globalization;

namespace Mesh.Bench.Ingest;

/// <summary>The driver's flags.</summary>
internal sealed record IngestOptions
{
    public const string Usage = """
        Usage: Mesh.Bench.Ingest --otlp URL --api URL [options]
          --otlp URL             the console's OTLP gRPC endpoint, e.g. http://127.0.0.1:4317
          --api URL              the console's HTTP base address (topology API), e.g. http://127.0.0.1:8080
          --console-pid PID      the console's process: its memory (every second) and CPU are reported
          --duration S           how long the senders start new exports (default 60)
          --max-exports N        and at most this many exports in all (default 1000000)
          --senders N            concurrent senders, one export in flight each (default 4)
          --spans N              client spans per export (default 512)
          --services N           services the spans come from, one resource each (default 20)
          --peers N              peers they call (peer.service) (default 20)
          --backoff-ms MS        a refused export (RESOURCE_EXHAUSTED) is sent again after MS (default 10)
          --encode-seconds S     first, the same senders build and encode exports without sending for S (default 10; 0: skip)
          --probes N             single-span exports on fresh edges, after the load (default 50)
          --poll-ms MS           the topology is read every MS until a probe's edge shows (default 10)
          --probe-timeout S      a probe whose edge has not shown after S counts as not seen (default 10)
        Environment:
          MESH_API_TOKEN         an API token (mat_...) the topology and /metrics are read with
          MESH_OTLP_TOKEN        the bearer the exports carry: an API token, or a join token (mjt_...) as the
                                 mesh's sidecars send (default: MESH_API_TOKEN)
        """;

    public required Uri Otlp { get; init; }

    public required Uri Api { get; init; }

    /// <summary>The bearer of the REST reads (topology, metrics).</summary>
    public required string ApiToken { get; init; }

    /// <summary>The bearer every OTLP export carries.</summary>
    public required string OtlpToken { get; init; }

    public int? ConsolePid { get; init; }

    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(60);

    public long MaxExports { get; init; } = 1_000_000;

    public int Senders { get; init; } = 4;

    public int Spans { get; init; } = 512;

    public int Services { get; init; } = 20;

    public int Peers { get; init; } = 20;

    public TimeSpan Backoff { get; init; } = TimeSpan.FromMilliseconds(10);

    public TimeSpan EncodeOnly { get; init; } = TimeSpan.FromSeconds(10);

    public int Probes { get; init; } = 50;

    public TimeSpan Poll { get; init; } = TimeSpan.FromMilliseconds(10);

    public TimeSpan ProbeTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The options, or the first mistake.</summary>
    public static (IngestOptions? Options, string? Error) Parse(IReadOnlyList<string> args, Func<string, string?> environment)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Count)
                return (null, $"{args[i]}: expected --flag value");
            values[args[i]] = args[++i];
        }

        string[] known =
        [
            "--otlp", "--api", "--console-pid", "--duration", "--max-exports", "--senders", "--spans", "--services", "--peers",
            "--backoff-ms", "--encode-seconds", "--probes", "--poll-ms", "--probe-timeout",
        ];
        var unknown = values.Keys.FirstOrDefault(k => !known.Contains(k, StringComparer.Ordinal));
        if (unknown is not null)
            return (null, $"{unknown}: unknown flag");

        try
        {
            var apiToken = Token(environment, "MESH_API_TOKEN", "mat_") ?? throw new FormatException("MESH_API_TOKEN: required (an API token, mat_...)");
            return (new IngestOptions
            {
                ApiToken = apiToken,
                OtlpToken = Token(environment, "MESH_OTLP_TOKEN", "mat_", "mjt_") ?? apiToken,
                Otlp = Url(values, "--otlp") ?? throw new FormatException("--otlp: required"),
                Api = Url(values, "--api") ?? throw new FormatException("--api: required"),
                ConsolePid = values.ContainsKey("--console-pid") ? Number(values, "--console-pid", 0, 1, int.MaxValue) : null,
                Duration = TimeSpan.FromSeconds(Number(values, "--duration", 60, 1, 3600)),
                MaxExports = Number(values, "--max-exports", 1_000_000, 1, int.MaxValue),
                Senders = Number(values, "--senders", 4, 1, 256),
                Spans = Number(values, "--spans", 512, 1, 100_000),
                Services = Number(values, "--services", 20, 1, 1000),
                Peers = Number(values, "--peers", 20, 1, 1000),
                Backoff = TimeSpan.FromMilliseconds(Number(values, "--backoff-ms", 10, 0, 60_000)),
                EncodeOnly = TimeSpan.FromSeconds(Number(values, "--encode-seconds", 10, 0, 600)),
                Probes = Number(values, "--probes", 50, 0, 10_000),
                Poll = TimeSpan.FromMilliseconds(Number(values, "--poll-ms", 10, 1, 10_000)),
                ProbeTimeout = TimeSpan.FromSeconds(Number(values, "--probe-timeout", 10, 1, 600)),
            }, null);
        }
        catch (FormatException ex)
        {
            return (null, ex.Message);
        }
    }

    /// <summary>The variable's value, null when unset; one that is not a token of the expected kind is a mistake.</summary>
    private static string? Token(Func<string, string?> environment, string variable, params string[] prefixes)
    {
        var value = environment(variable);
        if (string.IsNullOrEmpty(value))
            return null;
        return prefixes.Any(p => value.StartsWith(p, StringComparison.Ordinal))
            ? value
            : throw new FormatException($"{variable}: not a token starting with {string.Join(" or ", prefixes)}");
    }

    private static Uri? Url(Dictionary<string, string> values, string flag)
    {
        if (!values.TryGetValue(flag, out var text))
            return null;
        return Uri.TryCreate(text, UriKind.Absolute, out var url) && url.Scheme is "http" or "https"
            ? url
            : throw new FormatException($"{flag}: \"{text}\" is not an http:// URL");
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
