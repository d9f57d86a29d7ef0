using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mesh.Store;

/// <summary>Brings the store's schema up to date before the console serves anything.</summary>
internal sealed partial class StoreMigrator(
    IServiceProvider services, IOptions<StoreOptions> options, ILogger<StoreMigrator> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var store = options.Value;
        if (!store.ApplyMigrations)
        {
            StoreSchema.PrepareFolder(store);
            LogSkipped(logger);
            return;
        }

        var applied = await StoreSchema.MigrateAsync(services, cancellationToken).ConfigureAwait(false);
        LogMigrated(logger, store.IsPostgres ? StoreProviders.Postgres : StoreProviders.Sqlite, applied);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Store ready on {Provider}; {Count} migration(s) applied")]
    private static partial void LogMigrated(ILogger logger, string provider, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Mesh:ApplyMigrations is off: the schema is assumed current")]
    private static partial void LogSkipped(ILogger logger);
}
