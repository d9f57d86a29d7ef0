using System.Net;
using System.Text.Json.Nodes;
using MeshConsole.Audit;
using YamlDotNet.RepresentationModel;

namespace MeshConsole.Tests.Audit;

/// <summary>Exports of the whole configuration and of one revision, through the REST API on a real store.</summary>
public sealed class ExportTests : ConsoleApiTest
{
    private const string Routes = """
        { "subsets": [ {"name":"v1","labels":{"version":"v1"}}, {"name":"v2","labels":{"version":"v2"}} ],
          "rules": [ { "destinations": [ {"subset":"v1","weight":90}, {"subset":"v2","weight":10} ] } ],
          "version": 0, "reason": "canary" }
        """;

    [Fact]
    public async Task ExportConfig_Json_EveryDocumentGroupedByServiceAtTheLatestRevision()
    {
        await SeedAsync();

        var response = await Client.GetAsync("/api/config/export");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("mesh-config-r3.json", response.Content.Headers.ContentDisposition?.FileNameStar ?? response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        var export = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(3, export["revision"]!.GetValue<long>());
        Assert.Equal("true", export["services"]!["orders"]!["service"]!["description"]!.GetValue<string>());
        Assert.Equal(10, export["services"]!["orders"]!["routes"]!["rules"]![0]!["destinations"]![1]!["weight"]!.GetValue<int>());
        Assert.Equal("deny", export["access"]!["defaultAction"]!.GetValue<string>());
    }

    [Fact]
    public async Task ExportConfig_Yaml_SameTreeWithAmbiguousStringsQuoted()
    {
        await SeedAsync();
        var json = JsonNode.Parse(await Client.GetStringAsync("/api/config/export?format=json"))!;

        var response = await Client.GetAsync("/api/config/export?format=yaml");
        var yaml = await response.Content.ReadAsStringAsync();

        Assert.Equal("application/yaml", response.Content.Headers.ContentType?.MediaType);
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        var description = (YamlScalarNode)root["services"]["orders"]["service"]["description"];
        Assert.Equal("true", description.Value);
        Assert.NotEqual(YamlDotNet.Core.ScalarStyle.Plain, description.Style);
        var weight = (YamlScalarNode)((YamlSequenceNode)((YamlSequenceNode)root["services"]["orders"]["routes"]["rules"])[0]["destinations"])[0]["weight"];
        Assert.Equal("90", weight.Value);
        Assert.Equal(YamlDotNet.Core.ScalarStyle.Plain, weight.Style);
        Assert.Equal(Keys(json), Keys(root));
    }

    [Fact]
    public async Task ExportConfig_TwiceWithoutChange_SameText()
    {
        await SeedAsync();

        var first = await Client.GetStringAsync("/api/config/export?format=yaml");
        var second = await Client.GetStringAsync("/api/config/export?format=yaml");

        Assert.Equal(first, second);
    }

    [Fact]
    public async Task ExportRevision_Yaml_BeforeAndAfterOfThatRevision()
    {
        await SeedAsync();

        var yaml = await Client.GetStringAsync("/api/revisions/2/export?format=yaml");

        Assert.Contains("number: 2", yaml, StringComparison.Ordinal);
        Assert.Contains("kind: routes", yaml, StringComparison.Ordinal);
        Assert.Contains("reason: canary", yaml, StringComparison.Ordinal);
        Assert.Contains("before: ", yaml, StringComparison.Ordinal);
        Assert.Contains("weight: 90", yaml, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/config/export?format=xml")]
    [InlineData("/api/revisions/1/export?format=csv")]
    public async Task Export_UnknownFormat_400NamingFormat(string url)
    {
        await SeedAsync();

        var response = await Client.GetAsync(url);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("\"format\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExportRevision_Unknown_404()
    {
        var response = await Client.GetAsync("/api/revisions/41/export");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public void Write_Yaml_KeepsTheExportsKeyOrder()
    {
        var tree = new JsonObject { ["revision"] = 7, ["zeta"] = "z", ["alpha"] = null };

        var yaml = ExportWriter.Write(tree, ExportFormat.Yaml);

        Assert.True(yaml.IndexOf("revision", StringComparison.Ordinal) < yaml.IndexOf("zeta", StringComparison.Ordinal));
        Assert.True(yaml.IndexOf("zeta", StringComparison.Ordinal) < yaml.IndexOf("alpha", StringComparison.Ordinal));
    }

    private async Task SeedAsync()
    {
        (await Client.PutAsync("/api/services/orders", Json("""{"owner":"team-orders","description":"true","version":0}"""))).EnsureSuccessStatusCode();
        (await Client.PutAsync("/api/services/orders/routes", Json(Routes))).EnsureSuccessStatusCode();
        (await Client.PutAsync("/api/access", Json("""{"defaultAction":"deny","version":0}"""))).EnsureSuccessStatusCode();
    }

    private static StringContent Json(string body) => new(body, System.Text.Encoding.UTF8, "application/json");

    private static List<string> Keys(JsonNode node) => node switch
    {
        JsonObject o => [.. o.SelectMany(p => Keys(p.Value!).Select(k => $"{p.Key}/{k}").Prepend(p.Key))],
        JsonArray a => [.. a.SelectMany((item, i) => Keys(item!).Select(k => $"{i}/{k}"))],
        _ => [],
    };

    private static List<string> Keys(YamlNode node) => node switch
    {
        YamlMappingNode m => [.. m.SelectMany(p => Keys(p.Value).Select(k => $"{((YamlScalarNode)p.Key).Value}/{k}").Prepend(((YamlScalarNode)p.Key).Value!))],
        YamlSequenceNode s => [.. s.SelectMany((item, i) => Keys(item).Select(k => $"{i}/{k}"))],
        _ => [],
    };
}
