using Mesh.Store;
using Mesh.Store.Entities;
using Microsoft.Extensions.Options;

namespace MeshConsole.Identity;

/// <summary>
/// Keeps the mesh CA alive without an operator: rotates the active CA when
/// <see cref="IdentityOptions.EffectiveRenewCaBefore"/> of its life is left, and retires previous CAs once
/// their overlap ended. The store announces both, so every replica republishes snapshots; replicas racing to
/// rotate make one new CA between them (the rotation expects the generation it replaces).
/// </summary>
internal sealed partial class AuthorityUpkeep(
    IServiceScopeFactory scopes, MeshAuthority authority, IOptions<IdentityOptions> options, TimeProvider time, ILogger<AuthorityUpkeep> logger)
    : BackgroundService
{
    /// <summary>The actor a renewal's CA row and log line name.</summary>
    public const string RenewalActor = "console (CA renewal)";

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
                    var store = scope.ServiceProvider.GetRequiredService<IdentityStore>();
                    await RenewIfDueAsync(store, stoppingToken).ConfigureAwait(false);
                    var retired = await store.RetireDueAsync(time.GetUtcNow(), stoppingToken).ConfigureAwait(false);
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

    private async Task RenewIfDueAsync(IdentityStore store, CancellationToken ct)
    {
        var active = (await store.TrustedAuthoritiesAsync(ct).ConfigureAwait(false)).FirstOrDefault(a => a.State == AuthorityState.Active);
        if (active is null || active.NotAfter - time.GetUtcNow() > options.Value.EffectiveRenewCaBefore)
            return;
        if (await authority.RotateAsync(RenewalActor, ct).ConfigureAwait(false) is { } renewed)
            LogRenewed(logger, active.Generation, active.NotAfter, renewed.Generation);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Mesh CA generation {Generation} expires at {NotAfter}: rotated to generation {Next} by itself")]
    private static partial void LogRenewed(ILogger logger, int generation, DateTimeOffset notAfter, int next);

    [LoggerMessage(Level = LogLevel.Information, Message = "Retired {Count} previous mesh CA(s) whose overlap ended")]
    private static partial void LogRetired(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not renew or retire mesh CAs; trying again")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
