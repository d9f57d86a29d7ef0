using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Mesh.Store;
using Mesh.Store.Entities;
using MeshConsole.Telemetry.Aggregation;
using Microsoft.Extensions.DependencyInjection;

namespace MeshConsole.Tests.Access;

/// <summary>POST /api/access/what-if and /impact over a real console and store.</summary>
public sealed class AccessApiTests : ConsoleApiTest
{
    private const string Saved = """
        { "defaultAction": "allow",
          "rules": [ { "source": "*", "destination": "orders", "methods": ["POST"], "pathPrefixes": ["/admin"], "action": "deny" } ],
          "version": 0, "reason": "close the admin pages" }
        """;

    [Fact]
    public async Task WhatIf_NoPolicyWritten_AllowedByTheDefaultAtVersion0()
    {
        var answer = await OkAsync(await PostAsync("/api/access/what-if", """{"source":"frontend","destination":"orders","method":"GET","path":"/"}"""));

        Assert.True(answer.GetProperty("allowed").GetBoolean());
        Assert.Equal(JsonValueKind.Null, answer.GetProperty("ruleIndex").ValueKind);
        Assert.Equal(0, answer.GetProperty("version").GetInt64());
        Assert.Equal("saved", answer.GetProperty("judged").GetString());
    }

    [Fact]
    public async Task WhatIf_SavedRuleDenies_NamesTheRule()
    {
        await PutAccessAsync(Saved);

        var answer = await OkAsync(await PostAsync("/api/access/what-if", """{"source":"frontend","destination":"orders","method":"POST","path":"/admin/users"}"""));

        Assert.False(answer.GetProperty("allowed").GetBoolean());
        Assert.Equal("deny", answer.GetProperty("action").GetString());
        Assert.Equal(0, answer.GetProperty("ruleIndex").GetInt32());
        Assert.Equal("/admin", answer.GetProperty("rule").GetProperty("pathPrefixes")[0].GetString());
        Assert.StartsWith("rules[0] (* → orders)", answer.GetProperty("explanation").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, answer.GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task WhatIf_WithADraft_JudgesTheDraftNotTheSaved()
    {
        await PutAccessAsync(Saved);

        var answer = await OkAsync(await PostAsync("/api/access/what-if", """
            {"source":"frontend","destination":"orders","method":"POST","path":"/admin","policy":{"defaultAction":"allow"}}
            """));

        Assert.True(answer.GetProperty("allowed").GetBoolean());
        Assert.Equal("draft", answer.GetProperty("judged").GetString());
        Assert.Equal(JsonValueKind.Null, answer.GetProperty("version").ValueKind);
    }

    [Fact]
    public async Task WhatIf_NoIdentityToAStrictService_DeniedForStrictMtls()
    {
        var answer = await OkAsync(await PostAsync("/api/access/what-if", """
            {"source":"(no identity)","destination":"payments","method":"GET","path":"/","policy":{"defaultAction":"allow","mtls":{"mode":"strict"}}}
            """));

        Assert.False(answer.GetProperty("allowed").GetBoolean());
        Assert.StartsWith("strict mTLS is required", answer.GetProperty("explanation").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"destination":"orders","method":"GET","path":"/"}""", "source", "required")]
    [InlineData("""{"source":"*","destination":"orders","method":"GET","path":"/"}""", "source", "* is for rules")]
    [InlineData("""{"source":42,"destination":"orders","method":"GET","path":"/"}""", "source", "must be a string")]
    [InlineData("""{"source":"frontend","destination":"Orders","method":"GET","path":"/"}""", "destination", "not a DNS label")]
    [InlineData("""{"source":"frontend","destination":"orders","method":"get","path":"/"}""", "method", "upper case")]
    [InlineData("""{"source":"frontend","destination":"orders","method":"GET","path":"admin"}""", "path", "must start with '/'")]
    [InlineData("""{"source":"frontend","destination":"orders","method":"GET","path":"/a?b=1"}""", "path", "'?'")]
    [InlineData("""{"source":"frontend","destination":"orders","method":"GET","path":"/","verb":"GET"}""", "verb", "unknown field")]
    [InlineData("""{"source":"frontend","source":"web","destination":"orders","method":"GET","path":"/"}""", "source", "twice")]
    [InlineData("""{"source":"frontend","destination":"orders","method":"GET","path":"/","policy":[]}""", "policy", "access policy object")]
    [InlineData("""{"source":"frontend","destination":"orders","method":"GET","path":"/","policy":{"rules":[]}}""", "policy.defaultAction", "required")]
    [InlineData("""{"source":"frontend","destination":"orders","method":"GET","path":"/","policy":{"defaultAction":"allow","rules":[{"source":"a","destination":"b","action":"maybe"}]}}""", "policy.rules[0].action", "")]
    [InlineData("""[1]""", "$", "JSON object")]
    public async Task WhatIf_BadInput_422NamingTheField(string body, string field, string reason)
    {
        var response = await PostAsync("/api/access/what-if", body);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var errors = await ErrorsAsync(response);
        Assert.True(errors.ContainsKey(field), $"{field} not in {string.Join(", ", errors.Keys)}");
        Assert.Contains(reason, string.Join(" ", errors[field]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WhatIf_AllFieldsMissing_EveryFieldNamedAtOnce()
    {
        var errors = await ErrorsAsync(await PostAsync("/api/access/what-if", "{}"));

        Assert.Equal(["destination", "method", "path", "source"], errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task WhatIf_NotJson_400AndNotJsonContent_415()
    {
        var malformed = await PostAsync("/api/access/what-if", """{"source": """);
        using var text = new StringContent("source=frontend", Encoding.UTF8, "text/plain");
        var unsupported = await Client.PostAsync("/api/access/what-if", text);

        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Contains("malformed JSON", string.Join(" ", (await ErrorsAsync(malformed))["$"]), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, unsupported.StatusCode);
    }

    [Fact]
    public async Task Impact_DefaultDeny_ListsTheEdgesCutWhollyOrInPart()
    {
        await PutAccessAsync(Saved);
        Record("frontend", "orders", 120);
        Record("orders", "payments", 30);
        Record("orders", External.Name, 10);

        var answer = await OkAsync(await PostAsync("/api/access/impact", """
            { "policy": { "defaultAction": "deny",
                          "rules": [ { "source": "frontend", "destination": "orders", "action": "allow" },
                                     { "source": "frontend", "destination": "orders", "pathPrefixes": ["/internal"], "action": "deny" } ] } }
            """));

        Assert.Equal("1h", answer.GetProperty("window").GetString());
        Assert.Equal(1, answer.GetProperty("currentVersion").GetInt64());
        // Calls leaving the mesh are judged by no sidecar of ours: two edges, not three.
        Assert.Equal(2, answer.GetProperty("edgesSeen").GetInt32());
        var cut = answer.GetProperty("cut");
        Assert.Equal(2, cut.GetArrayLength());
        Assert.Equal(("frontend", "orders", "some"), (cut[0].GetProperty("source").GetString(), cut[0].GetProperty("destination").GetString(), cut[0].GetProperty("extent").GetString()));
        Assert.All(cut[0].GetProperty("calls").EnumerateArray(), c => Assert.Equal("/internal", c.GetProperty("pathPrefix").GetString()));
        Assert.Equal(("orders", "payments", "all"), (cut[1].GetProperty("source").GetString(), cut[1].GetProperty("destination").GetString(), cut[1].GetProperty("extent").GetString()));
        Assert.Equal(30, cut[1].GetProperty("requests").GetInt64());
    }

    [Fact]
    public async Task Impact_EdgeOnlyInStoredMinutes_ListedAfterARestartOrFromAnotherReplica()
    {
        var now = DateTimeOffset.UtcNow.AddMinutes(-10).ToUnixTimeSeconds();
        var minute = now - (now % 60);
        await using (var scope = Factory.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<RollupStore>().WriteAsync(minute, "other-replica", [new TopologyRollup
            {
                Minute = minute, Replica = "other-replica", Source = "frontend", Destination = "payments", Protocol = "http", Requests = 42,
            }]);
        }

        var answer = await OkAsync(await PostAsync("/api/access/impact", """{ "policy": { "defaultAction": "deny" } }"""));

        var cut = Assert.Single(answer.GetProperty("cut").EnumerateArray());
        Assert.Equal(("frontend", "payments", 42L), (cut.GetProperty("source").GetString(), cut.GetProperty("destination").GetString(), cut.GetProperty("requests").GetInt64()));
    }

    [Fact]
    public async Task Impact_NothingCut_EmptyList()
    {
        Record("frontend", "orders", 10);

        var answer = await OkAsync(await PostAsync("/api/access/impact", """{ "policy": { "defaultAction": "allow" } }"""));

        Assert.Equal(0, answer.GetProperty("cut").GetArrayLength());
        Assert.Equal(1, answer.GetProperty("edgesSeen").GetInt32());
    }

    [Theory]
    [InlineData("""{}""", "policy", "required")]
    [InlineData("""{"policy":"deny"}""", "policy", "access policy object")]
    [InlineData("""{"policy":{"defaultAction":"never"}}""", "policy.defaultAction", "")]
    [InlineData("""{"policy":{"defaultAction":"deny","rules":[{"source":"*","destination":"orders","pathPrefixes":["admin"],"action":"deny"}]}}""", "policy.rules[0].pathPrefixes[0]", "must start with '/'")]
    [InlineData("""{"policy":{"defaultAction":"deny"},"version":3}""", "version", "unknown field")]
    public async Task Impact_BadInput_422NamingTheField(string body, string field, string reason)
    {
        var response = await PostAsync("/api/access/impact", body);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var errors = await ErrorsAsync(response);
        Assert.True(errors.ContainsKey(field), $"{field} not in {string.Join(", ", errors.Keys)}");
        Assert.Contains(reason, string.Join(" ", errors[field]), StringComparison.Ordinal);
    }

    private void Record(string source, string destination, int calls) =>
        Assert.True(Factory.Services.GetRequiredService<TopologyAggregator>().Record(
            Observation.CountsOnly(new EdgeKey(source, destination, "http"), DateTimeOffset.UtcNow, calls, 0, 0)));

    private async Task PutAccessAsync(string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        var response = await Client.PutAsync("/api/access", content);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private Task<HttpResponseMessage> PostAsync(string path, string json) =>
        Client.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

    private static async Task<JsonElement> OkAsync(HttpResponseMessage response)
    {
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static async Task<Dictionary<string, string[]>> ErrorsAsync(HttpResponseMessage response)
    {
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        return problem.GetProperty("errors").Deserialize<Dictionary<string, string[]>>()!;
    }
}
