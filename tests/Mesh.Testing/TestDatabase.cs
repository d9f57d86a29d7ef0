using Mesh.Store;
using Mesh.Store.Accounts;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Mesh.Testing;

/// <summary>
/// A fresh, migrated store of its own for one test class: a SQLite file in a temp folder, or a new
/// database in the Postgres cluster that test.sh starts (its address in MESH_TEST_POSTGRES).
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    public const string PostgresVariable = "MESH_TEST_POSTGRES";

    private readonly string? _folder;
    private readonly string? _adminConnection;
    private readonly string? _databaseName;

    private TestDatabase(StoreOptions options, string? folder, string? adminConnection, string? databaseName)
    {
        Options = options;
        _folder = folder;
        _adminConnection = adminConnection;
        _databaseName = databaseName;
    }

    public StoreOptions Options { get; }

    public string Provider => Options.IsPostgres ? StoreProviders.Postgres : StoreProviders.Sqlite;

    public static async Task<TestDatabase> CreateAsync(string provider)
    {
        TestDatabase database;
        if (provider == StoreProviders.Postgres)
        {
            var admin = Environment.GetEnvironmentVariable(PostgresVariable)
                ?? throw new InvalidOperationException(
                    $"{PostgresVariable} is not set: run the tests with ./test.sh, which starts a throwaway Postgres cluster.");
            var name = $"mesh_test_{Guid.NewGuid():N}";
            await using (var connection = new NpgsqlConnection(admin))
            {
                await connection.OpenAsync();
                await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
                await command.ExecuteNonQueryAsync();
            }

            var builder = new NpgsqlConnectionStringBuilder(admin) { Database = name };
            database = new TestDatabase(
                new StoreOptions { Store = StoreProviders.Postgres, ConnectionString = builder.ConnectionString }, null, admin, name);
        }
        else
        {
            var folder = Directory.CreateTempSubdirectory("mesh-test-").FullName;
            database = new TestDatabase(
                new StoreOptions { Store = StoreProviders.Sqlite, DataDirectory = folder }, folder, null, null);
        }

        await using (var db = database.CreateContext())
            await db.Database.MigrateAsync();
        await using (var accounts = database.CreateAccountsContext())
            await accounts.Database.MigrateAsync();
        return database;
    }

    public MeshDbContext CreateContext()
    {
        var builder = new DbContextOptionsBuilder<MeshDbContext>();
        StoreServiceCollectionExtensions.Configure(builder, Options);
        return new MeshDbContext(builder.Options);
    }

    public AccountsDbContext CreateAccountsContext()
    {
        var builder = new DbContextOptionsBuilder<AccountsDbContext>();
        AccountsStoreExtensions.Configure(builder, Options);
        return new AccountsDbContext(builder.Options);
    }

    /// <summary>A store outage (Postgres only): the database refuses new connections and its open ones are ended.</summary>
    public async Task RefuseConnectionsAsync()
    {
        if (_databaseName is null)
            throw new InvalidOperationException("only a Postgres test database can refuse connections");
        await using var connection = new NpgsqlConnection(_adminConnection);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"ALTER DATABASE {_databaseName} WITH ALLOW_CONNECTIONS false; " +
            $"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{_databaseName}'", connection);
        await command.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_databaseName is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(_adminConnection);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_databaseName} WITH (FORCE)", connection);
            await command.ExecuteNonQueryAsync();
        }

        if (_folder is not null)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(_folder, recursive: true);
        }
    }
}
