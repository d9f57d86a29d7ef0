using System.Globalization;
using System.Net;
using Mesh.Policy.Validation;
using OpenTelemetry.Exporter;

namespace MeshSidecar.Configuration;

/// <summary>
/// Reads the sidecar's flags (<c>--service orders --app-port 7001 --label version=v1 ...</c>), with
/// MESH_SIDECAR_* environment variables as fallbacks. Every mistake is reported, naming the flag.
/// </summary>
public static partial class SidecarCommandLine
{
    public const string Usage = """
        Usage: MeshSidecar --service NAME --app-port PORT [options]
          --service NAME            mesh service of the app beside this sidecar (MESH_SIDECAR_SERVICE)
          --app-port PORT           the app's port on 127.0.0.1 (MESH_SIDECAR_APP_PORT)
          --control-plane URL       console's control plane, default https://127.0.0.1:15010; http:// only on a trusted
                                    network whose console opted out of TLS (MESH_SIDECAR_CONTROL_PLANE)
          --control-plane-ca FILE   PEM bundle of the mesh CA(s) an https:// control plane and OTLP endpoint must chain to,
                                    e.g. the console's Mesh:ControlPlane:Tls:CaFile (MESH_SIDECAR_CONTROL_PLANE_CA)
          --control-plane-ca-pin sha256:HEX
                                    instead of a file: the SHA-256 of the mesh CA's public key (SubjectPublicKeyInfo), as
                                    the console's Identity page and start-up log show it (MESH_SIDECAR_CONTROL_PLANE_CA_PIN)
          --label KEY=VALUE         instance label, repeatable, e.g. --label version=v2 (MESH_SIDECAR_LABELS=k=v,k=v)
          --outbound-port PORT      where the app sends its calls, default 15001 (MESH_SIDECAR_OUTBOUND_PORT)
          --inbound-port PORT       where peers arrive, default 15006 (MESH_SIDECAR_INBOUND_PORT)
          --admin-port PORT         /ready, /config, default 15000 (MESH_SIDECAR_ADMIN_PORT)
          --listen-address ADDR     where the listeners bind, default 127.0.0.1 (MESH_SIDECAR_LISTEN_ADDRESS)
          --advertise-address HOST  where peers reach the inbound port (MESH_SIDECAR_ADVERTISE_ADDRESS)
          --instance-id ID          unique instance name (MESH_SIDECAR_INSTANCE_ID)
          --state-dir DIR           keeps the last applied snapshot, default .mesh-sidecar (MESH_SIDECAR_STATE_DIR)
          --join-token TOKEN        join token from the console (mjt_...), sent when connecting and on OTLP exports (MESH_JOIN_TOKEN)
          --otlp-endpoint URL       push metrics over OTLP too, e.g. https://127.0.0.1:4317 (MESH_SIDECAR_OTLP_ENDPOINT)
          --otlp-protocol PROTOCOL  grpc or http/protobuf (URL with its path, e.g. https://127.0.0.1:4318/v1/metrics),
                                    default grpc (MESH_SIDECAR_OTLP_PROTOCOL)
          --otlp-interval-ms N      how often metrics are pushed, 100–3600000, default 10000 (MESH_SIDECAR_OTLP_INTERVAL_MS)
        """;

    private static readonly Dictionary<string, string> _variables = new(StringComparer.Ordinal)
    {
        ["--service"] = "MESH_SIDECAR_SERVICE",
        ["--app-port"] = "MESH_SIDECAR_APP_PORT",
        ["--control-plane"] = "MESH_SIDECAR_CONTROL_PLANE",
        ["--control-plane-ca"] = "MESH_SIDECAR_CONTROL_PLANE_CA",
        ["--control-plane-ca-pin"] = "MESH_SIDECAR_CONTROL_PLANE_CA_PIN",
        ["--label"] = "MESH_SIDECAR_LABELS",
        ["--outbound-port"] = "MESH_SIDECAR_OUTBOUND_PORT",
        ["--inbound-port"] = "MESH_SIDECAR_INBOUND_PORT",
        ["--admin-port"] = "MESH_SIDECAR_ADMIN_PORT",
        ["--listen-address"] = "MESH_SIDECAR_LISTEN_ADDRESS",
        ["--advertise-address"] = "MESH_SIDECAR_ADVERTISE_ADDRESS",
        ["--instance-id"] = "MESH_SIDECAR_INSTANCE_ID",
        ["--state-dir"] = "MESH_SIDECAR_STATE_DIR",
        ["--join-token"] = "MESH_JOIN_TOKEN",
        ["--otlp-endpoint"] = "MESH_SIDECAR_OTLP_ENDPOINT",
        ["--otlp-protocol"] = "MESH_SIDECAR_OTLP_PROTOCOL",
        ["--otlp-interval-ms"] = "MESH_SIDECAR_OTLP_INTERVAL_MS",
    };

