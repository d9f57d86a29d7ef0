using System.Net;
using System.Net.Http.Json;
using Mesh.Store;

namespace MeshConsole.Tests.Accounts;

/// <summary>A revert is an operator's, except of an access revision: that changes who may call whom.</summary>
public sealed class RevertAuthorizationTests : IAsyncLifetime
{
    private AccountsConsole _console = null!;

    public async Task InitializeAsync() => _console = await AccountsConsole.StartAsync(StoreProviders.Sqlite);

    public async Task DisposeAsync() => await _console.DisposeAsync();

    [Fact]
    public async Task Revert_AccessRevision_OperatorForbiddenAdminAllowed()
    {
        using var admin = _console.Client(_console.Tokens["admin"]);
        using var operatorClient = _console.Client(_console.Tokens["operator"]);
        var write = await admin.PutAsJsonAsync("/api/access", new { defaultAction = "allow", version = 0 });
        Assert.Equal(HttpStatusCode.Created, write.StatusCode);

        var byOperator = await operatorClient.PostAsync("/api/revisions/1/revert", null);
        var byAdmin = await admin.PostAsync("/api/revisions/1/revert", null);

        Assert.Equal(HttpStatusCode.Forbidden, byOperator.StatusCode);
        Assert.True(byAdmin.IsSuccessStatusCode, await byAdmin.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Revert_ServiceRevision_OperatorAllowed()
    {
        using var operatorClient = _console.Client(_console.Tokens["operator"]);
        Assert.Equal(HttpStatusCode.Created, (await operatorClient.PutAsJsonAsync("/api/services/orders", new { owner = "t", version = 0 })).StatusCode);

        var revert = await operatorClient.PostAsync("/api/revisions/1/revert", null);

        Assert.True(revert.IsSuccessStatusCode, await revert.Content.ReadAsStringAsync());
    }
}
