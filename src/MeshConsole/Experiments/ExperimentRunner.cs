using System.Collections.Concurrent;
using System.Globalization;
using Mesh.Store.Entities;

namespace MeshConsole.Experiments;

/// <summary>
/// Watches the experiments every <see cref="Interval"/>: ends a running one at its planned end or when its abort
/// condition has held long enough, and settles ended ones (fault removed, figures written). Its first pass runs at
/// start-up, so an experiment whose end passed while no console ran is ended then. Every replica runs one; the
/// experiment row's version lets only one of them end each experiment.
/// </summary>
internal sealed partial class ExperimentRunner(ExperimentService experiments, FigureReader figures, TimeProvider time, ILogger<ExperimentRunner> logger)
    : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<long, ConditionWatch> _watches = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await RunOnceAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // A store outage must not stop the watch: the next pass tries again.
                    LogPassFailed(logger, ex);
                }

                await Task.Delay(Interval, time, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One pass over every experiment with work left.</summary>
    public async Task RunOnceAsync(CancellationToken ct)
    {
        var unsettled = await experiments.UnsettledAsync(ct).ConfigureAwait(false);
        foreach (var experiment in unsettled)
        {
            if (experiment.State == ExperimentState.Running)
                await WatchAsync(experiment, ct).ConfigureAwait(false);
            else
                await experiments.SettleAsync(experiment, ct).ConfigureAwait(false);
        }

        foreach (var id in _watches.Keys.Where(id => !unsettled.Any(e => e.Id == id && e.State == ExperimentState.Running)))
            _watches.TryRemove(id, out _);
    }

    private async Task WatchAsync(Experiment experiment, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (now >= experiment.EndsAt)
        {
            await experiments.EndAsync(experiment, ExperimentState.Completed, ExperimentService.ConsoleActor,
                $"ran its planned {ExperimentText.Duration(TimeSpan.FromSeconds(experiment.DurationSeconds))}", ct).ConfigureAwait(false);
            return;
        }

        // Until its fault is written (StartRevision), an experiment injects nothing: its condition is not its doing,
        // and ending it then could remove the rule before it is added.
        if (experiment.StartRevision is null || AbortCondition.Of(experiment) is not { } condition)
            return;
        var watch = _watches.GetOrAdd(experiment.Id, _ => new ConditionWatch(condition));
        var reading = figures.Live(now - AbortCondition.Trailing, now, condition.Includes);
        if (watch.Observe(now, reading))
        {
            var reason = string.Create(CultureInfo.InvariantCulture,
                $"{condition.Source}→{condition.Destination} errors at {watch.LastErrorPercent:0.#} %, above {condition.ErrorPercent:0.##} % for {condition.For.TotalSeconds:0} s");
            await experiments.EndAsync(experiment, ExperimentState.Aborted, ExperimentService.ConsoleActor, reason, ct).ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A pass over the experiments failed; the next one tries again")]
    private static partial void LogPassFailed(ILogger logger, Exception exception);
}
