using Mesh.Store;
using Mesh.Testing;

namespace MeshConsole.Tests;

/// <summary>A test class with its own console over a fresh SQLite store and a client sending the bootstrap admin token.</summary>
public abstract class ConsoleApiTest : IAsyncLifetime
{
    protected TestDatabase Database { get; private set; } = null!;

    protected ConsoleFactory Factory { get; private set; } = null!;

    protected HttpClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync(StoreProviders.Sqlite);
        Factory = new ConsoleFactory(Database);
        Client = Factory.CreateClient();
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Factory.DisposeAsync();
        await Database.DisposeAsync();
    }
}
