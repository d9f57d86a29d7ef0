using MeshSidecar.Configuration;
using OpenTelemetry.Exporter;

namespace MeshSidecar.Tests.Configuration;

public class SidecarCommandLineTests
{
    private const string DnsLabelReason =
        "is not a DNS label (lower-case letters, digits and '-', starting and ending with a letter or digit)";

    private static readonly Dictionary<string, string> _noVariables = [];

    private static (SidecarOptions? Options, IReadOnlyList<string> Errors) Parse(params string[] args) =>
        Parse(_noVariables, args);

    private static (SidecarOptions? Options, IReadOnlyList<string> Errors) Parse(Dictionary<string, string> variables, params string[] args) =>
        SidecarCommandLine.Parse(args, name => variables.GetValueOrDefault(name));

    /// <summary>The two required flags followed by <paramref name="more"/>.</summary>
    private static string[] Required(params string[] more) => ["--service", "orders", "--app-port", "7001", .. more];

    private static string SingleError(params string[] args)
    {
        var (options, errors) = Parse(args);

        Assert.Null(options);
        return Assert.Single(errors);
    }

    [Fact]
    public void Parse_FullCommandLine_GivesEveryOption()
    {
        string[] args =
        [
            "--service", "orders",
            "--app-port", "7001",
            "--control-plane", "https://console.example:8443",
            "--label", "version=v2",
            "--label", "zone=eu-west-1a",
            "--label", "topology.kubernetes.io/region=eu",
            "--outbound-port", "16001",
            "--inbound-port", "16006",
            "--admin-port", "16000",
            "--listen-address", "0.0.0.0",
            "--advertise-address", "orders-1.internal",
            "--instance-id", "orders-7f9c",
            "--state-dir", "/var/lib/mesh",
            "--otlp-endpoint", "http://collector:4318/v1/metrics",
            "--otlp-protocol", "http/protobuf",
            "--otlp-interval-ms", "2500",
        ];

        var (options, errors) = Parse(args);

        Assert.Empty(errors);
        Assert.NotNull(options);
        Assert.Equal("orders", options.Service);
        Assert.Equal(7001, options.AppPort);
        Assert.Equal(new Uri("https://console.example:8443"), options.ControlPlane);
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["version"] = "v2",
                ["zone"] = "eu-west-1a",
                ["topology.kubernetes.io/region"] = "eu",
            },
            options.Labels);
        Assert.Equal(16001, options.OutboundPort);
        Assert.Equal(16006, options.InboundPort);
        Assert.Equal(16000, options.AdminPort);
        Assert.Equal("0.0.0.0", options.ListenAddress);
        Assert.Equal("orders-1.internal", options.AdvertiseAddress);
        Assert.Equal("orders-7f9c", options.InstanceId);
        Assert.Equal("/var/lib/mesh", options.StateDirectory);
        Assert.Equal("orders-1.internal", options.EffectiveAdvertiseAddress);
        Assert.Equal("orders-7f9c", options.EffectiveInstanceId);
        Assert.Equal(Path.Combine("/var/lib/mesh", "orders-16006.snapshot.pb"), options.SnapshotPath);
        Assert.Equal(
            new OtlpExport(new Uri("http://collector:4318/v1/metrics"), OtlpExportProtocol.HttpProtobuf, TimeSpan.FromMilliseconds(2500)),
            options.Otlp);
    }

    [Fact]
    public void Parse_OnlyRequiredFlags_GivesDefaults()
    {
        var (options, errors) = Parse(Required());

        Assert.Empty(errors);
        Assert.NotNull(options);
        Assert.Equal("orders", options.Service);
        Assert.Equal(7001, options.AppPort);
        Assert.Equal(new Uri("https://127.0.0.1:15010"), options.ControlPlane);
        Assert.Null(options.ControlPlaneCa);
        Assert.Null(options.ControlPlaneCaPin);
        Assert.Empty(options.Labels);
        Assert.Equal(15001, options.OutboundPort);
        Assert.Equal(15006, options.InboundPort);
        Assert.Equal(15000, options.AdminPort);
        Assert.Equal("127.0.0.1", options.ListenAddress);
        Assert.Null(options.AdvertiseAddress);
        Assert.Null(options.InstanceId);
        Assert.Equal(".mesh-sidecar", options.StateDirectory);
        Assert.Null(options.Otlp);
    }

    [Fact]
    public void Parse_OnlyRequiredFlags_AsksForEveryVariableThroughSuppliedFunc()
    {
        var asked = new List<string>();

        SidecarCommandLine.Parse(Required(), name =>
        {
            asked.Add(name);
            return null;
        });

        // The two given flags are not looked up; every other option falls back to its variable.
        Assert.Equal(
            [
                "MESH_JOIN_TOKEN", "MESH_SIDECAR_ADMIN_PORT", "MESH_SIDECAR_ADVERTISE_ADDRESS", "MESH_SIDECAR_CONTROL_PLANE",
                "MESH_SIDECAR_CONTROL_PLANE_CA", "MESH_SIDECAR_CONTROL_PLANE_CA_PIN",
                "MESH_SIDECAR_INBOUND_PORT", "MESH_SIDECAR_INSTANCE_ID", "MESH_SIDECAR_LABELS",
                "MESH_SIDECAR_LISTEN_ADDRESS", "MESH_SIDECAR_OTLP_ENDPOINT", "MESH_SIDECAR_OTLP_INTERVAL_MS",
                "MESH_SIDECAR_OTLP_PROTOCOL", "MESH_SIDECAR_OUTBOUND_PORT", "MESH_SIDECAR_STATE_DIR",
            ],
            asked.Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Parse_JoinTokenFlag_GivesToken()
    {
        const string token = "mjt_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

        var (options, errors) = Parse(Required("--join-token", token));

        Assert.Empty(errors);
        Assert.Equal(token, options!.JoinToken);
        // Options may end up in a log line; the secret must not.
        Assert.DoesNotContain(token, options.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_JoinTokenVariable_GivesToken()
    {
        const string token = "mjt_abcdefghijklmnopqrstuvwxyz-_0123456789ABCDE";
        var variables = new Dictionary<string, string> { ["MESH_JOIN_TOKEN"] = token };

        var (options, errors) = Parse(variables, Required());

        Assert.Empty(errors);
        Assert.Equal(token, options!.JoinToken);
    }

    [Fact]
    public void Parse_NoJoinToken_Null()
    {
        var (options, _) = Parse(Required());

        Assert.Null(options!.JoinToken);
    }

    [Theory]
    [InlineData("mat_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("mjt_short")]
    [InlineData("mjt_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    public void Parse_MalformedJoinToken_ReportsFlagWithoutTheValue(string token)
    {
        var error = SingleError(Required("--join-token", token));

        Assert.Equal("--join-token: not a join token (mjt_ followed by 43 base64url characters)", error);
        Assert.DoesNotContain(token, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_RequiredValuesFromVariables_GivesOptions()
    {
        var variables = new Dictionary<string, string>
        {
            ["MESH_SIDECAR_SERVICE"] = "orders",
            ["MESH_SIDECAR_APP_PORT"] = "7001",
            ["MESH_SIDECAR_LABELS"] = "version=v2, zone=a",
        };

        var (options, errors) = Parse(variables);

        Assert.Empty(errors);
        Assert.NotNull(options);
        Assert.Equal("orders", options.Service);
        Assert.Equal(7001, options.AppPort);
        Assert.Equal(new Dictionary<string, string> { ["version"] = "v2", ["zone"] = "a" }, options.Labels);
    }

    [Fact]
    public void Parse_EveryOptionFromVariables_GivesOptions()
    {
        var variables = new Dictionary<string, string>
        {
            ["MESH_SIDECAR_SERVICE"] = "orders",
            ["MESH_SIDECAR_APP_PORT"] = "7001",
            ["MESH_SIDECAR_CONTROL_PLANE"] = "http://console:15010",
            ["MESH_SIDECAR_LABELS"] = "version=v1",
            ["MESH_SIDECAR_OUTBOUND_PORT"] = "17001",
            ["MESH_SIDECAR_INBOUND_PORT"] = "17006",
            ["MESH_SIDECAR_ADMIN_PORT"] = "17000",
            ["MESH_SIDECAR_LISTEN_ADDRESS"] = "10.0.0.5",
            ["MESH_SIDECAR_ADVERTISE_ADDRESS"] = "orders.internal",
            ["MESH_SIDECAR_INSTANCE_ID"] = "orders-env",
            ["MESH_SIDECAR_STATE_DIR"] = "/state",
            ["MESH_SIDECAR_OTLP_ENDPOINT"] = "https://collector:4318/v1/metrics",
            ["MESH_SIDECAR_OTLP_PROTOCOL"] = "http/protobuf",
            ["MESH_SIDECAR_OTLP_INTERVAL_MS"] = "30000",
        };

        var (options, errors) = Parse(variables);

        Assert.Empty(errors);
        Assert.NotNull(options);
        Assert.Equal(new Uri("http://console:15010"), options.ControlPlane);
        Assert.Equal(new Dictionary<string, string> { ["version"] = "v1" }, options.Labels);
        Assert.Equal(17001, options.OutboundPort);
        Assert.Equal(17006, options.InboundPort);
        Assert.Equal(17000, options.AdminPort);
        Assert.Equal("10.0.0.5", options.ListenAddress);
        Assert.Equal("orders.internal", options.AdvertiseAddress);
        Assert.Equal("orders-env", options.InstanceId);
        Assert.Equal("/state", options.StateDirectory);
        Assert.Equal(
            new OtlpExport(new Uri("https://collector:4318/v1/metrics"), OtlpExportProtocol.HttpProtobuf, TimeSpan.FromSeconds(30)),
            options.Otlp);
    }

    [Fact]
    public void Parse_FlagsAndVariables_FlagsWin()
    {
        var variables = new Dictionary<string, string>
        {
            ["MESH_SIDECAR_SERVICE"] = "payments",
            ["MESH_SIDECAR_APP_PORT"] = "9000",
            ["MESH_SIDECAR_LABELS"] = "version=v1,zone=a",
            ["MESH_SIDECAR_INBOUND_PORT"] = "17006",
        };

        var (options, errors) = Parse(variables, "--service", "orders", "--app-port", "7001", "--label", "version=v2", "--inbound-port", "16006");

        Assert.Empty(errors);
        Assert.NotNull(options);
        Assert.Equal("orders", options.Service);
        Assert.Equal(7001, options.AppPort);
        Assert.Equal(16006, options.InboundPort);
        // Given --label flags replace the variable's list as a whole.
        Assert.Equal(new Dictionary<string, string> { ["version"] = "v2" }, options.Labels);
    }

    [Fact]
    public void Parse_InvalidVariable_ReportedUnderItsFlag()
    {
        var variables = new Dictionary<string, string> { ["MESH_SIDECAR_APP_PORT"] = "abc" };

        var (options, errors) = Parse(variables, "--service", "orders");

        Assert.Null(options);
        Assert.Equal("--app-port: \"abc\" is not a port (1–65535)", Assert.Single(errors));
    }

    [Fact]
    public void Parse_NullArguments_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => SidecarCommandLine.Parse(null!, _ => null));
        Assert.Throws<ArgumentNullException>(() => SidecarCommandLine.Parse([], null!));
    }

    [Fact]
    public void Parse_MissingService_ReportsRequired()
    {
        var error = SingleError("--app-port", "7001");

        Assert.Equal("--service: required", error);
    }

    [Fact]
    public void Parse_MissingAppPort_ReportsRequired()
    {
        var error = SingleError("--service", "orders");

        Assert.Equal("--app-port: required", error);
    }

    [Fact]
    public void Parse_NoArgumentsNoVariables_ReportsBothRequiredFlags()
    {
        var (options, errors) = Parse();

        Assert.Null(options);
        Assert.Equal(["--service: required", "--app-port: required"], errors);
    }

    [Theory]
    [InlineData("Orders")]
    [InlineData("orders_v2")]
    [InlineData("-orders")]
    public void Parse_ServiceNotDnsLabel_ReportsService(string service)
    {
        var error = SingleError("--service", service, "--app-port", "7001");

        Assert.Equal($"--service: \"{service}\" {DnsLabelReason}", error);
    }

    [Fact]
    public void Parse_UnknownFlag_ReportsIt()
    {
        var (options, errors) = Parse(Required("--servce", "payments"));

        Assert.Null(options);
        Assert.Contains("--servce: unknown flag", errors);
    }

    [Fact]
    public void Parse_StrayArgument_ReportedAsUnknownFlag()
    {
        var (options, errors) = Parse(Required("extra"));

        Assert.Null(options);
        Assert.Equal("extra: unknown flag", Assert.Single(errors));
    }

    [Fact]
    public void Parse_FlagCaseDiffers_ReportsUnknownFlag()
    {
        var (options, errors) = Parse("--Service", "orders", "--app-port", "7001");

        Assert.Null(options);
        Assert.Contains("--Service: unknown flag", errors);
    }

    [Fact]
    public void Parse_LastFlagWithoutValue_ReportsNeedsValue()
    {
        var (options, errors) = Parse(Required("--instance-id"));

        Assert.Null(options);
        Assert.Equal("--instance-id: needs a value", Assert.Single(errors));
    }

    [Fact]
    public void Parse_FlagFollowedByFlag_ReportsNeedsValueAndReadsTheNextFlag()
    {
        var (options, errors) = Parse("--service", "orders", "--state-dir", "--app-port", "7001");

        Assert.Null(options);
        // --app-port is not swallowed as the state directory: it is read as a flag of its own.
        Assert.Equal("--state-dir: needs a value", Assert.Single(errors));
    }

    [Fact]
    public void Parse_RequiredFlagWithoutValue_ReportsNeedsValue()
    {
        var (options, errors) = Parse("--service", "--app-port", "7001");

        Assert.Null(options);
        Assert.Contains("--service: needs a value", errors);
    }

    [Theory]
    [InlineData("--service", "payments")]
    [InlineData("--app-port", "7002")]
    public void Parse_NonRepeatableFlagTwice_ReportsCount(string flag, string second)
    {
        var error = SingleError(Required(flag, second));

        Assert.Equal($"{flag}: given 2 times", error);
    }

    [Fact]
    public void Parse_NonRepeatableFlagThrice_ReportsCount()
    {
        var error = SingleError(Required("--admin-port", "16000", "--admin-port", "16001", "--admin-port", "16002"));

        Assert.Equal("--admin-port: given 3 times", error);
    }

    [Theory]
    [InlineData("--app-port", "0")]
    [InlineData("--app-port", "70000")]
    [InlineData("--app-port", "65536")]
    [InlineData("--app-port", "abc")]
    [InlineData("--app-port", "-1")]
    [InlineData("--app-port", "+7001")]
    [InlineData("--app-port", " 7001")]
    [InlineData("--app-port", "7001.0")]
    [InlineData("--outbound-port", "0")]
    [InlineData("--inbound-port", "70000")]
    [InlineData("--admin-port", "abc")]
    public void Parse_BadPort_ReportsFlagAndValue(string flag, string port)
    {
        var args = flag == "--app-port" ? ["--service", "orders", "--app-port", port] : Required(flag, port);

        var error = SingleError(args);

        Assert.Equal($"{flag}: \"{port}\" is not a port (1–65535)", error);
    }

    [Theory]
    [InlineData("1", 1)]
    [InlineData("65535", 65535)]
    public void Parse_PortAtBounds_Accepted(string text, int port)
    {
        var (options, errors) = Parse("--service", "orders", "--app-port", text);

        Assert.Empty(errors);
        Assert.Equal(port, options?.AppPort);
    }

    [Theory]
    [InlineData("version")]
    [InlineData("=v1")]
    [InlineData("")]
    public void Parse_LabelWithoutKeyAndEquals_ReportsNotKeyValue(string label)
    {
        var error = SingleError(Required("--label", label));

        Assert.Equal($"--label: \"{label}\" is not KEY=VALUE", error);
    }

    [Theory]
    [InlineData("bad key=v1", "bad key")]
    [InlineData("-version=v1", "-version")]
    [InlineData("ver$ion=v1", "ver$ion")]
    public void Parse_LabelWithBadKey_ReportsKey(string label, string key)
    {
        var error = SingleError(Required("--label", label));

        Assert.Equal($"--label: \"{key}\" is not a label key (letters, digits, '.', '_', '-', '/', at most 253 characters)", error);
    }

    [Fact]
    public void Parse_LabelWithBadValue_ReportsValue()
    {
        var error = SingleError(Required("--label", "version=v 2"));

        Assert.Equal("--label: \"v 2\" is not a label value (letters, digits, '.', '_', '-', at most 63 characters)", error);
    }

    [Fact]
    public void Parse_LabelWithEmptyValue_Accepted()
    {
        var (options, errors) = Parse(Required("--label", "canary="));

        Assert.Empty(errors);
        Assert.Equal(new Dictionary<string, string> { ["canary"] = "" }, options?.Labels);
    }

    [Fact]
    public void Parse_LabelValueContainsEquals_SplitsAtFirstEquals()
    {
        var (options, errors) = Parse(Required("--label", "a=b=c"));

        Assert.Null(options);
        Assert.Equal("--label: \"b=c\" is not a label value (letters, digits, '.', '_', '-', at most 63 characters)", Assert.Single(errors));
    }

    [Fact]
    public void Parse_SameLabelTwice_ReportsKey()
    {
        var error = SingleError(Required("--label", "version=v1", "--label", "version=v2"));

        Assert.Equal("--label: \"version\" given twice", error);
    }

    [Fact]
    public void Parse_SameLabelTwiceInVariable_ReportsKey()
    {
        var variables = new Dictionary<string, string> { ["MESH_SIDECAR_LABELS"] = "zone=a,zone=b" };

        var (options, errors) = Parse(variables, Required());

        Assert.Null(options);
        Assert.Equal("--label: \"zone\" given twice", Assert.Single(errors));
    }

    [Fact]
    public void Parse_BadLabelInVariable_ReportedUnderLabelFlag()
    {
        var variables = new Dictionary<string, string> { ["MESH_SIDECAR_LABELS"] = "version=v1,zone" };

        var (options, errors) = Parse(variables, Required());

        Assert.Null(options);
        Assert.Equal("--label: \"zone\" is not KEY=VALUE", Assert.Single(errors));
    }

    [Theory]
    [InlineData("ftp://console:15010")]
    [InlineData("console:15010")]
    [InlineData("127.0.0.1:15010")]
    [InlineData("/var/run/console.sock")]
    [InlineData("not a url")]
    public void Parse_ControlPlaneNotHttp_ReportsUrl(string url)
    {
        var error = SingleError(Required("--control-plane", url));

        Assert.Equal($"--control-plane: \"{url}\" is not an http:// or https:// URL", error);
    }

    [Theory]
    [InlineData("http://console:15010")]
    [InlineData("https://console.example")]
    public void Parse_ControlPlaneHttpOrHttps_Accepted(string url)
    {
        var (options, errors) = Parse(Required("--control-plane", url));

        Assert.Empty(errors);
        Assert.Equal(new Uri(url), options?.ControlPlane);
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("orders.internal")]
    [InlineData("300.1.1.1")]
    public void Parse_ListenAddressNotIp_ReportsAddress(string address)
    {
        var error = SingleError(Required("--listen-address", address));

        Assert.Equal($"--listen-address: \"{address}\" is not an IP address", error);
    }

    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("::")]
    [InlineData("::1")]
    [InlineData("10.1.2.3")]
    public void Parse_ListenAddressIp_Accepted(string address)
    {
        var (options, errors) = Parse(Required("--listen-address", address));

        Assert.Empty(errors);
        Assert.Equal(address, options?.ListenAddress);
    }

    [Theory]
    [InlineData("bad host")]
    [InlineData("orders:15006")]
    [InlineData("http://orders")]
    public void Parse_AdvertiseAddressNotHost_ReportsAddress(string address)
    {
        var error = SingleError(Required("--advertise-address", address));

        Assert.Equal($"--advertise-address: \"{address}\" is not a host name or IP address", error);
    }

    [Fact]
    public void Parse_AdminPortSameAsDefaultInbound_ReportsBothFlags()
    {
        var error = SingleError(Required("--admin-port", "15006"));

        Assert.Equal("--inbound-port and --admin-port: all say 15006; each needs its own port", error);
    }

    [Fact]
    public void Parse_AppPortSameAsDefaultOutbound_ReportsBothFlags()
    {
        var error = SingleError("--service", "orders", "--app-port", "15001");

        Assert.Equal("--app-port and --outbound-port: all say 15001; each needs its own port", error);
    }

    [Fact]
    public void Parse_ThreePortsEqual_ReportsAllThreeInOneError()
    {
        var error = SingleError(Required("--outbound-port", "7001", "--inbound-port", "7001"));

        Assert.Equal("--app-port and --outbound-port and --inbound-port: all say 7001; each needs its own port", error);
    }

    [Fact]
    public void Parse_TwoPairsOfEqualPorts_ReportsEachPair()
    {
        var (options, errors) = Parse(Required("--outbound-port", "7001", "--inbound-port", "16000", "--admin-port", "16000"));

        Assert.Null(options);
        Assert.Equal(
            [
                "--app-port and --outbound-port: all say 7001; each needs its own port",
                "--inbound-port and --admin-port: all say 16000; each needs its own port",
            ],
            errors);
    }

    [Fact]
    public void Parse_ThreeMistakes_ReportsThreeErrors()
    {
        var (options, errors) = Parse("--service", "Orders", "--app-port", "abc", "--control-plane", "ftp://console");

        Assert.Null(options);
        Assert.Equal(
            [
                $"--service: \"Orders\" {DnsLabelReason}",
                "--app-port: \"abc\" is not a port (1–65535)",
                "--control-plane: \"ftp://console\" is not an http:// or https:// URL",
            ],
            errors);
    }

    [Fact]
    public void Parse_MistakesOfEveryKind_ReportsEach()
    {
        var (options, errors) = Parse(
            "--app-port", "7001", "--app-port", "7002", "--bogus", "--label", "zone", "--listen-address", "localhost", "--inbound-port", "0");

        Assert.Null(options);
        Assert.Equal(
            [
                "--bogus: unknown flag",
                "--app-port: given 2 times",
                "--service: required",
                "--label: \"zone\" is not KEY=VALUE",
                "--listen-address: \"localhost\" is not an IP address",
                "--inbound-port: \"0\" is not a port (1–65535)",
            ],
            errors);
    }

    [Fact]
    public void Parse_OtlpEndpointOnly_PushesOverGrpcEveryTenSeconds()
    {
        var (options, errors) = Parse(Required("--otlp-endpoint", "http://127.0.0.1:4317"));

        Assert.Empty(errors);
        Assert.Equal(new OtlpExport(new Uri("http://127.0.0.1:4317"), OtlpExportProtocol.Grpc, TimeSpan.FromSeconds(10)), options?.Otlp);
    }

    [Theory]
    [InlineData("grpc", "http://127.0.0.1:4317", OtlpExportProtocol.Grpc)]
    [InlineData("http/protobuf", "http://127.0.0.1:4318/v1/metrics", OtlpExportProtocol.HttpProtobuf)]
    [InlineData("http/protobuf", "https://collector.example/otlp/v1/metrics", OtlpExportProtocol.HttpProtobuf)]
    public void Parse_OtlpProtocol_GivesProtocol(string text, string endpoint, OtlpExportProtocol protocol)
    {
        var (options, errors) = Parse(Required("--otlp-endpoint", endpoint, "--otlp-protocol", text));

        Assert.Empty(errors);
        Assert.Equal(new OtlpExport(new Uri(endpoint), protocol, TimeSpan.FromSeconds(10)), options?.Otlp);
    }

    [Theory]
    [InlineData("100", 100)]
    [InlineData("200", 200)]
    [InlineData("3600000", 3_600_000)]
    public void Parse_OtlpIntervalInRange_GivesInterval(string text, int milliseconds)
    {
        var (options, errors) = Parse(Required("--otlp-endpoint", "http://127.0.0.1:4317", "--otlp-interval-ms", text));

        Assert.Empty(errors);
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), options?.Otlp?.Interval);
    }

    [Fact]
    public void Parse_OtlpEndpointFromVariable_DefaultsTheRest()
    {
        var variables = new Dictionary<string, string> { ["MESH_SIDECAR_OTLP_ENDPOINT"] = "http://collector:4317" };

        var (options, errors) = Parse(variables, Required());

        Assert.Empty(errors);
        Assert.Equal(new OtlpExport(new Uri("http://collector:4317"), OtlpExportProtocol.Grpc, TimeSpan.FromSeconds(10)), options?.Otlp);
    }

    [Fact]
    public void Parse_OtlpFlagsAndVariables_FlagsWin()
    {
        var variables = new Dictionary<string, string>
        {
            ["MESH_SIDECAR_OTLP_ENDPOINT"] = "http://collector:4317",
            ["MESH_SIDECAR_OTLP_PROTOCOL"] = "grpc",
            ["MESH_SIDECAR_OTLP_INTERVAL_MS"] = "60000",
        };

        var (options, errors) = Parse(
            variables,
            Required("--otlp-endpoint", "http://127.0.0.1:4318/v1/metrics", "--otlp-protocol", "http/protobuf", "--otlp-interval-ms", "500"));

        Assert.Empty(errors);
        Assert.Equal(
            new OtlpExport(new Uri("http://127.0.0.1:4318/v1/metrics"), OtlpExportProtocol.HttpProtobuf, TimeSpan.FromMilliseconds(500)),
            options?.Otlp);
    }

    [Fact]
    public void Parse_OtlpEndpointFlagAndProtocolVariable_CombinesThem()
    {
        var variables = new Dictionary<string, string> { ["MESH_SIDECAR_OTLP_PROTOCOL"] = "http/protobuf" };

        var (options, errors) = Parse(variables, Required("--otlp-endpoint", "http://127.0.0.1:4318/v1/metrics"));

        Assert.Empty(errors);
        Assert.Equal(OtlpExportProtocol.HttpProtobuf, options?.Otlp?.Protocol);
    }

    [Theory]
    [InlineData("--otlp-protocol", "http/protobuf")]
    [InlineData("--otlp-interval-ms", "1000")]
    public void Parse_OtlpSettingWithoutEndpoint_ReportsNeedsEndpoint(string flag, string value)
    {
        var error = SingleError(Required(flag, value));

        Assert.Equal($"{flag}: needs --otlp-endpoint", error);
    }

    [Fact]
    public void Parse_OtlpVariablesWithoutEndpoint_ReportedUnderTheirFlags()
    {
        var variables = new Dictionary<string, string>
        {
            ["MESH_SIDECAR_OTLP_PROTOCOL"] = "grpc",
            ["MESH_SIDECAR_OTLP_INTERVAL_MS"] = "1000",
        };

        var (options, errors) = Parse(variables, Required());

        Assert.Null(options);
        Assert.Equal(["--otlp-protocol: needs --otlp-endpoint", "--otlp-interval-ms: needs --otlp-endpoint"], errors);
    }

    [Fact]
    public void Parse_OtlpEndpointWithoutValue_ReportsOnlyNeedsValue()
    {
        var (options, errors) = Parse(Required("--otlp-endpoint", "--otlp-protocol", "grpc"));

        Assert.Null(options);
        // The protocol is not blamed for an endpoint that was named but not given.
        Assert.Equal("--otlp-endpoint: needs a value", Assert.Single(errors));
    }

    [Theory]
    [InlineData("ftp://collector:4317")]
    [InlineData("collector:4317")]
    [InlineData("127.0.0.1:4317")]
    [InlineData("/v1/metrics")]
    [InlineData("not a url")]
    public void Parse_OtlpEndpointNotHttp_ReportsUrl(string url)
    {
        var error = SingleError(Required("--otlp-endpoint", url));

        Assert.Equal($"--otlp-endpoint: \"{url}\" is not an http:// or https:// URL", error);
    }

    [Theory]
    [InlineData("http://127.0.0.1:4318")]
    [InlineData("http://127.0.0.1:4318/")]
    [InlineData("https://collector.example")]
    public void Parse_OtlpHttpProtobufEndpointWithoutPath_ReportsPath(string url)
    {
        var error = SingleError(Required("--otlp-endpoint", url, "--otlp-protocol", "http/protobuf"));

        Assert.Equal($"--otlp-endpoint: \"{url}\" has no path; http/protobuf needs the full URL, e.g. http://127.0.0.1:4318/v1/metrics", error);
    }

    [Theory]
    [InlineData("http")]
    [InlineData("GRPC")]
    [InlineData("http/json")]
    [InlineData("HttpProtobuf")]
    public void Parse_OtlpProtocolUnknown_ReportsProtocol(string protocol)
    {
        var error = SingleError(Required("--otlp-endpoint", "http://127.0.0.1:4317", "--otlp-protocol", protocol));

        Assert.Equal($"--otlp-protocol: \"{protocol}\" is not grpc or http/protobuf", error);
    }

    [Theory]
    [InlineData("99")]
    [InlineData("0")]
    [InlineData("3600001")]
    [InlineData("-1")]
    [InlineData("+500")]
    [InlineData("1.5")]
    [InlineData("1s")]
    [InlineData("99999999999")]
    public void Parse_OtlpIntervalOutOfRangeOrNotNumber_ReportsInterval(string interval)
    {
        var error = SingleError(Required("--otlp-endpoint", "http://127.0.0.1:4317", "--otlp-interval-ms", interval));

        Assert.Equal($"--otlp-interval-ms: \"{interval}\" is not a number of milliseconds (100–3600000)", error);
    }

    [Fact]
    public void Parse_BadOtlpVariable_ReportedUnderItsFlag()
    {
        var variables = new Dictionary<string, string>
        {
            ["MESH_SIDECAR_OTLP_ENDPOINT"] = "http://127.0.0.1:4317",
            ["MESH_SIDECAR_OTLP_INTERVAL_MS"] = "fast",
        };

        var (options, errors) = Parse(variables, Required());

        Assert.Null(options);
        Assert.Equal("--otlp-interval-ms: \"fast\" is not a number of milliseconds (100–3600000)", Assert.Single(errors));
    }

    [Fact]
    public void Parse_EveryOtlpSettingWrong_ReportsEach()
    {
        var (options, errors) = Parse(Required("--otlp-endpoint", "ftp://collector", "--otlp-protocol", "udp", "--otlp-interval-ms", "5"));

        Assert.Null(options);
        Assert.Equal(
            [
                "--otlp-endpoint: \"ftp://collector\" is not an http:// or https:// URL",
                "--otlp-protocol: \"udp\" is not grpc or http/protobuf",
                "--otlp-interval-ms: \"5\" is not a number of milliseconds (100–3600000)",
            ],
            errors);
    }

    [Fact]
    public void Parse_OtlpEndpointTwice_ReportsCount()
    {
        var error = SingleError(Required("--otlp-endpoint", "http://a:4317", "--otlp-endpoint", "http://b:4317"));

        Assert.Equal("--otlp-endpoint: given 2 times", error);
    }

    [Fact]
    public void Usage_NamesEveryOtlpFlagAndVariable()
    {
        foreach (var text in new[]
        {
            "--otlp-endpoint", "MESH_SIDECAR_OTLP_ENDPOINT", "--otlp-protocol", "MESH_SIDECAR_OTLP_PROTOCOL",
            "--otlp-interval-ms", "MESH_SIDECAR_OTLP_INTERVAL_MS",
        })
        {
            Assert.Contains(text, SidecarCommandLine.Usage, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void EffectiveInstanceId_NotGiven_IsServiceHostAndInboundPort()
    {
        var options = new SidecarOptions { Service = "orders", AppPort = 7001, InboundPort = 16006 };

        var id = options.EffectiveInstanceId;

        Assert.Equal($"orders-{Environment.MachineName.ToLowerInvariant()}-16006", id);
    }

    [Fact]
    public void EffectiveInstanceId_Given_IsTheGivenId()
    {
        var options = new SidecarOptions { Service = "orders", AppPort = 7001, InstanceId = "orders-7f9c" };

        Assert.Equal("orders-7f9c", options.EffectiveInstanceId);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("10.0.0.5")]
    [InlineData("::1")]
    public void EffectiveAdvertiseAddress_ConcreteListenAddress_IsListenAddress(string listen)
    {
        var options = new SidecarOptions { Service = "orders", AppPort = 7001, ListenAddress = listen };

        Assert.Equal(listen, options.EffectiveAdvertiseAddress);
    }

    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("::")]
    public void EffectiveAdvertiseAddress_WildcardListenAddress_IsMachineName(string listen)
    {
        var options = new SidecarOptions { Service = "orders", AppPort = 7001, ListenAddress = listen };

        Assert.Equal(Environment.MachineName, options.EffectiveAdvertiseAddress);
    }

    [Fact]
    public void EffectiveAdvertiseAddress_Given_WinsOverWildcard()
    {
        var options = new SidecarOptions { Service = "orders", AppPort = 7001, ListenAddress = "0.0.0.0", AdvertiseAddress = "orders.internal" };

        Assert.Equal("orders.internal", options.EffectiveAdvertiseAddress);
    }

    [Fact]
    public void Defaults_ParsedWithoutOptionalFlags_EffectiveValuesUseDefaults()
    {
        var (options, _) = Parse(Required());

        Assert.NotNull(options);
        Assert.Equal("127.0.0.1", options.EffectiveAdvertiseAddress);
        Assert.Equal($"orders-{Environment.MachineName.ToLowerInvariant()}-15006", options.EffectiveInstanceId);
        Assert.Equal(Path.Combine(".mesh-sidecar", "orders-15006.snapshot.pb"), options.SnapshotPath);
    }

    [Fact]
    public void Parse_ControlPlaneCaFile_ReadsItsCertificates()
    {
        using var ca = new TestCa();
        using var file = new TempFile(ca.Certificate.ExportCertificatePem());

        var (options, errors) = Parse(Required("--control-plane", "https://console:15010", "--control-plane-ca", file.Path));

        Assert.Empty(errors);
        Assert.NotNull(options?.ControlPlaneCa);
        Assert.Equal(file.Path, options.ControlPlaneCa.Source);
        Assert.Equal(ca.Certificate.Thumbprint, Assert.Single(options.ControlPlaneCa.Certificates).Thumbprint);
    }

    [Fact]
    public void Parse_ControlPlaneCaPinFromVariable_GivesLowerCasePin()
    {
        var pin = "sha256:" + new string('A', 64);
        var variables = new Dictionary<string, string> { ["MESH_SIDECAR_CONTROL_PLANE_CA_PIN"] = pin };

        var (options, errors) = Parse(variables, Required());

        Assert.Empty(errors);
        Assert.Equal("sha256:" + new string('a', 64), options?.ControlPlaneCaPin);
    }

    [Fact]
    public void Parse_ControlPlaneCaUnreadable_RefusedNamingFlagAndFile()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"no-such-ca-{Guid.NewGuid():N}.pem");

        var error = SingleError(Required("--control-plane-ca", missing));

        Assert.StartsWith($"--control-plane-ca: cannot read \"{missing}\": ", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ControlPlaneCaWithoutCertificate_RefusedNamingFlag()
    {
        using var file = new TempFile("not a certificate\n");

        var error = SingleError(Required("--control-plane-ca", file.Path));

        Assert.Equal($"--control-plane-ca: \"{file.Path}\" holds no PEM certificate (-----BEGIN CERTIFICATE-----)", error);
    }

    [Fact]
    public void Parse_ControlPlaneCaCorruptPem_RefusedNamingFlag()
    {
        using var file = new TempFile("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");

        var error = SingleError(Required("--control-plane-ca", file.Path));

        Assert.StartsWith($"--control-plane-ca: \"{file.Path}\" is not a PEM bundle of certificates: ", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ControlPlaneCaHoldsLeafCertificate_RefusedNamingFlag()
    {
        using var ca = new TestCa();
        using var leaf = ca.Client("orders");
        using var file = new TempFile(leaf.ExportCertificatePem());

        var error = SingleError(Required("--control-plane-ca", file.Path));

        Assert.Equal($"--control-plane-ca: \"{file.Path}\" holds {leaf.Subject}, which is not a CA certificate", error);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("sha256:0123")]
    [InlineData("sha1:0123456789012345678901234567890123456789")]
    [InlineData("sha256:zz23456789012345678901234567890123456789012345678901234567890123")]
    public void Parse_ControlPlaneCaPinMalformed_RefusedNamingFlag(string pin)
    {
        var error = SingleError(Required("--control-plane-ca-pin", pin));

        Assert.Equal($"--control-plane-ca-pin: \"{pin}\" is not sha256: followed by 64 hexadecimal digits (the SHA-256 of the CA's SubjectPublicKeyInfo)", error);
    }

    [Fact]
    public void Parse_ControlPlaneCaPinWithPlainControlPlane_RefusedAsUnused()
    {
        var error = SingleError(Required("--control-plane", "http://console:15010", "--control-plane-ca-pin", "sha256:" + new string('0', 64)));

        Assert.Equal("--control-plane-ca-pin: nothing would use it: the control plane and the OTLP endpoint are http://", error);
    }

    [Fact]
    public void Parse_ControlPlaneCaWithHttpsOtlpOnly_Accepted()
    {
        using var ca = new TestCa();
        using var file = new TempFile(ca.Certificate.ExportCertificatePem());

        var (options, errors) = Parse(Required(
            "--control-plane", "http://console:15010", "--otlp-endpoint", "https://console:4317", "--control-plane-ca", file.Path));

        Assert.Empty(errors);
        Assert.NotNull(options?.ControlPlaneCa);
    }

    /// <summary>A file in the temp folder with the given text, deleted at the end of the test.</summary>
    private sealed class TempFile : IDisposable
    {
        public TempFile(string text)
        {
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"sidecar-ca-{Guid.NewGuid():N}.pem");
            File.WriteAllText(Path, text);
        }

        public string Path { get; }

        public void Dispose() => File.Delete(Path);
    }
}
