using Mesh.Store;
using Mesh.Store.Accounts;
using Mesh.Testing;
using MeshConsole.Accounts.SingleSignOn;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace MeshConsole.Tests.Accounts.SingleSignOn;

/// <summary>The test identity provider and a console on Kestrel that signs in through it; shared by one test class.</summary>
public class SsoConsole : IAsyncLifetime
{
    private readonly string _store;

    public SsoConsole()
        : this(StoreProviders.Sqlite)
    {
    }

    protected SsoConsole(string store) => _store = store;

    public const string DisplayName = "Sign in with the test provider";
    private const string Key = OidcSignInOptions.Section + ":";

    private TestDatabase _database = null!;

    public TestIdentityProvider Provider { get; private set; } = null!;

    public KestrelConsole Console { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Provider = await TestIdentityProvider.StartAsync();
        _database = await TestDatabase.CreateAsync(_store);
        Console = new KestrelConsole(_database, new Dictionary<string, string>
        {
            [Key + "Authority"] = Provider.Issuer,
            [Key + "RequireHttpsMetadata"] = "false",
            [Key + "ClientId"] = TestIdentityProvider.ClientId,
            [Key + "ClientSecret"] = TestIdentityProvider.ClientSecret,
            [Key + "DisplayName"] = DisplayName,
            [Key + "RoleMap:mesh-admins"] = "admin",
            [Key + "RoleMap:mesh-operators"] = "operator",
            [Key + "RoleMap:mesh-viewers"] = "viewer",
        });
        Console.StartServer();
        Provider.RedirectUri = new Uri(Console.HttpAddress, OidcSignInOptions.CallbackPath);
    }

    public async Task DisposeAsync()
    {
        await Console.DisposeAsync();
        await _database.DisposeAsync();
        await Provider.DisposeAsync();
    }

    /// <summary>Back to a provider that signs in as <paramref name="user"/> with a good key and no error.</summary>
    public void SignInAs(TestIdentityUser user)
    {
        Provider.User = user;
        Provider.Error = null;
        Provider.SignWithForeignKey = false;
    }

    /// <summary>The console user linked to the provider's subject, with their roles; null when there is none.</summary>
    public async Task<(ConsoleUser User, IList<string> Roles)?> LinkedUserAsync(string subject)
    {
        await using var scope = Console.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ConsoleUser>>();
        var user = await users.FindByLoginAsync(Provider.Issuer, subject);
        return user is null ? null : (user, await users.GetRolesAsync(user));
    }

    public async Task<int> UserCountAsync()
    {
        await using var scope = Console.Services.CreateAsyncScope();
        return scope.ServiceProvider.GetRequiredService<UserManager<ConsoleUser>>().Users.Count();
    }
}

/// <summary>The same on Postgres, where replicas share the user and login tables.</summary>
public sealed class PostgresSsoConsole() : SsoConsole(StoreProviders.Postgres);
