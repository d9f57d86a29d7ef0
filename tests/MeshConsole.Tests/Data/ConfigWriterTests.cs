using System.Security.Claims;
using Mesh.Policy.Access;
using Mesh.Policy.Documents;
using Mesh.Policy.Routing;
using Mesh.Store;
using MeshConsole.Data;
using Microsoft.Extensions.DependencyInjection;

namespace MeshConsole.Tests.Data;

public sealed class ConfigWriterTests : PageTestContext
{
    private static readonly ClaimsPrincipal _alice = new(new ClaimsIdentity([new Claim(ClaimTypes.Name, "alice")], "test"));

    private static readonly RoutePolicy _canary = new()
    {
        Subsets = [new Subset { Name = "v1", Labels = new Dictionary<string, string> { ["version"] = "v1" } },
                   new Subset { Name = "v2", Labels = new Dictionary<string, string> { ["version"] = "v2" } }],
        Rules = [new RouteRule { Destinations = [new WeightedDestination { Subset = "v1", Weight = 90 }, new WeightedDestination { Subset = "v2", Weight = 10 }] }],
    };

    private ConfigWriter Writer => Services.GetRequiredService<ConfigWriter>();

    [Fact]
    public async Task PutAsync_Viewer_ForbiddenAndNothingWritten()
    {
        await SeedServiceAsync();

        var write = await Writer.PutAsync(_alice, ConfigKind.Routes, "orders", _canary, 0, "shift traffic");

        Assert.True(write.IsForbidden);
        Assert.Contains("operator", write.Message, StringComparison.Ordinal);
        Assert.Null(await ReadAsync(ConfigKind.Routes));
    }

