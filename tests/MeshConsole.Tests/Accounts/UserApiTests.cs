using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Mesh.Store;

namespace MeshConsole.Tests.Accounts;

public sealed class UserApiTests : IAsyncLifetime
{
    private AccountsConsole _console = null!;
    private HttpClient _admin = null!;

    public async Task InitializeAsync()
    {
        _console = await AccountsConsole.StartAsync(StoreProviders.Sqlite);
        _admin = _console.Client(_console.Tokens["admin"]);
    }

    public async Task DisposeAsync()
    {
        _admin.Dispose();
        await _console.DisposeAsync();
    }

    [Fact]
    public async Task Create_ThenList_UserWithItsRole()
    {
        var created = await _admin.PostAsJsonAsync("/api/users", new { userName = "frank", role = "operator", password = "a-long-enough-password" });

        var users = await _admin.GetFromJsonAsync<JsonElement>("/api/users");

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Contains(users.EnumerateArray(), u => u.GetProperty("userName").GetString() == "frank" && u.GetProperty("role").GetString() == "operator");
    }

    [Theory]
    [InlineData("{\"userName\":\"grace\",\"role\":\"viewer\",\"password\":\"short\"}", "password", "at least 12")]
    [InlineData("{\"userName\":\"\",\"role\":\"viewer\",\"password\":\"a-long-enough-password\"}", "userName", "letters, digits")]
    [InlineData("{\"userName\":\"grace\",\"role\":\"owner\",\"password\":\"a-long-enough-password\"}", "role", "one of viewer, operator, admin")]
    public async Task Create_BadField_422NamingItAndNoUser(string body, string field, string reason)
    {
        var response = await _admin.PostAsync("/api/users", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Contains(reason, errors.GetProperty(field)[0].GetString(), StringComparison.Ordinal);
        var users = await _admin.GetFromJsonAsync<JsonElement>("/api/users");
        Assert.DoesNotContain(users.EnumerateArray(), u => u.GetProperty("userName").GetString() == "grace");
    }

    [Theory]
    [InlineData("{\"userName\": 7}", "userName")]
    [InlineData("not json", "$")]
    public async Task Create_MalformedBody_400NamingTheField(string body, string field)
    {
        var response = await _admin.PostAsync("/api/users", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Contains("malformed", errors.GetProperty(field)[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DemoteOrDelete_LastAdmin_409AndStillAdmin()
    {
        var demote = await _admin.PutAsJsonAsync("/api/users/admin/role", new { role = "viewer" });
        var delete = await _admin.DeleteAsync("/api/users/admin");

        Assert.Equal(HttpStatusCode.Conflict, demote.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, delete.StatusCode);
        Assert.Contains("last admin", await delete.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await _admin.GetAsync("/api/users")).StatusCode);
    }

    [Fact]
    public async Task Delete_UserWithTokens_TheirTokensStopWorking()
    {
        using var viewer = _console.Client(_console.Tokens["viewer"]);
        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync("/api/services")).StatusCode);

        var delete = await _admin.DeleteAsync("/api/users/viewer-user");

        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await viewer.GetAsync("/api/services")).StatusCode);
    }

    [Fact]
    public async Task ResetPasswordAndUnlock_UnknownUser_404()
    {
        var reset = await _admin.PutAsJsonAsync("/api/users/nobody/password", new { password = "a-long-enough-password" });
        var unlock = await _admin.PostAsync("/api/users/nobody/unlock", null);

        Assert.Equal(HttpStatusCode.NotFound, reset.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unlock.StatusCode);
    }
}
