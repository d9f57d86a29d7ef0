using Mesh.Store.Accounts;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mesh.Store;

/// <summary>Brings the store's schema up to date before the console serves anything.</summary>
internal sealed partial class StoreMigrator(
    IServiceScopeFactory scopes, IOptions<StoreOptions> options, ILogger<StoreMigrator> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var store = options.Value;
        if (!store.IsPostgres)
            PrepareSqliteFolder(store);
        if (!store.ApplyMigrations)
        {
            LogSkipped(logger);
            return;
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MeshDbContext>();
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken).ConfigureAwait(false)).ToList();
        await db.Database.MigrateAsync(cancellationToken).ConfigureAwait(false);
        // Users and API tokens have their own context and history on the same database.
        var accounts = scope.ServiceProvider.GetRequiredService<AccountsDbContext>();
        pending.AddRange(await accounts.Database.GetPendingMigrationsAsync(cancellationToken).ConfigureAwait(false));
        await accounts.Database.MigrateAsync(cancellationToken).ConfigureAwait(false);
        if (!store.IsPostgres)
        {
            // WAL lets the console's readers go on while a write commits; the mode persists in the file.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken).ConfigureAwait(false);
        }

        LogMigrated(logger, store.IsPostgres ? StoreProviders.Postgres : StoreProviders.Sqlite, pending.Count);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static void PrepareSqliteFolder(StoreOptions store)
    {
        var dataSource = new SqliteConnectionStringBuilder(store.EffectiveConnectionString).DataSource;
        var folder = Path.GetDirectoryName(Path.GetFullPath(dataSource));
        if (!string.IsNullOrEmpty(folder) && dataSource != ":memory:")
            Directory.CreateDirectory(folder);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Store ready on {Provider}; {Count} migration(s) applied")]
    private static partial void LogMigrated(ILogger logger, string provider, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Mesh:ApplyMigrations is off: the schema is assumed current")]
    private static partial void LogSkipped(ILogger logger);
}
