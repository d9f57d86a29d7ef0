using Mesh.Store;
using Microsoft.Extensions.Options;

namespace MeshConsole.Identity;

/// <summary>
/// Retires previous CAs once their overlap ended. The store announces it, so every replica
/// republishes snapshots without the old trust anchor.
/// </summary>
internal sealed partial class AuthorityRetirement(
    IServiceScopeFactory scopes, IOptions<IdentityOptions> options, TimeProvider time, ILogger<AuthorityRetirement> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // A tenth of the overlap, between a second and a minute: late by little, cheap when idle.
        var period = TimeSpan.FromTicks(Math.Clamp(options.Value.RotationOverlap.Ticks / 10, TimeSpan.TicksPerSecond, TimeSpan.TicksPerMinute));
        using var timer = new PeriodicTimer(period, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    await using var scope = scopes.CreateAsyncScope();
                    var retired = await scope.ServiceProvider.GetRequiredService<IdentityStore>().RetireDueAsync(time.GetUtcNow(), stoppingToken).ConfigureAwait(false);
                    if (retired > 0)
                        LogRetired(logger, retired);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogFailed(logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retired {Count} previous mesh CA(s) whose overlap ended")]
    private static partial void LogRetired(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not retire previous mesh CAs; trying again")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
