using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Mesh.Store;
using Mesh.Store.Accounts;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace MeshConsole.Tests.Accounts;

/// <summary>API tokens end to end, once on SQLite and once on Postgres.</summary>
public abstract class ApiTokenSuite(string provider) : IAsyncLifetime
{
    private AccountsConsole _console = null!;

    public async Task InitializeAsync() => _console = await AccountsConsole.StartAsync(provider);

    public async Task DisposeAsync() => await _console.DisposeAsync();

    [Fact]
    public async Task Request_ExpiredToken_401WithTheReason()
    {
        var owner = await _console.CreateUserAsync("carol", "operator", "a-long-enough-password");
        var expired = await _console.AddTokenAsync(owner, "old", "operator", DateTimeOffset.UtcNow.AddMinutes(-1));
        using var client = _console.Client(expired);

        var response = await client.GetAsync("/api/services");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var challenge = response.Headers.WwwAuthenticate.ToString();
        Assert.Contains("error=\"invalid_token\"", challenge, StringComparison.Ordinal);
        Assert.Contains("the API token 'old' expired at", challenge, StringComparison.Ordinal);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Request_RevokedToken_401WithTheReason()
    {
        using var admin = _console.Client(_console.Tokens["operator"]);
        var mine = await admin.GetFromJsonAsync<JsonElement>("/api/tokens");
        var id = mine.EnumerateArray().Single().GetProperty("id").GetInt64();

        var revoke = await admin.DeleteAsync($"/api/tokens/{id}");
        var after = await admin.GetAsync("/api/services");

        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        Assert.Contains("the API token 'operator-token' was revoked at", after.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Bearer mat_tooShort", "is not a MeshConsole API token")]
    [InlineData("Bearer mat_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "the API token is unknown")]
    public async Task Request_BadBearer_401WithTheReason(string header, string reason)
    {
        using var client = _console.Client(null);
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", header);

        var response = await client.GetAsync("/api/services");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains(reason, response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_RoleAboveTheCallers_RefusedNamingRole()
    {
        using var viewer = _console.Client(_console.Tokens["viewer"]);

        var response = await viewer.PostAsJsonAsync("/api/tokens", new { name = "sneaky", role = "admin", expiresAt = DateTimeOffset.UtcNow.AddDays(1) });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Contains("above your own role 'viewer'", errors.GetProperty("role")[0].GetString(), StringComparison.Ordinal);
        await using var scope = _console.Factory.Services.CreateAsyncScope();
        Assert.DoesNotContain(await scope.ServiceProvider.GetRequiredService<ApiTokenStore>().ListAsync(), t => t.Name == "sneaky");
    }

    [Fact]
    public async Task Token_OwnerDemotedAfterwards_ActsWithTheOwnersRoleOnly()
    {
        var owner = await _console.CreateUserAsync("dave", "operator", "a-long-enough-password");
        var token = await _console.AddTokenAsync(owner, "daves", "operator", DateTimeOffset.UtcNow.AddDays(1));
        using var admin = _console.Client(_console.Tokens["admin"]);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PutAsJsonAsync("/api/users/dave/role", new { role = "viewer" })).StatusCode);
        using var client = _console.Client(token);

        var write = await client.PutAsJsonAsync("/api/services/orders", new { owner = "t", version = 0 });

        Assert.Equal(HttpStatusCode.Forbidden, write.StatusCode);
    }

    [Fact]
    public async Task WhoAmI_Token_NamesItsOwnerExpiryAndTheLowerOfTheTwoRoles()
    {
        var owner = await _console.CreateUserAsync("erin", "operator", "a-long-enough-password");
        var expires = new DateTimeOffset(2099, 1, 2, 3, 4, 5, TimeSpan.Zero);
        var token = await _console.AddTokenAsync(owner, "erins", "admin", expires);
        using var client = _console.Client(token);

        var me = await client.GetFromJsonAsync<JsonElement>("/api/whoami");

        Assert.Equal("token:erins", me.GetProperty("name").GetString());
        // The token was made for admin, but it never acts above its owner.
        Assert.Equal("operator", me.GetProperty("role").GetString());
        Assert.Equal("erin", me.GetProperty("owner").GetString());
        Assert.Equal(expires, me.GetProperty("expiresAt").GetDateTimeOffset());
    }

    [Theory]
    [InlineData("{\"name\":\"x y\",\"role\":\"viewer\",\"expiresAt\":\"2099-01-01T00:00:00Z\"}", "name", "letters, digits")]
    [InlineData("{\"name\":\"ok\",\"role\":\"root\",\"expiresAt\":\"2099-01-01T00:00:00Z\"}", "role", "one of viewer, operator, admin")]
    [InlineData("{\"name\":\"ok\",\"role\":\"viewer\"}", "expiresAt", "is required")]
    [InlineData("{\"name\":\"ok\",\"role\":\"viewer\",\"expiresAt\":\"2001-01-01T00:00:00Z\"}", "expiresAt", "in the future")]
    [InlineData("{\"name\":\"ok\",\"role\":\"viewer\",\"expiresAt\":\"2099-01-01T00:00:00Z\"}", "expiresAt", "at most 365 days")]
    public async Task Create_BadField_422NamingIt(string body, string field, string reason)
    {
        using var admin = _console.Client(_console.Tokens["admin"]);

        var response = await admin.PostAsync("/api/tokens", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Contains(reason, errors.GetProperty(field)[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_ThenUse_ValueShownOnceAndWritesRecordTheTokenAsActor()
    {
        using var operatorClient = _console.Client(_console.Tokens["operator"]);
        var created = await operatorClient.PostAsJsonAsync("/api/tokens", new { name = "deploy-bot", role = "operator", expiresAt = DateTimeOffset.UtcNow.AddDays(30) });
        var value = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("value").GetString();
        using var bot = _console.Client(value);

        var write = await bot.PutAsJsonAsync("/api/services/orders", new { owner = "t", version = 0 });
        var listed = await operatorClient.GetStringAsync("/api/tokens");

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.True(TokenFormat.IsWellFormed(value, TokenFormat.ApiTokenPrefix));
        Assert.Equal(HttpStatusCode.Created, write.StatusCode);
        var revision = await bot.GetFromJsonAsync<JsonElement>("/api/revisions/1");
        Assert.Equal("token:deploy-bot", revision.GetProperty("actor").GetString());
        Assert.DoesNotContain(value!, listed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_AdminSeesEveryones_OthersOnlyTheirOwn()
    {
        using var admin = _console.Client(_console.Tokens["admin"]);
        using var viewer = _console.Client(_console.Tokens["viewer"]);

        var all = (await admin.GetFromJsonAsync<JsonElement>("/api/tokens")).EnumerateArray().Select(t => t.GetProperty("name").GetString()).ToList();
        var own = (await viewer.GetFromJsonAsync<JsonElement>("/api/tokens")).EnumerateArray().Select(t => t.GetProperty("name").GetString()).ToList();

        Assert.Equal(["bootstrap", "viewer-token", "operator-token"], all);
        Assert.Equal(["viewer-token"], own);
    }

    [Fact]
    public async Task Revoke_AnotherUsersToken_NotFoundAndStillValid()
    {
        using var viewer = _console.Client(_console.Tokens["viewer"]);
        await using var scope = _console.Factory.Services.CreateAsyncScope();
        var bootstrap = (await scope.ServiceProvider.GetRequiredService<ApiTokenStore>().ListAsync()).Single(t => t.Name == "bootstrap");

        var response = await viewer.DeleteAsync($"/api/tokens/{bootstrap.Id}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        using var admin = _console.Client(_console.Tokens["admin"]);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/services")).StatusCode);
    }

    [Fact]
    public async Task Token_OwnerDeleted_Refused()
    {
        var owner = await _console.CreateUserAsync("erin", "viewer", "a-long-enough-password");
        var token = await _console.AddTokenAsync(owner, "erins", "viewer", DateTimeOffset.UtcNow.AddDays(1));
        await using (var scope = _console.Factory.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ConsoleUser>>();
            await users.DeleteAsync((await users.FindByNameAsync("erin"))!);
        }

        using var client = _console.Client(token);

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/services")).StatusCode);
    }
}

public sealed class SqliteApiTokenTests() : ApiTokenSuite(StoreProviders.Sqlite);

public sealed class PostgresApiTokenTests() : ApiTokenSuite(StoreProviders.Postgres);
