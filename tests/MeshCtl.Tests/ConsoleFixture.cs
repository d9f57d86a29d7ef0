using System.Net.Http.Json;
using System.Text.Json;
using Mesh.Store;
using Mesh.Testing;

namespace MeshCtl.Tests;

/// <summary>One real console on loopback (SQLite) for a test class, and an admin client of its REST API.</summary>
public sealed class ConsoleFixture : IAsyncLifetime
{
    private TestDatabase _database = null!;

    public KestrelConsole Console { get; private set; } = null!;

    public HttpClient Api { get; private set; } = null!;

    public string Server => Console.HttpAddress.ToString().TrimEnd('/');

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync(StoreProviders.Sqlite);
        Console = new KestrelConsole(_database, new Dictionary<string, string> { ["Mesh:ControlPlane:PushDebounce"] = "00:00:00.020" });
        Console.StartServer();
        Api = Console.CreateHttpClient();
    }

    public async Task DisposeAsync()
    {
        Api.Dispose();
        await Console.DisposeAsync();
        await _database.DisposeAsync();
    }

    /// <summary>Makes an API token through REST (as the bootstrap admin) and gives its value.</summary>
    public async Task<string> CreateTokenAsync(string name, string role)
    {
        var response = await Api.PostAsJsonAsync("api/tokens", new { name, role, expiresAt = DateTimeOffset.UtcNow.AddDays(1) });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("value").GetString()!;
    }

    /// <summary>The latest revision number, from the history.</summary>
    public async Task<long> LatestRevisionAsync()
    {
        var page = JsonDocument.Parse(await Api.GetStringAsync("api/revisions?pageSize=1")).RootElement;
        var items = page.GetProperty("items");
        return items.GetArrayLength() == 0 ? 0 : items[0].GetProperty("number").GetInt64();
    }

    /// <summary>A meshctl whose environment names this console and the admin token.</summary>
    public Ctl Ctl() => new(new Dictionary<string, string>
    {
        ["MESHCTL_SERVER"] = Server,
        ["MESHCTL_TOKEN"] = TestAccounts.ApiToken,
    });
}
