using Mesh.Store;
using Mesh.Store.Accounts;
using MeshConsole.Accounts;
using MeshConsole.Data;
using MeshConsole.Tests.Accounts;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace MeshConsole.Tests.Data;

public sealed class ActorAccessorTests : IAsyncLifetime
{
    private AccountsConsole _console = null!;

    public async Task InitializeAsync() => _console = await AccountsConsole.StartAsync(StoreProviders.Sqlite);

    public async Task DisposeAsync() => await _console.DisposeAsync();

    [Fact]
    public async Task Current_SignedInUser_TheUserName()
    {
        // The principal the sign-in cookie carries, made by Identity's own factory.
        await using var scope = _console.Factory.Services.CreateAsyncScope();
        var signIn = scope.ServiceProvider.GetRequiredService<SignInManager<ConsoleUser>>();
        var user = await signIn.UserManager.FindByNameAsync("operator-user");
        var http = new HttpContextAccessor { HttpContext = new DefaultHttpContext { User = await signIn.CreateUserPrincipalAsync(user!) } };

        Assert.Equal("operator-user", new ActorAccessor(http).Current);
        Assert.Equal(MeshPolicies.Operator, RoleRank.Highest(http.HttpContext.User));
    }

    [Fact]
    public void Current_NoOneSignedIn_Anonymous()
    {
        var http = new HttpContextAccessor { HttpContext = new DefaultHttpContext() };

        Assert.Equal(ActorAccessor.Anonymous, new ActorAccessor(http).Current);
    }
}
