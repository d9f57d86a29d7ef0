using Mesh.Store.Accounts;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Mesh.Store;

/// <summary>
/// Brings the store's schema up to date: at the console's start (<c>Mesh:ApplyMigrations</c>) or as a
/// deployment step of its own (<c>MeshConsole migrate</c>). On Postgres, migrators take turns under an
/// advisory lock, so replicas starting together (or a migration Job beside them) apply each migration once.
/// </summary>
public static class StoreSchema
{
    /// <summary>The advisory lock's key: "MESH" in ASCII, one key for every MeshConsole store.</summary>
    private const long MigrationLockKey = 0x4D455348;

    /// <summary>Applies the pending migrations of both contexts; returns how many were applied.</summary>
    public static async Task<int> MigrateAsync(IServiceProvider services, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(services);
        var store = services.GetRequiredService<IOptions<StoreOptions>>().Value;
        PrepareFolder(store);
        await using var turn = await TakeTurnAsync(store, ct).ConfigureAwait(false);
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MeshDbContext>();
        var pending = await PendingAsync(db, ct).ConfigureAwait(false);
        await db.Database.MigrateAsync(ct).ConfigureAwait(false);
        // Users and API tokens have their own context and history on the same database.
        var accounts = scope.ServiceProvider.GetRequiredService<AccountsDbContext>();
        pending += await PendingAsync(accounts, ct).ConfigureAwait(false);
        await accounts.Database.MigrateAsync(ct).ConfigureAwait(false);
        if (!store.IsPostgres)
        {
            // WAL lets the console's readers go on while a write commits; the mode persists in the file.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct).ConfigureAwait(false);
        }

        return pending;
    }

    /// <summary>
    /// The migrations not applied yet. The history table is made first when missing (we hold the migration
    /// lock): on Postgres, EF Core otherwise reads the missing table of a fresh database and logs the expected
    /// error as a failed command (npgsql/efcore.pg#3407), which reads like a broken first start.
    /// </summary>
    private static async Task<int> PendingAsync(DbContext db, CancellationToken ct)
    {
        if (db.Database.IsNpgsql())
            await db.Database.ExecuteSqlRawAsync(db.GetService<IHistoryRepository>().GetCreateIfNotExistsScript(), ct).ConfigureAwait(false);
        return (await db.Database.GetPendingMigrationsAsync(ct).ConfigureAwait(false)).Count();
    }

    /// <summary>
    /// On Postgres, waits for the migration lock and holds it until the returned connection is disposed.
    /// EF Core's own lock on the history table did not keep two migrators of a fresh database apart
    /// (42P07 "relation already exists", seen in StoreSchemaTests). The connection is unpooled, so
    /// closing it ends the session and frees the lock even when migrating fails.
    /// </summary>
    private static async Task<NpgsqlConnection?> TakeTurnAsync(StoreOptions store, CancellationToken ct)
    {
        if (!store.IsPostgres)
            return null;
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(store.ConnectionString) { Pooling = false }.ConnectionString);
        try
        {
            await connection.OpenAsync(ct).ConfigureAwait(false);
            await using var command = new NpgsqlCommand("SELECT pg_advisory_lock(@key)", connection);
            command.Parameters.AddWithValue("key", MigrationLockKey);
            await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Makes the folder of the SQLite file; Postgres needs nothing.</summary>
    public static void PrepareFolder(StoreOptions store)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (store.IsPostgres)
            return;
        var dataSource = new SqliteConnectionStringBuilder(store.EffectiveConnectionString).DataSource;
        var folder = Path.GetDirectoryName(Path.GetFullPath(dataSource));
        if (!string.IsNullOrEmpty(folder) && dataSource != ":memory:")
            Directory.CreateDirectory(folder);
    }
}
