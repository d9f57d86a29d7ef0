using System.Text.Json.Nodes;
using Mesh.Policy.Documents;
using Mesh.Store.Entities;
using MeshConsole.ConfigAsCode;
using Microsoft.Extensions.Time.Testing;

namespace MeshConsole.Tests.ConfigAsCode;

/// <summary>The plan on its own: what counts as unchanged, and the order changes are written in.</summary>
public sealed class ApplyPlanTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public void StoredFaultPastItsExpiry_RepeatedByTheFile_UnchangedNotInvalid()
    {
        const string fault = """{"faults":[{"name":"slow","delay":{"fixedMs":5,"percent":1},"expiresAt":"2026-11-26T11:00:00+00:00"}]}""";
        var stored = new[] { Stored(ConfigKind.Service, "orders", """{"owner":"team"}"""), Stored(ConfigKind.Faults, "orders", fault) };
        var file = JsonNode.Parse($$"""{ "services": { "orders": { "service": {"owner": "team"}, "faults": {{fault}} } } }""");

        var (changes, errors) = ApplyPlan.Make(file, stored, prune: false, new ConfigDocuments(_time));

        Assert.Empty(errors);
        Assert.All(changes, c => Assert.Equal(ApplyAction.Unchanged, c.Action));
    }

    [Fact]
    public void ChangedFaultPastItsExpiry_InvalidNamingTheField()
    {
        var stored = new[] { Stored(ConfigKind.Service, "orders", """{"owner":"team"}""") };
        var file = JsonNode.Parse("""{ "services": { "orders": { "faults": {"faults":[{"name":"slow","delay":{"fixedMs":5,"percent":1},"expiresAt":"2026-11-26T11:00:00Z"}]} } } }""");

        var (_, errors) = ApplyPlan.Make(file, stored, prune: false, new ConfigDocuments(_time));

        Assert.Contains(errors, e => e.Field == "config.services.orders.faults.faults[0].expiresAt");
    }

    [Fact]
    public void ServiceReplacedAndRetired_CreatesFirstDeletesLast()
    {
        var stored = new[]
        {
            Stored(ConfigKind.Service, "legacy", """{"owner":"team"}"""),
            Stored(ConfigKind.Resilience, "legacy", """{"timeoutMs":1000}"""),
        };
        var file = JsonNode.Parse("""{ "services": { "legacy": null, "modern": { "service": {"owner": "team"}, "resilience": {"timeoutMs": 1000} } } }""");

        var (changes, errors) = ApplyPlan.Make(file, stored, prune: false, new ConfigDocuments(_time));

        Assert.Empty(errors);
        Assert.Equal(
            ["Service modern Create", "Resilience legacy Delete", "Resilience modern Create", "Service legacy Delete"],
            changes.Select(c => $"{c.Kind} {c.Target} {c.Action}"));
        Assert.Equal([0L, 1L, 0L, 1L], ApplyPlan.StoreChanges(changes).Select(c => c.ExpectedVersion ?? -1));
    }

    private static ConfigObject Stored(ConfigKind kind, string target, string spec) =>
        new() { Kind = kind, Target = target, Spec = spec, Version = 1, Revision = 1 };
}
