using Microsoft.Extensions.Logging;

namespace Mesh.Demo.Tests;

public sealed class DemoCommandLineTests
{
    [Fact]
    public void Parse_NoMode_KeepsTheWholeShopDefaults()
    {
        var (command, errors) = DemoCommandLine.Parse([]);

        Assert.Empty(errors);
        var whole = Assert.IsType<WholeMeshCommand>(command);
        Assert.Equal(new Uri("http://127.0.0.1:8080"), whole.Console);
        Assert.Equal(new Uri("https://127.0.0.1:15010"), whole.ControlPlane);
        Assert.Equal(new Uri("https://127.0.0.1:4317"), whole.Otlp);
        Assert.Equal(5, whole.Rate);
    }

    [Fact]
    public void Parse_NoModeWithFlags_ReadsEveryFlag()
    {
        var (command, _) = DemoCommandLine.Parse(["--console", "http://lb:8080", "--control-plane", "http://lb:15010", "--otlp", "http://lb:4317", "--rate", "20"]);

        Assert.Equal(new WholeMeshCommand(new Uri("http://lb:8080"), new Uri("http://lb:15010"), new Uri("http://lb:4317"), 20), command);
    }

    [Fact]
    public void Parse_Serve_PicksTheShopInstance()
    {
        var (command, errors) = DemoCommandLine.Parse(["serve", "--service", "orders", "--version", "v2", "--port", "8081", "--outbound", "http://127.0.0.1:15001"]);

        Assert.Empty(errors);
        var serve = Assert.IsType<ServeCommand>(command);
        Assert.Equal(ShopService.Find("orders", "v2"), serve.Service);
        Assert.Equal(8081, serve.Port);
        Assert.Equal(new Uri("http://127.0.0.1:15001"), serve.Outbound);
    }

    [Fact]
    public void Parse_ServeWithDefaults_IsVersionOneOnPort8080BesideTheDefaultSidecar()
    {
        var (command, _) = DemoCommandLine.Parse(["serve", "--service", "catalog"]);

        Assert.Equal(new ServeCommand(ShopService.Find("catalog", "v1")!, 8080, new Uri("http://127.0.0.1:15001/")), command);
    }

    [Fact]
    public void Parse_SetupAndTraffic_ReadTheirFlags()
    {
        Assert.Equal(new SetupCommand(new Uri("http://lb:8080"), 30), DemoCommandLine.Parse(["setup", "--console", "http://lb:8080", "--wait-seconds", "30"]).Command);
        Assert.Equal(new TrafficCommand(new Uri("http://127.0.0.1:15001"), 2.5), DemoCommandLine.Parse(["traffic", "--target", "http://127.0.0.1:15001", "--rate", "2.5"]).Command);
    }

    [Theory]
    [InlineData("--rate: \"0\" is not a number of requests per second above 0 and at most 1000", "--rate", "0")]
    [InlineData("--rate: \"fast\" is not a number of requests per second above 0 and at most 1000", "--rate", "fast")]
    [InlineData("--console: \"lb:8080\" is not an http:// or https:// URL", "--console", "lb:8080")]
    [InlineData("--otlp: \"ftp://lb\" is not an http:// or https:// URL", "--otlp", "ftp://lb")]
    [InlineData("--target: unknown flag", "--target", "http://127.0.0.1:15001")]
    public void Parse_BadFlagWithoutMode_NamesTheFlag(string expected, string flag, string value)
    {
        var (command, errors) = DemoCommandLine.Parse([flag, value]);

        Assert.Null(command);
        Assert.Equal([expected], errors);
    }

    [Theory]
    [InlineData("--service: required, one of frontend, catalog, orders, payments, inventory", "serve")]
    [InlineData("--service: \"billing\" is not a shop service (frontend, catalog, orders, payments, inventory)", "serve", "--service", "billing")]
    [InlineData("--version: orders has no version \"v3\" (v1, v2)", "serve", "--service", "orders", "--version", "v3")]
    [InlineData("--port: \"70000\" is not a whole number from 1 to 65535", "serve", "--service", "orders", "--port", "70000")]
    [InlineData("--outbound: \"127.0.0.1:15001\" is not an http:// or https:// URL", "serve", "--service", "orders", "--outbound", "127.0.0.1:15001")]
    [InlineData("--rate: unknown flag for serve", "serve", "--service", "orders", "--rate", "5")]
    [InlineData("--wait-seconds: \"-1\" is not a whole number from 0 to 3600", "setup", "--wait-seconds", "-1")]
    [InlineData("--target: needs a value", "traffic", "--target")]
    [InlineData("--rate: given twice", "traffic", "--rate", "1", "--rate", "2")]
    [InlineData("deploy: unknown mode (serve, setup, traffic, or none for the whole shop in one process)", "deploy")]
    public void Parse_BadModeOrFlag_NamesIt(string expected, params string[] args)
    {
        var (command, errors) = DemoCommandLine.Parse(args);

        Assert.Null(command);
        Assert.Equal([expected], errors);
    }

    [Fact]
    public void Parse_SeveralMistakes_ReportsEach()
    {
        var (_, errors) = DemoCommandLine.Parse(["traffic", "--rate", "-3", "--target", "nowhere", "--port", "1"]);

        Assert.Equal(3, errors.Count);
        Assert.Contains(errors, e => e.StartsWith("--rate:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("--target:", StringComparison.Ordinal));
        Assert.Contains("--port: unknown flag for traffic", errors);
    }

    [Fact]
    public async Task RunAsync_BadFlag_ExitsWithTwo()
    {
        using var loggers = LoggerFactory.Create(_ => { });

        var code = await DemoProgram.RunAsync(["serve", "--service", "nope"], _ => null, loggers, CancellationToken.None);

        Assert.Equal(2, code);
    }

    [Fact]
    public async Task RunAsync_SetupWithoutApiToken_ExitsWithTwo()
    {
        using var loggers = LoggerFactory.Create(_ => { });

        var code = await DemoProgram.RunAsync(["setup", "--wait-seconds", "0"], _ => null, loggers, CancellationToken.None);

        Assert.Equal(2, code);
    }
}
