using System.Net.Http.Headers;
using Mesh.Store.Accounts;
using Mesh.Testing;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace MeshConsole.Tests.Accounts;

/// <summary>A console with one user and one API token per role, for tests of who may do what.</summary>
public sealed class AccountsConsole : IAsyncDisposable
{
    private readonly TestDatabase _database;

    private AccountsConsole(TestDatabase database, ConsoleFactory factory)
    {
        _database = database;
        Factory = factory;
    }

    public ConsoleFactory Factory { get; }

    /// <summary>API token value per role name; the admin's is the bootstrap token.</summary>
    public Dictionary<string, string> Tokens { get; } = new() { ["admin"] = TestAccounts.ApiToken };

    public static async Task<AccountsConsole> StartAsync(string provider)
    {
        var database = await TestDatabase.CreateAsync(provider);
        var console = new AccountsConsole(database, new ConsoleFactory(database));
        using (console.Factory.CreateClient())
        {
            // Starts the host, so the bootstrap admin exists.
        }

        foreach (var role in new[] { "viewer", "operator" })
        {
            var user = await console.CreateUserAsync($"{role}-user", role, "a-long-enough-password");
            console.Tokens[role] = await console.AddTokenAsync(user, $"{role}-token", role, DateTimeOffset.UtcNow.AddDays(1));
        }

        return console;
    }

    public async Task<ConsoleUser> CreateUserAsync(string name, string role, string password)
    {
        await using var scope = Factory.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ConsoleUser>>();
        var user = new ConsoleUser { UserName = name };
        Assert.True((await users.CreateAsync(user, password)).Succeeded);
        Assert.True((await users.AddToRoleAsync(user, role)).Succeeded);
        return user;
    }

    /// <summary>Stores a token directly, as a test's arrangement (an expired one, say, which the API refuses to make).</summary>
    public async Task<string> AddTokenAsync(ConsoleUser owner, string name, string role, DateTimeOffset expiresAt)
    {
        await using var scope = Factory.Services.CreateAsyncScope();
        var value = TokenFormat.Generate(TokenFormat.ApiTokenPrefix);
        Assert.NotNull(await scope.ServiceProvider.GetRequiredService<ApiTokenStore>()
            .AddAsync(name, owner.Id, role, value, DateTimeOffset.UtcNow.AddDays(-1), expiresAt));
        return value;
    }

    /// <summary>A client sending the given token, or none.</summary>
    public HttpClient Client(string? token)
    {
        var client = Factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Authorization = token is null ? null : new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await Factory.DisposeAsync();
        await _database.DisposeAsync();
    }
}
