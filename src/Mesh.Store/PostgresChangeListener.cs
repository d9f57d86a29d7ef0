using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Mesh.Store;

/// <summary>
/// Hears the other replicas: LISTENs on <see cref="ConfigChangeFeed.Channel"/> over its own
/// connection and republishes what arrives on the local feed. After every (re)connect it announces
/// a change, since notifications sent while it was away are lost.
/// </summary>
internal sealed partial class PostgresChangeListener(
    IOptions<StoreOptions> options, ConfigChangeFeed feed, TimeProvider time, ILogger<PostgresChangeListener> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(options.Value.ConnectionString);
                connection.Notification += (_, e) => Deliver(e.Payload);
                await connection.OpenAsync(stoppingToken).ConfigureAwait(false);
                await using (var listen = new NpgsqlCommand($"LISTEN {ConfigChangeFeed.Channel}", connection))
                    await listen.ExecuteNonQueryAsync(stoppingToken).ConfigureAwait(false);
                failures = 0;
                feed.Publish(0);
                feed.PublishRegistryChange();
                feed.PublishIdentityChange();
                while (true)
                    await connection.WaitAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or System.IO.IOException)
            {
                LogLost(logger, ex);
                failures++;
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(10_000, 250 * Math.Pow(2, Math.Min(failures, 8)))), time, stoppingToken)
                    .ConfigureAwait(false);
            }
        }
    }

    private void Deliver(string payload)
    {
        if (payload == ConfigChangeFeed.RegistryPayload)
            feed.PublishRegistryChange();
        else if (payload == ConfigChangeFeed.SyncPayload)
            feed.PublishSyncChange();
        else if (payload == ConfigChangeFeed.IdentityPayload)
            feed.PublishIdentityChange();
        else if (payload.StartsWith(ConfigChangeFeed.ConfigPrefix, StringComparison.Ordinal)
                 && long.TryParse(payload.AsSpan(ConfigChangeFeed.ConfigPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var revision))
            feed.Publish(revision);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lost the LISTEN connection to Postgres; changes made through other replicas arrive late until it is back")]
    private static partial void LogLost(ILogger logger, Exception exception);
}
