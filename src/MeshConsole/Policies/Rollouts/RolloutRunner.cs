using Mesh.Store;

namespace MeshConsole.Policies.Rollouts;

/// <summary>
/// Looks at every running rollout every <see cref="TickEvery"/>. Rollouts live in the store, so a
/// restarted console picks them up where they were; every replica ticks, and the rollout row's version
/// lets only one of them take each step.
/// </summary>
internal sealed partial class RolloutRunner(IServiceScopeFactory scopes, RolloutManager manager, TimeProvider time, ILogger<RolloutRunner> logger) : BackgroundService
{
    /// <summary>Often enough that a step follows its interval within seconds; the gate's figures move per 10-second bucket anyway.</summary>
    public static readonly TimeSpan TickEvery = TimeSpan.FromSeconds(5);

    /// <summary>One look at each running rollout.</summary>
    public async Task TickAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        foreach (var rollout in await scope.ServiceProvider.GetRequiredService<RolloutStore>().RunningAsync(ct).ConfigureAwait(false))
        {
            try
            {
                await manager.StepAsync(rollout, ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // One rollout's trouble (the store briefly away, say) must not stop the others: it is tried again next tick.
                LogStepFailed(logger, rollout.Id, ex);
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TickEvery, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    await TickAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogTickFailed(logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rollout {Id} could not take its step; it is tried again next tick.")]
    private static partial void LogStepFailed(ILogger logger, long id, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The rollouts could not be read; they are tried again next tick.")]
    private static partial void LogTickFailed(ILogger logger, Exception exception);
}
