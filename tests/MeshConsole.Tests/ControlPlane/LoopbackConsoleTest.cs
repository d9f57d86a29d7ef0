using Mesh.Store;
using Mesh.Testing;

namespace MeshConsole.Tests.ControlPlane;

/// <summary>
/// A real console on loopback (Kestrel, SQLite) for each test, pushes debounced 20 ms, plus the test's own
/// settings, and an admin client of its REST API.
/// </summary>
public abstract class LoopbackConsoleTest(IReadOnlyDictionary<string, string>? settings = null) : IAsyncLifetime
{
    protected TestDatabase Database { get; private set; } = null!;

    protected KestrelConsole Console { get; private set; } = null!;

    protected HttpClient Api { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync(StoreProviders.Sqlite);
        var all = new Dictionary<string, string> { ["Mesh:ControlPlane:PushDebounce"] = "00:00:00.020" };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
            all[key] = value;
        Console = new KestrelConsole(Database, all);
        Console.StartServer();
        Api = Console.CreateHttpClient();
    }

    public async Task DisposeAsync()
    {
        Api.Dispose();
        await Console.DisposeAsync();
        await Database.DisposeAsync();
    }
}
