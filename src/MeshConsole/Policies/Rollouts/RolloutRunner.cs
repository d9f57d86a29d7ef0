namespace MeshConsole.Policies.Rollouts;

/// <summary>
/// Has the manager look at every running rollout every <see cref="TickEvery"/>. Rollouts live in the store,
/// so a restarted console picks them up where they were; every replica ticks, and the rollout row's version
/// lets only one of them take each step.
/// </summary>
internal sealed partial class RolloutRunner(RolloutManager manager, TimeProvider time, ILogger<RolloutRunner> logger) : BackgroundService
{
    /// <summary>Often enough that a step follows its interval within seconds; the gate's figures move per 10-second bucket anyway.</summary>
    public static readonly TimeSpan TickEvery = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TickEvery, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    await manager.TickAsync(stoppingToken).ConfigureAwait(false);
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "The rollouts could not be read; they are tried again next tick.")]
    private static partial void LogTickFailed(ILogger logger, Exception exception);
}