    /// <summary>OTLP's names for its transports, as OTEL_EXPORTER_OTLP_PROTOCOL spells them.</summary>
    private static readonly Dictionary<string, OtlpExportProtocol> _otlpProtocols = new(StringComparer.Ordinal)
    {
        ["grpc"] = OtlpExportProtocol.Grpc,
        ["http/protobuf"] = OtlpExportProtocol.HttpProtobuf,
    };

    /// <summary>The options, or every error found; <paramref name="environment"/> reads variables (tests pass their own).</summary>
    public static (SidecarOptions? Options, IReadOnlyList<string> Errors) Parse(IReadOnlyList<string> args, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(environment);
        var errors = new List<string>();
        var values = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var missingValues = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            var flag = args[i];
            var hasValue = i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal);
            if (!_variables.ContainsKey(flag))
            {
                errors.Add($"{flag}: unknown flag");
                // Skip its value too, so one typo is one error.
                i += hasValue ? 1 : 0;
                continue;
            }

            if (!hasValue)
            {
                errors.Add($"{flag}: needs a value");
                missingValues.Add(flag);
                continue;
            }

            if (!values.TryGetValue(flag, out var list))
                values[flag] = list = [];
            list.Add(args[++i]);
        }

        foreach (var (flag, list) in values)
        {
            if (flag != "--label" && list.Count > 1)
                errors.Add($"{flag}: given {list.Count} times");
        }

        string? Value(string flag) => values.TryGetValue(flag, out var list) ? list[^1] : environment(_variables[flag]);

        var service = Value("--service");
        if (service is null && !missingValues.Contains("--service"))
            errors.Add("--service: required");
        else if (FieldRules.DnsLabel(service) is { } serviceError)
            errors.Add($"--service: {serviceError}");

        var appPort = missingValues.Contains("--app-port") ? null : Port("--app-port", Value("--app-port"), null, errors);
        var labels = Labels(values.TryGetValue("--label", out var given) ? given : SplitList(environment(_variables["--label"])), errors);
        var controlPlane = Value("--control-plane") ?? DefaultControlPlane;
        if (!Uri.TryCreate(controlPlane, UriKind.Absolute, out var controlPlaneUri) || controlPlaneUri.Scheme is not ("http" or "https"))
            errors.Add($"--control-plane: \"{controlPlane}\" is not an http:// or https:// URL");

        var listen = Value("--listen-address") ?? "127.0.0.1";
        if (!IPAddress.TryParse(listen, out _))
            errors.Add($"--listen-address: \"{listen}\" is not an IP address");
        var advertise = Value("--advertise-address");
        if (advertise is not null && FieldRules.HostName(advertise) is { } advertiseError)
            errors.Add($"--advertise-address: {advertiseError}");

        var joinToken = Value("--join-token");
        if (joinToken is not null && !JoinTokenPattern().IsMatch(joinToken))
            // The value is a secret: say what is wrong with it without repeating it.
            errors.Add("--join-token: not a join token (mjt_ followed by 43 base64url characters)");

        var otlp = Otlp(Value, missingValues, errors);
        var (ca, pin) = Trust(Value, controlPlaneUri, otlp, errors);
        var options = new SidecarOptions
        {
            Service = service ?? "",
            AppPort = appPort ?? 0,
            ControlPlane = controlPlaneUri ?? new Uri(DefaultControlPlane),
            Labels = labels,
            OutboundPort = Port("--outbound-port", Value("--outbound-port"), 15001, errors) ?? 0,
            InboundPort = Port("--inbound-port", Value("--inbound-port"), 15006, errors) ?? 0,
            AdminPort = Port("--admin-port", Value("--admin-port"), 15000, errors) ?? 0,
            ListenAddress = listen,
            AdvertiseAddress = advertise,
            InstanceId = Value("--instance-id"),
            StateDirectory = Value("--state-dir") ?? ".mesh-sidecar",
            JoinToken = joinToken,
            Otlp = otlp,
            ControlPlaneCa = ca,
            ControlPlaneCaPin = pin,
        };

        var ports = new[] { ("--app-port", options.AppPort), ("--outbound-port", options.OutboundPort), ("--inbound-port", options.InboundPort), ("--admin-port", options.AdminPort) };
        foreach (var clash in ports.Where(p => p.Item2 > 0).GroupBy(p => p.Item2).Where(g => g.Count() > 1))
            errors.Add($"{string.Join(" and ", clash.Select(c => c.Item1))}: all say {clash.Key}; each needs its own port");

        return errors.Count > 0 ? (null, errors) : (options, errors);
    }

    /// <summary>
    /// What an https:// control plane and OTLP endpoint are verified against: a CA file, a pin, or
    /// (neither given) the system trust store. A flag that nothing https would use is a mistake.
    /// </summary>
    private static (ControlPlaneCa? Ca, string? Pin) Trust(Func<string, string?> value, Uri? controlPlane, OtlpExport? otlp, List<string> errors)
    {
        var file = value("--control-plane-ca");
        var pinText = value("--control-plane-ca-pin");
        var https = controlPlane?.Scheme == Uri.UriSchemeHttps || otlp?.Endpoint.Scheme == Uri.UriSchemeHttps;
        ControlPlaneCa? ca = null;
        if (file is not null)
        {
            if (!https)
                errors.Add("--control-plane-ca: nothing would use it: the control plane and the OTLP endpoint are http://");
            else
                ca = ReadCa(file, errors);
        }

        string? pin = null;
        if (pinText is not null)
        {
            if (!PinPattern().IsMatch(pinText))
                errors.Add($"--control-plane-ca-pin: \"{pinText}\" is not sha256: followed by 64 hexadecimal digits (the SHA-256 of the CA's SubjectPublicKeyInfo)");
            else if (!https)
                errors.Add("--control-plane-ca-pin: nothing would use it: the control plane and the OTLP endpoint are http://");
            else
                pin = pinText.ToLowerInvariant();
        }

        return (ca, pin);
    }

    private static ControlPlaneCa? ReadCa(string file, List<string> errors)
    {
        string pem;
        try
        {
            pem = File.ReadAllText(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            errors.Add($"--control-plane-ca: cannot read \"{file}\": {ex.Message}");
            return null;
        }

        var certificates = new System.Security.Cryptography.X509Certificates.X509Certificate2Collection();
        try
        {
            certificates.ImportFromPem(pem);
        }
        catch (System.Security.Cryptography.CryptographicException ex)
        {
            errors.Add($"--control-plane-ca: \"{file}\" is not a PEM bundle of certificates: {ex.Message}");
            return null;
        }

        if (certificates.Count == 0)
        {
            errors.Add($"--control-plane-ca: \"{file}\" holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
            return null;
        }

        var notCa = certificates.FirstOrDefault(c =>
            c.Extensions.OfType<System.Security.Cryptography.X509Certificates.X509BasicConstraintsExtension>().FirstOrDefault() is not { CertificateAuthority: true });
        if (notCa is not null)
        {
            errors.Add($"--control-plane-ca: \"{file}\" holds {notCa.Subject}, which is not a CA certificate");
            return null;
        }

        return new ControlPlaneCa(file, certificates);
    }

    /// <summary>The OTLP export when an endpoint is given; its protocol and interval mean nothing without one.</summary>
    private static OtlpExport? Otlp(Func<string, string?> value, HashSet<string> missingValues, List<string> errors)
    {
        var endpoint = value("--otlp-endpoint");
        var protocolText = value("--otlp-protocol");
        var intervalText = value("--otlp-interval-ms");
        if (endpoint is null)
        {
            // An endpoint flag without its value was reported already; one mistake, one error.
            if (!missingValues.Contains("--otlp-endpoint"))
            {
                foreach (var (flag, text) in new[] { ("--otlp-protocol", protocolText), ("--otlp-interval-ms", intervalText) })
                {
                    if (text is not null)
                        errors.Add($"{flag}: needs --otlp-endpoint");
                }
            }

            return null;
        }

        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var endpointUri) || endpointUri.Scheme is not ("http" or "https"))
        {
            errors.Add($"--otlp-endpoint: \"{endpoint}\" is not an http:// or https:// URL");
            endpointUri = null;
        }

        var protocol = OtlpExportProtocol.Grpc;
        if (protocolText is not null && !_otlpProtocols.TryGetValue(protocolText, out protocol))
        {
            errors.Add($"--otlp-protocol: \"{protocolText}\" is not grpc or http/protobuf");
        }
        // Over HTTP the exporter posts to the URL exactly as given (it appends /v1/metrics only to an
        // endpoint from OTEL_EXPORTER_OTLP_ENDPOINT); a bare host:port would post to "/" and be refused.
        else if (protocol == OtlpExportProtocol.HttpProtobuf && endpointUri is { AbsolutePath: "/" })
        {
            errors.Add($"--otlp-endpoint: \"{endpoint}\" has no path; http/protobuf needs the full URL, e.g. http://127.0.0.1:4318/v1/metrics");
        }

        var interval = 10_000;
        if (intervalText is not null
            && !(int.TryParse(intervalText, NumberStyles.None, CultureInfo.InvariantCulture, out interval) && interval is >= 100 and <= 3_600_000))
        {
            errors.Add($"--otlp-interval-ms: \"{intervalText}\" is not a number of milliseconds (100–3600000)");
        }

        return endpointUri is null ? null : new OtlpExport(endpointUri, protocol, TimeSpan.FromMilliseconds(interval));
    }

    private static int? Port(string flag, string? text, int? fallback, List<string> errors)
    {
        if (text is null)
        {
            if (fallback is null)
                errors.Add($"{flag}: required");
            return fallback;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && FieldRules.IsPort(port))
            return port;
        errors.Add($"{flag}: \"{text}\" is not a port (1–65535)");
        return null;
    }

    private static Dictionary<string, string> Labels(IEnumerable<string> pairs, List<string> errors)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in pairs)
        {
            var cut = pair.IndexOf('=', StringComparison.Ordinal);
            if (cut <= 0)
            {
                errors.Add($"--label: \"{pair}\" is not KEY=VALUE");
                continue;
            }

            var (key, value) = (pair[..cut], pair[(cut + 1)..]);
            if ((FieldRules.LabelKey(key) ?? FieldRules.LabelValue(value)) is { } error)
                errors.Add($"--label: {error}");
            else if (!labels.TryAdd(key, value))
                errors.Add($"--label: \"{key}\" given twice");
        }

        return labels;
    }

    private static string[] SplitList(string? text) =>
        string.IsNullOrWhiteSpace(text) ? [] : text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The console's control plane when no flag names it: the console's own default, with TLS.</summary>
    public const string DefaultControlPlane = "https://127.0.0.1:15010";

    /// <summary>A CA pin as kubeadm writes them: sha256: and the hex SHA-256 of a SubjectPublicKeyInfo.</summary>
    [System.Text.RegularExpressions.GeneratedRegex("^sha256:[0-9A-Fa-f]{64}$")]
    private static partial System.Text.RegularExpressions.Regex PinPattern();

    /// <summary>A join token as the console makes them: 32 random bytes in base64url after <c>mjt_</c>.</summary>
    [System.Text.RegularExpressions.GeneratedRegex("^mjt_[A-Za-z0-9_-]{43}$")]
    private static partial System.Text.RegularExpressions.Regex JoinTokenPattern();
}
