using System.Text.Json.Nodes;
using MeshCtl.Text;

namespace MeshCtl.Tests;

/// <summary>What meshctl refuses before it talks to any console: flags, files, a missing server.</summary>
public sealed class CommandLineTests : IDisposable
{
    // Nothing listens on port 1: a command that got as far as sending would exit 1, not 2.
    private readonly Ctl _ctl = new(new Dictionary<string, string>
    {
        ["MESHCTL_SERVER"] = "http://127.0.0.1:1",
        ["MESHCTL_TOKEN"] = "mat_unused",
    });

    public void Dispose() => _ctl.Dispose();

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("get")]
    [InlineData("get", "widgets")]
    [InlineData("get", "routes", "orders", "extra")]
    [InlineData("get", "routes", "-o", "xml")]
    [InlineData("apply")]
    [InlineData("revisions")]
    [InlineData("revisions", "show", "abc")]
    [InlineData("revisions", "show", "0")]
    [InlineData("revisions", "list", "--limit", "500")]
    [InlineData("revisions", "list", "--kind", "widgets")]
    [InlineData("revisions", "revert", "3")]
    [InlineData("experiments", "run", "--name", "x", "--target", "payments", "--reason", "r")]
    [InlineData("experiments", "run", "--name", "x", "--target", "p", "--reason", "r", "--duration-seconds", "ten")]
    [InlineData("top", "--window", "2m")]
    [InlineData("top", "--interval", "fast")]
    [InlineData("top", "--interval", "10ms")]
    [InlineData("top", "--count", "0")]
    public async Task BadFlags_UsageErrorNamingTheProblem_Exit2(params string[] args)
    {
        var result = await _ctl.RunAsync(args);

        Assert.True(result.Exit == 2, result.ToString());
        Assert.Contains("meshctl:", result.Error, StringComparison.Ordinal);
        Assert.Contains("--help' for usage", result.Error, StringComparison.Ordinal);
        Assert.Equal("", result.Out);
    }

    [Fact]
    public async Task GetAccess_WithAService_UsageError()
    {
        var result = await _ctl.RunAsync("get", "access", "orders");

        Assert.Equal(2, result.Exit);
        Assert.Contains("get access takes no service", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_PrintsEveryCommand_Exit0()
    {
        var result = await _ctl.RunAsync("--help");

        Assert.Equal(0, result.Exit);
        foreach (var command in new[] { "login", "logout", "get", "apply", "revisions", "sidecars", "experiments", "top" })
            Assert.Contains(command, result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apply_YamlSyntaxError_NamesFileLineAndColumn_BeforeSending()
    {
        var file = _ctl.WriteFile("canary.yaml", "services:\n  orders:\n    routes:\n      rules: [ {destinations: \n   - bad\n");

        var result = await _ctl.RunAsync("apply", "-f", file);

        // Exit 2, not 1: the file was refused before meshctl tried the unreachable server.
        Assert.True(result.Exit == 2, result.ToString());
        Assert.Matches($@"^error: {System.Text.RegularExpressions.Regex.Escape(file)}:\d+:\d+: ", result.Error);
    }

    [Fact]
    public async Task Apply_TabIndentedYaml_LineAndColumnOfTheTab()
    {
        var file = _ctl.WriteFile("tabs.yaml", "services:\n  orders:\n\troutes: {}\n");

        var result = await _ctl.RunAsync("apply", "-f", file);

        Assert.Equal(2, result.Exit);
        Assert.Contains($"{file}:3:1:", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apply_DuplicateKey_NamesItsLine()
    {
        var file = _ctl.WriteFile("dup.yaml", "services:\n  orders:\n    service: {owner: a}\n    service: {owner: b}\n");

        var result = await _ctl.RunAsync("apply", "-f", file);

        Assert.Equal(2, result.Exit);
        Assert.Contains($"{file}:4:", result.Error, StringComparison.Ordinal);
        Assert.Contains("service", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apply_MalformedJson_NamesLineAndColumn()
    {
        var file = _ctl.WriteFile("mesh.json", "{\n  \"services\": {\n    \"orders\": {,}\n  }\n}\n");

        var result = await _ctl.RunAsync("apply", "-f", file);

        Assert.Equal(2, result.Exit);
        Assert.Contains($"{file}:3:", result.Error, StringComparison.Ordinal);
        Assert.Contains("not valid JSON", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("LineNumber", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("- a\n- b\n")]
    [InlineData("just text\n")]
    [InlineData("")]
    [InlineData("services: {}\n---\naccess: {}\n")]
    public async Task Apply_NotOneMapping_UsageError(string text)
    {
        var file = _ctl.WriteFile("odd.yaml", text);

        var result = await _ctl.RunAsync("apply", "-f", file);

        Assert.True(result.Exit == 2, result.ToString());
        Assert.StartsWith($"error: {file}", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apply_MissingFile_UsageErrorNamingIt()
    {
        var missing = Path.Combine(_ctl.Home, "nowhere.yaml");

        var result = await _ctl.RunAsync("apply", "-f", missing);

        Assert.Equal(2, result.Exit);
        Assert.Contains(missing, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apply_BadYamlOnStandardInput_NamesStdin()
    {
        var result = await _ctl.RunAsync(["apply", "-f", "-"], stdin: "services:\n  orders: [\n", terminal: false);

        Assert.Equal(2, result.Exit);
        Assert.StartsWith("error: (stdin):", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoServerAnywhere_UsageErrorSayingWhereToGiveOne()
    {
        using var bare = new Ctl();

        var result = await bare.RunAsync("sidecars");

        Assert.Equal(2, result.Exit);
        Assert.Contains("no server", result.Error, StringComparison.Ordinal);
        Assert.Contains("MESHCTL_SERVER", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoToken_UsageError()
    {
        using var bare = new Ctl(new Dictionary<string, string> { ["MESHCTL_SERVER"] = "http://127.0.0.1:1" });

        var result = await bare.RunAsync("sidecars");

        Assert.Equal(2, result.Exit);
        Assert.Contains("no token", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1:8080")]
    [InlineData("ftp://127.0.0.1")]
    [InlineData("http://127.0.0.1:8080/?x=1")]
    public async Task ServerNotAnHttpAddress_UsageErrorNamingTheFlag(string server)
    {
        var result = await _ctl.RunAsync("sidecars", "--server", server);

        Assert.Equal(2, result.Exit);
        Assert.Contains($"--server: \"{server}\" is not a console address", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MalformedLoginFile_UsageErrorNamingIt()
    {
        using var bare = new Ctl();
        Directory.CreateDirectory(Path.GetDirectoryName(bare.LoginPath)!);
        await File.WriteAllTextAsync(bare.LoginPath, "{ not json");

        var result = await bare.RunAsync("sidecars");

        Assert.Equal(2, result.Exit);
        Assert.Contains(bare.LoginPath, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnreachableServer_FailureNamingTheAddress_Exit1()
    {
        var result = await _ctl.RunAsync("sidecars");

        Assert.Equal(1, result.Exit);
        Assert.Contains("cannot reach the console at http://127.0.0.1:1/", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(400, 3)]
    [InlineData(422, 3)]
    [InlineData(401, 5)]
    [InlineData(403, 5)]
    [InlineData(404, 6)]
    [InlineData(409, 4)]
    [InlineData(413, 1)]
    [InlineData(500, 1)]
    [InlineData(503, 1)]
    public void ExitCodes_ForStatus_AsDocumented(int status, int exit)
    {
        Assert.Equal(exit, ExitCodes.ForStatus(status));
    }

    [Fact]
    public async Task GlobalFlagsBeforeTheCommand_TakenAsWell()
    {
        using var bare = new Ctl();

        var result = await bare.RunAsync("--server", "http://127.0.0.1:2", "--token", "mat_x", "sidecars");

        Assert.Equal(1, result.Exit);
        Assert.Contains("http://127.0.0.1:2/", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void YamlRead_CoreSchemaTypes()
    {
        var tree = YamlText.Read("a: 5\nb: \"5\"\nc: true\nd: 'true'\ne: ~\nf:\ng: 2.5\nh: v1\ni: [1, x]\n", "t.yaml")!.AsObject();

        Assert.Equal(5, tree["a"]!.GetValue<long>());
        Assert.Equal("5", tree["b"]!.GetValue<string>());
        Assert.True(tree["c"]!.GetValue<bool>());
        Assert.Equal("true", tree["d"]!.GetValue<string>());
        Assert.True(tree.ContainsKey("e") && tree["e"] is null);
        Assert.True(tree.ContainsKey("f") && tree["f"] is null);
        Assert.Equal(2.5m, tree["g"]!.GetValue<decimal>());
        Assert.Equal("v1", tree["h"]!.GetValue<string>());
        Assert.Equal("[1,\"x\"]", tree["i"]!.ToJsonString());
    }

    [Fact]
    public void YamlWrite_ThenRead_SameTree()
    {
        var tree = JsonNode.Parse("""{"revision":3,"services":{"orders":{"routes":{"subsets":[{"name":"v1","labels":{"version":"5"}}],"retry":null,"on":"true","w":0.25}}}}""");

        var back = YamlText.Read(YamlText.Write(tree), "round-trip");

        Assert.Equal(tree!.ToJsonString(), back!.ToJsonString());
    }
}
