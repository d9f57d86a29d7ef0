using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace MeshConsole.Tests.ConfigAsCode;

/// <summary>
/// Configuration as code through the REST API on a real store: the export applied back is a no-op, a change of
/// every kind is planned with its diff and written in one go, nulls and prune delete, bad files change nothing.
/// </summary>
public sealed class ApplyApiTests : ConsoleApiTest
{
    private static readonly string _faultExpiry = DateTimeOffset.UtcNow.AddDays(1).ToString("O", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task RoundTrip_EveryKind_ExportAppliedBackWritesNothing_ThenEachKindsChangeIsPlannedAndApplied()
    {
        await SeedAsync();
        var export = await ExportAsync();
        var latest = export["revision"]!.GetValue<long>();

        var again = await ApplyAsync(export);
        Assert.False(again["applied"]!.GetValue<bool>());
        Assert.Equal(latest, again["revision"]!.GetValue<long>());
        Assert.Equal(6, Changes(again).Count);
        Assert.All(Changes(again), c => Assert.Equal("unchanged", c["action"]!.GetValue<string>()));
        Assert.Equal(latest, (await ExportAsync())["revision"]!.GetValue<long>());

        var edited = export.DeepClone();
        edited["access"]!["defaultAction"] = "allow";
        edited["services"]!["orders"]!["service"]!["description"] = "Order intake";
        edited["services"]!["orders"]!["routes"]!["rules"]![0]!["destinations"]![0]!["weight"] = 50;
        edited["services"]!["orders"]!["routes"]!["rules"]![0]!["destinations"]![1]!["weight"] = 50;
        edited["services"]!["orders"]!["resilience"]!["timeoutMs"] = 3000;
        edited["services"]!["orders"]!["faults"]!["faults"]![0]!["delay"]!["percent"] = 2;

        var plan = await ApplyAsync(edited, dryRun: true);
        Assert.True(plan["dryRun"]!.GetValue<bool>());
        Assert.Equal(latest, plan["revision"]!.GetValue<long>());
        var planned = Changes(plan).Where(c => c["action"]!.GetValue<string>() == "update").ToList();
        Assert.Equal(["service", "access", "routes", "resilience", "faults"], planned.Select(c => c["kind"]!.GetValue<string>()));
        var diff = planned[3]["diff"]!.GetValue<string>().Split('\n');
        Assert.Single(diff, l => l.StartsWith('+') && l.Contains("\"timeoutMs\": 3000", StringComparison.Ordinal));
        Assert.Single(diff, l => l.StartsWith('-') && l.Contains("\"timeoutMs\": 2000", StringComparison.Ordinal));
        Assert.DoesNotContain(diff, l => l.Contains("attempts", StringComparison.Ordinal) && !l.StartsWith(' '));
        Assert.Equal(latest, (await ExportAsync())["revision"]!.GetValue<long>());

        var applied = await ApplyAsync(edited, reason: "quarterly review");
        Assert.True(applied["applied"]!.GetValue<bool>());
        Assert.Equal(latest + 5, applied["revision"]!.GetValue<long>());
        var after = await ExportAsync();
        edited["revision"] = latest + 5;
        Assert.True(JsonNode.DeepEquals(edited, after), after.ToJsonString());

        var history = JsonNode.Parse(await Client.GetStringAsync($"/api/revisions?pageSize=5"))!["items"]!.AsArray();
        Assert.All(history, r => Assert.Equal("token:bootstrap", r!["actor"]!.GetValue<string>()));
        Assert.All(history, r => Assert.Equal("quarterly review", r!["reason"]!.GetValue<string>()));
        Assert.False((await ApplyAsync(after))["applied"]!.GetValue<bool>());
    }

    [Fact]
    public async Task DryRun_DiffFormatYaml_DiffReadsLikeTheYamlFile()
    {
        await SeedAsync();
        var edited = await ExportAsync();
        edited["services"]!["orders"]!["resilience"]!["timeoutMs"] = 3000;
        edited["services"]!["payments"] = null;

        var plan = await ApplyAsync(edited, dryRun: true, diffFormat: "yaml");

        var changes = Changes(plan).Where(c => c["action"]!.GetValue<string>() != "unchanged").ToList();
        var resilience = changes.Single(c => c["kind"]!.GetValue<string>() == "resilience")["diff"]!.GetValue<string>().Split('\n');
        Assert.Equal(["- timeoutMs: 2000", "+ timeoutMs: 3000"], resilience.Where(l => !l.StartsWith(' ')));
        Assert.Contains("    attempts: 2", resilience);
        // A delete shows the whole document going, in YAML too.
        var deleted = changes.Single(c => c["kind"]!.GetValue<string>() == "service")["diff"]!.GetValue<string>().Split('\n');
        Assert.All(deleted, l => Assert.StartsWith("-", l, StringComparison.Ordinal));
        Assert.Contains("- owner: team-payments", deleted);
    }

    [Fact]
    public async Task Apply_NewServiceWithPolicies_CreatedInOrderBeforeItsPolicies()
    {
        var config = JsonNode.Parse("""
            { "services": { "billing": {
                "routes": { "subsets": [ {"name": "v1", "labels": {"version": "v1"}} ], "rules": [ { "destinations": [ {"subset": "v1", "weight": 100} ] } ] },
                "service": { "owner": "team-billing" } } } }
            """)!;

        var applied = await ApplyAsync(config);

        Assert.Equal(["service", "routes"], Changes(applied).Select(c => c["kind"]!.GetValue<string>()));
        Assert.All(Changes(applied), c => Assert.Equal("create", c["action"]!.GetValue<string>()));
        Assert.Equal([1L, 2L], Changes(applied).Select(c => c["revision"]!.GetValue<long>()));
        Assert.Equal(HttpStatusCode.OK, (await Client.GetAsync("/api/services/billing/routes")).StatusCode);
    }

    [Fact]
    public async Task Apply_NullDocumentAndNullService_DeleteThem()
    {
        await SeedAsync();
        var latest = (await ExportAsync())["revision"]!.GetValue<long>();

        var applied = await ApplyAsync(JsonNode.Parse("""{ "services": { "orders": { "faults": null }, "payments": null } }""")!);

        Assert.Equal(["faults orders delete", "service payments delete"], Changes(applied).Select(Describe));
        Assert.Equal(latest + 2, applied["revision"]!.GetValue<long>());
        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetAsync("/api/services/orders/faults")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetAsync("/api/services/payments")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Client.GetAsync("/api/services/orders/routes")).StatusCode);
    }

    [Fact]
    public async Task Apply_Prune_DeletesWhatTheFileLeavesOut()
    {
        await SeedAsync();
        var export = await ExportAsync();
        export["services"]!.AsObject().Remove("payments");
        export["services"]!["orders"]!.AsObject().Remove("faults");
        export.AsObject().Remove("access");

        var plan = await ApplyAsync(export, dryRun: true, prune: true);
        var deletes = Changes(plan).Where(c => c["action"]!.GetValue<string>() == "delete").Select(Describe).ToList();
        Assert.Equal(["access mesh delete", "faults orders delete", "service payments delete"], deletes);

        var unpruned = await ApplyAsync(export);
        Assert.False(unpruned["applied"]!.GetValue<bool>());
        await ApplyAsync(export, prune: true);
        var after = await ExportAsync();
        Assert.Null(after["access"]);
        Assert.Null(after["services"]!["payments"]);
        Assert.Null(after["services"]!["orders"]!["faults"]);
    }

    [Theory]
    [InlineData("""{ "config": { "services": {} }, "dryrun": true }""", "dryrun")]
    [InlineData("""{ "dryRun": true }""", "config")]
    [InlineData("""{ "config": {}, "prune": "yes" }""", "prune")]
    [InlineData("""{ "config": {}, "reason": 7 }""", "reason")]
    [InlineData("""{ "config": {}, "diffFormat": "xml" }""", "diffFormat")]
    [InlineData("""{ "config": {}, "config": {} }""", "$")]
    [InlineData("""{ "config": { """, "$")]
    [InlineData("""[ {} ]""", "$")]
    public async Task Apply_MalformedBody_400NamingTheFieldAndNothingChanges(string body, string field)
    {
        await SeedAsync();
        var before = await ExportAsync();

        var response = await PostAsync(body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.NotNull(problem["errors"]![field]);
        Assert.True(JsonNode.DeepEquals(before, await ExportAsync()));
    }

    [Theory]
    [InlineData("""{ "servces": {} }""", "config.servces", "unknown field")]
    [InlineData("""{ "revision": "latest" }""", "config.revision", "revision number")]
    [InlineData("""{ "services": [] }""", "config.services", "object of services")]
    [InlineData("""{ "services": { "Orders!": {} } }""", "config.services.Orders!", "not a service name")]
    [InlineData("""{ "services": { "orders": { "route": {} } } }""", "config.services.orders.route", "unknown document")]
    [InlineData("""{ "services": { "orders": { "routes": [] } } }""", "config.services.orders.routes", "must be a document")]
    [InlineData("""{ "services": { "orders": { "routes": { "rules": [ { "destinations": [ {"subset": "v1", "weight": 90} ] } ] } } } }""", "config.services.orders.routes.rules[0].destinations", "")]
    [InlineData("""{ "services": { "ghost": { "resilience": { "timeoutMs": 1000 } } } }""", "config.services.ghost.resilience", "does not exist")]
    [InlineData("""{ "services": { "orders": { "service": null } } }""", "config.services.orders.service", "still has")]
    [InlineData("""{ "access": { "defaultAction": "maybe" } }""", "config.access.defaultAction", "")]
    public async Task Apply_InvalidFile_422NamingThePathAndNothingChanges(string config, string field, string reason)
    {
        await SeedAsync();
        var before = await ExportAsync();

        var response = await PostAsync($$"""{ "config": {{config}} }""");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        var errors = problem["errors"]!.AsObject();
        Assert.True(errors.ContainsKey(field), problem.ToJsonString());
        Assert.Contains(reason, errors[field]![0]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.True(JsonNode.DeepEquals(before, await ExportAsync()));
    }

    [Fact]
    public async Task Apply_NotJson_415()
    {
        using var content = new StringContent("services: {}", Encoding.UTF8, "application/yaml");

        var response = await Client.PostAsync("/api/config/apply", content);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    private async Task SeedAsync()
    {
        await PutAsync("/api/services/orders", """{ "owner": "team-orders", "version": 0 }""");
        await PutAsync("/api/services/payments", """{ "owner": "team-payments", "version": 0 }""");
        await PutAsync("/api/services/orders/routes", """
            { "subsets": [ {"name":"v1","labels":{"version":"v1"}}, {"name":"v2","labels":{"version":"v2"}} ],
              "rules": [ { "destinations": [ {"subset":"v1","weight":90}, {"subset":"v2","weight":10} ] } ], "version": 0 }
            """);
        await PutAsync("/api/services/orders/resilience", """{ "timeoutMs": 2000, "retries": { "attempts": 2, "retryOn": ["5xx", "reset"] }, "version": 0 }""");
        await PutAsync("/api/services/orders/faults", $$"""{ "faults": [ { "name": "slow", "delay": { "fixedMs": 5, "percent": 1 }, "expiresAt": "{{_faultExpiry}}" } ], "version": 0 }""");
        await PutAsync("/api/access", """{ "defaultAction": "deny", "rules": [ { "source": "frontend", "destination": "orders", "action": "allow" } ], "version": 0 }""");
    }

    private async Task PutAsync(string path, string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        var response = await Client.PutAsync(path, content);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private async Task<JsonNode> ExportAsync() => JsonNode.Parse(await Client.GetStringAsync("/api/config/export"))!;

    private async Task<JsonNode> ApplyAsync(JsonNode config, bool dryRun = false, bool prune = false, string? reason = null, string diffFormat = "json")
    {
        var response = await Client.PostAsJsonAsync("/api/config/apply", new { config, dryRun, prune, reason, diffFormat });
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return JsonNode.Parse(text)!;
    }

    private async Task<HttpResponseMessage> PostAsync(string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        return await Client.PostAsync("/api/config/apply", content);
    }

    private static List<JsonNode> Changes(JsonNode answer) => [.. answer["changes"]!.AsArray().Select(c => c!)];

    private static string Describe(JsonNode change) =>
        $"{change["kind"]!.GetValue<string>()} {change["target"]!.GetValue<string>()} {change["action"]!.GetValue<string>()}";
}