    [Fact]
    public async Task PutAsync_Operator_WritesRevisionWithActorAndTrimmedReason()
    {
        await SeedServiceAsync();
        AsRole(MeshPolicies.Operator);

        var write = await Writer.PutAsync(_alice, ConfigKind.Routes, "orders", _canary, 0, "  shift 10 % to v2 ");

        Assert.True(write.Succeeded);
        Assert.Equal("alice", write.Revision!.Actor);
        Assert.Equal("shift 10 % to v2", write.Revision.Reason);
        Assert.Equal(1, (await ReadAsync(ConfigKind.Routes))!.Version);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task PutAsync_NoReason_FieldErrorAndNothingWritten(string reason)
    {
        await SeedServiceAsync();
        AsRole(MeshPolicies.Operator);

        var write = await Writer.PutAsync(_alice, ConfigKind.Routes, "orders", _canary, 0, reason);

        Assert.False(write.Succeeded);
        Assert.Equal("reason", Assert.Single(write.Errors).Field);
        Assert.Null(await ReadAsync(ConfigKind.Routes));
    }

    [Fact]
    public async Task PutAsync_ReasonTooLong_FieldError()
    {
        await SeedServiceAsync();
        AsRole(MeshPolicies.Operator);

        var write = await Writer.PutAsync(_alice, ConfigKind.Routes, "orders", _canary, 0, new string('x', ConfigRequest.MaxReasonLength + 1));

        Assert.Equal("reason", Assert.Single(write.Errors).Field);
    }

    [Fact]
    public async Task PutAsync_InvalidSpec_ErrorsNameTheFieldsAndNothingWritten()
    {
        await SeedServiceAsync();
        AsRole(MeshPolicies.Operator);
        var broken = _canary with
        {
            Rules = [new RouteRule { Destinations = [new WeightedDestination { Subset = "v1", Weight = 90 }, new WeightedDestination { Subset = "v2", Weight = 20 }] }],
        };

        var write = await Writer.PutAsync(_alice, ConfigKind.Routes, "orders", broken, 0, "");

        Assert.Contains(write.Errors, e => e.Field == "reason");
        Assert.Contains(write.Errors, e => e.Field == "rules[0].destinations" && e.Reason.Contains("110", StringComparison.Ordinal));
        Assert.Null(await ReadAsync(ConfigKind.Routes));
    }

    [Fact]
    public async Task PutAsync_StaleVersion_ConflictCarriesTheOtherWritersDocument()
    {
        await SeedServiceAsync();
        AsRole(MeshPolicies.Operator);
        await Writer.PutAsync(_alice, ConfigKind.Routes, "orders", _canary, 0, "first");
        await Writer.PutAsync("bob", ConfigKind.Routes, "orders", _canary with { Mirror = new Mirror { Subset = "v2", Percent = 5 } }, 1, "mirror");

        var fiftyFifty = _canary with
        {
            Rules = [new RouteRule { Destinations = [new WeightedDestination { Subset = "v1", Weight = 50 }, new WeightedDestination { Subset = "v2", Weight = 50 }] }],
        };

        var write = await Writer.PutAsync(_alice, ConfigKind.Routes, "orders", fiftyFifty, 1, "stale edit");

        Assert.True(write.IsConflict, write.Message);
        Assert.Equal(2, write.Current!.Version);
        Assert.Equal("bob", write.Current.UpdatedBy);
        Assert.Equal(2, (await ReadAsync(ConfigKind.Routes))!.Version);
    }

    [Fact]
    public async Task PutAsync_AccessAsOperator_ForbiddenButAdminWrites()
    {
        AsRole(MeshPolicies.Operator);
        var deny = new AccessPolicy { DefaultAction = AccessAction.Deny };

        var refused = await Writer.PutAsync(_alice, ConfigKind.Access, ConfigKinds.MeshTarget, deny, 0, "lock down");
        AsRole(MeshPolicies.Admin);
        var written = await Writer.PutAsync(_alice, ConfigKind.Access, ConfigKinds.MeshTarget, deny, 0, "lock down");

        Assert.True(refused.IsForbidden);
        Assert.Contains("admin", refused.Message, StringComparison.Ordinal);
        Assert.True(written.Succeeded);
    }

    [Fact]
    public async Task PutAsync_WorkflowActor_RecordedAsGiven()
    {
        await SeedServiceAsync();

        var write = await Writer.PutAsync("alice (rollout 3)", ConfigKind.Routes, "orders", _canary, 0, "step 2 of 4");

        Assert.Equal("alice (rollout 3)", write.Revision!.Actor);
    }

    [Fact]
    public async Task RevertAsync_Operator_NewRevisionRestoringTheEarlierState()
    {
        await SeedServiceAsync();
        AsRole(MeshPolicies.Operator);
        var first = await Writer.PutAsync(_alice, ConfigKind.Routes, "orders", _canary, 0, "canary");

        var revert = await Writer.RevertAsync(_alice, first.Revision!.Number, "canary misbehaves", force: false);

        Assert.True(revert.Succeeded);
        Assert.Equal(first.Revision.Number, revert.Revision!.RevertOf);
        Assert.Equal("canary misbehaves", revert.Revision.Reason);
        Assert.Null(await ReadAsync(ConfigKind.Routes));
    }

    [Fact]
    public async Task RevertAsync_AccessRevisionAsOperator_Forbidden()
    {
        AsRole(MeshPolicies.Admin);
        var written = await Writer.PutAsync(_alice, ConfigKind.Access, ConfigKinds.MeshTarget, new AccessPolicy { DefaultAction = AccessAction.Deny }, 0, "lock down");
        AsRole(MeshPolicies.Operator);

        var revert = await Writer.RevertAsync(_alice, written.Revision!.Number, "undo", force: false);

        Assert.True(revert.IsForbidden);
        Assert.NotNull(await ReadAsync(ConfigKind.Access, ConfigKinds.MeshTarget));
    }

    [Fact]
    public async Task RevertAsync_UnknownRevision_NotFound()
    {
        AsRole(MeshPolicies.Operator);

        var revert = await Writer.RevertAsync(_alice, 99, "undo", force: false);

        Assert.Equal(WriteStatus.NotFound, revert.Result!.Status);
        Assert.Contains("99", revert.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EditAsync_AnotherWriterInBetween_ReadsAgainAndKeepsTheirChange()
    {
        await SeedServiceAsync();
        await Writer.PutAsync("bob", ConfigKind.Routes, "orders", _canary, 0, "canary");
        var calls = 0;

        var write = await Writer.EditAsync<RoutePolicy>(ConfigKind.Routes, "orders", attempts: 3, async (current, version) =>
        {
            if (++calls == 1)
                await Writer.PutAsync("bob", ConfigKind.Routes, "orders", current! with { Mirror = new Mirror { Subset = "v2", Percent = 5 } }, version, "mirror");
            var fifty = current! with { Rules = [new RouteRule { Destinations = [new WeightedDestination { Subset = "v1", Weight = 50 }, new WeightedDestination { Subset = "v2", Weight = 50 }] }] };
            return await Writer.PutAsync("alice (rollout 1)", ConfigKind.Routes, "orders", fifty, version, "step 2");
        });

        Assert.Equal(2, calls);
        Assert.True(write!.Succeeded);
        var stored = ConfigDocuments.Deserialize<RoutePolicy>((await ReadAsync(ConfigKind.Routes))!.Spec);
        Assert.Equal(5, stored.Mirror!.Percent);
        Assert.Equal(50, stored.Rules[0].Destinations[1].Weight);
    }

    [Fact]
    public async Task EditAsync_NothingToWrite_NullAndNoRevision()
    {
        await SeedServiceAsync();

        var write = await Writer.EditAsync<RoutePolicy>(ConfigKind.Routes, "orders", attempts: 3, (current, version) =>
        {
            Assert.Null(current);
            Assert.Equal(0, version);
            return Task.FromResult<ConfigWrite?>(null);
        });

        Assert.Null(write);
        Assert.Null(await ReadAsync(ConfigKind.Routes));
    }

    private void AsRole(string role)
    {
        var policies = role switch
        {
            MeshPolicies.Admin => new[] { MeshPolicies.Viewer, MeshPolicies.Operator, MeshPolicies.Admin },
            MeshPolicies.Operator => [MeshPolicies.Viewer, MeshPolicies.Operator],
            _ => [MeshPolicies.Viewer],
        };
        Authorization.SetRoles(role);
        Authorization.SetPolicies(policies);
    }

    private Task<WriteResult> SeedServiceAsync() => WriteAsync(ConfigKind.Service, "orders", """{"owner":"team-orders"}""");

    private Task<Mesh.Store.Entities.ConfigObject?> ReadAsync(ConfigKind kind, string target = "orders") =>
        Services.GetRequiredService<StoreAccess>().ReadAsync(s => s.GetAsync(kind, target));
}
