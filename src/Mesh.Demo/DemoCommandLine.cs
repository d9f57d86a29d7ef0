using System.Globalization;

namespace Mesh.Demo;

/// <summary>What Mesh.Demo was asked to do: the whole shop in one process, or one part of it.</summary>
public abstract record DemoCommand;

/// <summary>No mode: every shop instance beside its sidecar in this process, the policies, and the traffic (what run.sh starts).</summary>
public sealed record WholeMeshCommand(Uri Console, Uri ControlPlane, Uri Otlp, double Rate) : DemoCommand;

/// <summary><c>serve</c>: one shop instance on 127.0.0.1, calling the services it depends on through <paramref name="Outbound"/>, its sidecar.</summary>
public sealed record ServeCommand(ShopService Service, int Port, Uri Outbound) : DemoCommand;

/// <summary><c>setup</c>: writes the shop's services and policies through the console's REST API, then exits.</summary>
public sealed record SetupCommand(Uri Console, int WaitSeconds) : DemoCommand;

/// <summary><c>traffic</c>: calls the frontend through the sidecar at <paramref name="Target"/>, <paramref name="Rate"/> times a second.</summary>
public sealed record TrafficCommand(Uri Target, double Rate) : DemoCommand;

/// <summary>Reads Mesh.Demo's arguments: an optional mode, then <c>--flag value</c> pairs. Every mistake is reported, naming the flag.</summary>
public static class DemoCommandLine
{
    public const string Usage = """
        Usage:
          Mesh.Demo [--console URL] [--control-plane URL] [--otlp URL] [--rate N]
              the whole shop in this process, each instance beside its own sidecar, its policies and traffic
              (needs MESH_API_TOKEN and MESH_JOIN_TOKEN); control plane and OTLP default to the console's
              https://127.0.0.1:15010 and :4317, verified against the mesh CA read from the console's API
          Mesh.Demo serve --service NAME [--version V] [--port PORT] [--outbound URL]
              one shop instance on 127.0.0.1:PORT (default 8080), calling through its sidecar at URL
              (default http://127.0.0.1:15001/)
          Mesh.Demo setup [--console URL] [--wait-seconds N]
              writes the shop's services and policies unless present, then exits (needs MESH_API_TOKEN);
              waits up to N seconds (default 120) for the console's /healthz first
          Mesh.Demo traffic [--target URL] [--rate N]
              calls the frontend N times a second (default 5, at most 1000) through the sidecar at URL
              (default http://127.0.0.1:15001/)
        """;

    private static readonly Dictionary<string, string[]> _flags = new(StringComparer.Ordinal)
    {
        [""] = ["--console", "--control-plane", "--otlp", "--rate"],
        ["serve"] = ["--service", "--version", "--port", "--outbound"],
        ["setup"] = ["--console", "--wait-seconds"],
        ["traffic"] = ["--target", "--rate"],
    };

    /// <summary>The command, or every error found.</summary>
    public static (DemoCommand? Command, IReadOnlyList<string> Errors) Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var errors = new List<string>();
        var mode = args.Count > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? args[0] : "";
        if (!_flags.TryGetValue(mode, out var known))
            return (null, [$"{mode}: unknown mode (serve, setup, traffic, or none for the whole shop in one process)"]);

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = mode.Length == 0 ? 0 : 1; i < args.Count; i++)
        {
            var flag = args[i];
            var hasValue = i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal);
            if (!known.Contains(flag, StringComparer.Ordinal))
            {
                errors.Add($"{flag}: unknown flag{(mode.Length == 0 ? "" : $" for {mode}")}");
                // Skip its value too, so one typo is one error.
                i += hasValue ? 1 : 0;
            }
            else if (!hasValue)
            {
                errors.Add($"{flag}: needs a value");
            }
            else if (!values.TryAdd(flag, args[++i]))
            {
                errors.Add($"{flag}: given twice");
            }
        }

        string Value(string flag, string fallback) => values.GetValueOrDefault(flag, fallback);

        DemoCommand? command = mode switch
        {
            "serve" => Serve(values, errors),
            "setup" => new SetupCommand(
                Url("--console", Value("--console", "http://127.0.0.1:8080/"), errors),
                Number("--wait-seconds", Value("--wait-seconds", "120"), 0, 3600, errors)),
            "traffic" => new TrafficCommand(
                Url("--target", Value("--target", "http://127.0.0.1:15001/"), errors),
                Rate(Value("--rate", "5"), errors)),
            _ => new WholeMeshCommand(
                Url("--console", Value("--console", "http://127.0.0.1:8080"), errors),
                Url("--control-plane", Value("--control-plane", "https://127.0.0.1:15010"), errors),
                Url("--otlp", Value("--otlp", "https://127.0.0.1:4317"), errors),
                Rate(Value("--rate", "5"), errors)),
        };
        return errors.Count > 0 ? (null, errors) : (command, errors);
    }

    private static ServeCommand? Serve(Dictionary<string, string> values, List<string> errors)
    {
        var port = Number("--port", values.GetValueOrDefault("--port", "8080"), 1, 65535, errors);
        var outbound = Url("--outbound", values.GetValueOrDefault("--outbound", "http://127.0.0.1:15001/"), errors);
        if (!values.TryGetValue("--service", out var name))
        {
            errors.Add($"--service: required, one of {string.Join(", ", ShopService.Shop.Select(s => s.Name).Distinct())}");
            return null;
        }

        var version = values.GetValueOrDefault("--version", "v1");
        var versions = ShopService.Shop.Where(s => s.Name == name).Select(s => s.Version).ToList();
        if (versions.Count == 0)
        {
            errors.Add($"--service: \"{name}\" is not a shop service ({string.Join(", ", ShopService.Shop.Select(s => s.Name).Distinct())})");
            return null;
        }

        if (ShopService.Find(name, version) is not { } service)
        {
            errors.Add($"--version: {name} has no version \"{version}\" ({string.Join(", ", versions)})");
            return null;
        }

        return new ServeCommand(service, port, outbound);
    }

    private static Uri Url(string flag, string text, List<string> errors)
    {
        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
            return uri;
        errors.Add($"{flag}: \"{text}\" is not an http:// or https:// URL");
        return new Uri("http://invalid/");
    }

    private static int Number(string flag, string text, int min, int max, List<string> errors)
    {
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= min && number <= max)
            return number;
        errors.Add($"{flag}: \"{text}\" is not a whole number from {min} to {max}");
        return min;
    }

    private static double Rate(string text, List<string> errors)
    {
        if (double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var rate) && rate is > 0 and <= 1000)
            return rate;
        errors.Add($"--rate: \"{text}\" is not a number of requests per second above 0 and at most 1000");
        return 1;
    }
}
