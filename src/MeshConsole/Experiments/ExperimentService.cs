using System.Globalization;
using System.Security.Claims;
using Mesh.Policy.Documents;
using Mesh.Policy.Validation;
using Mesh.Store;
using Mesh.Store.Entities;
using MeshConsole.Data;
using Microsoft.AspNetCore.Authorization;

namespace MeshConsole.Experiments;

/// <summary>
/// Starts, stops and ends experiments, for the pages, REST and the runner alike. A state change is a
/// compare-and-set on the experiment's row first, so of two callers (two replicas' runners, a runner and a
/// user) exactly one ends an experiment; the fault rule is removed and the figures written after it, and again
/// by the runner until done (<see cref="SettleAsync"/>), so a crash in between leaves nothing behind for good.
/// </summary>
internal sealed partial class ExperimentService(
    ExperimentFaultWriter faults, FigureReader figures, ExperimentFeed feed, IServiceScopeFactory scopes,
    IAuthorizationService authorization, TimeProvider time, ILogger<ExperimentService> logger)
{
    /// <summary>Recorded as who ended an experiment at its expiry or by its condition.</summary>
    public const string ConsoleActor = "console";

    public Task<IReadOnlyList<Experiment>> ListAsync(CancellationToken ct = default) => WithStoreAsync(s => s.ListAsync(ct));

    public Task<Experiment?> GetAsync(long id, CancellationToken ct = default) => WithStoreAsync(s => s.GetAsync(id, ct));

    public Task<IReadOnlyList<Experiment>> UnsettledAsync(CancellationToken ct = default) => WithStoreAsync(s => s.UnsettledAsync(ct));

    /// <summary>Validates <paramref name="request"/> and adds its fault rule as <paramref name="user"/> (an operator): one revision.</summary>
    public async Task<ExperimentOutcome> StartAsync(ClaimsPrincipal user, ExperimentRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(request);
        if (!(await authorization.AuthorizeAsync(user, MeshPolicies.Operator).ConfigureAwait(false)).Succeeded)
            return ExperimentOutcome.Refused(ExperimentOutcomeKind.Forbidden, "starting an experiment needs the operator role");

        var errors = ExperimentRequestValidator.Validate(request).ToList();
        if (errors.All(e => e.Field != "target")
            && await ReadServiceAsync(request.Target!, ct).ConfigureAwait(false) is null)
            errors.Add(new ValidationError("target", $"service {request.Target} does not exist"));
        if (errors.Count > 0)
            return ExperimentOutcome.Invalid(errors);

        var now = time.GetUtcNow();
        var experiment = await WithStoreAsync(s => s.AddAsync(NewExperiment(request, user, now), ct)).ConfigureAwait(false);
        var write = await faults.AddAsync(user, experiment, ct).ConfigureAwait(false);
        if (!write.Succeeded)
        {
            // Nothing was injected: the experiment never ran.
            await WithStoreAsync(s => s.DeleteAsync(experiment.Id, experiment.Version, ct)).ConfigureAwait(false);
            return write switch
            {
                { IsForbidden: true } => ExperimentOutcome.Refused(ExperimentOutcomeKind.Forbidden, write.Message!),
                { Errors.Count: > 0 } => ExperimentOutcome.Invalid(write.Errors, write.Message),
                _ => ExperimentOutcome.Refused(ExperimentOutcomeKind.Conflict, write.Message ?? "the fault could not be written"),
            };
        }

        experiment.StartRevision = write.Revision?.Number;
        if (!await WithStoreAsync(s => s.UpdateAsync(experiment, ct)).ConfigureAwait(false))
            experiment = await GetAsync(experiment.Id, ct).ConfigureAwait(false) ?? experiment;
        LogStarted(logger, experiment.Id, experiment.Target, experiment.StartedBy, experiment.EndsAt);
        feed.Publish(experiment.Id);
        return ExperimentOutcome.Done(experiment);
    }

    /// <summary>Ends a running experiment now, for <paramref name="user"/> (an operator).</summary>
    public async Task<ExperimentOutcome> StopAsync(ClaimsPrincipal user, long id, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (!(await authorization.AuthorizeAsync(user, MeshPolicies.Operator).ConfigureAwait(false)).Succeeded)
            return ExperimentOutcome.Refused(ExperimentOutcomeKind.Forbidden, "stopping an experiment needs the operator role");
        var name = user.Identity?.Name is { Length: > 0 } n ? n : ActorAccessor.Anonymous;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var experiment = await GetAsync(id, ct).ConfigureAwait(false);
            if (experiment is null)
                return ExperimentOutcome.Refused(ExperimentOutcomeKind.NotFound, $"experiment {id} does not exist");
            if (experiment.State != ExperimentState.Running)
                return ExperimentOutcome.Refused(ExperimentOutcomeKind.Conflict, $"experiment {id} is already {Describe(experiment.State)}", experiment);
            if (await EndAsync(experiment, ExperimentState.Stopped, name, $"stopped by {name}", ct).ConfigureAwait(false))
                return ExperimentOutcome.Done((await GetAsync(id, ct).ConfigureAwait(false))!);
        }

        return ExperimentOutcome.Refused(ExperimentOutcomeKind.Conflict, $"experiment {id} kept changing; try again");
    }

    /// <summary>
    /// Moves a running experiment (as read) to <paramref name="state"/>, then settles it. False when it had
    /// changed since it was read: someone else ended it, and nothing was done.
    /// </summary>
    public async Task<bool> EndAsync(Experiment read, ExperimentState state, string endedBy, string reason, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(read);
        if (read.State != ExperimentState.Running)
            return false;
        read.State = state;
        // Ran to its end: it ended then, whenever a console noticed (the sidecars stopped it on their own clock).
        var now = time.GetUtcNow();
        read.EndedAt = state == ExperimentState.Completed && read.EndsAt < now ? read.EndsAt : now;
        read.EndedBy = endedBy;
        read.EndReason = reason.Length <= 500 ? reason : reason[..500];
        if (!await WithStoreAsync(s => s.UpdateAsync(read, ct)).ConfigureAwait(false))
            return false;
        LogEnded(logger, read.Id, state, reason);
        feed.Publish(read.Id);
        await SettleAsync(read, ct).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// The work left on an ended experiment: take its fault rule out, write the before and during figures, and the
    /// after figures once their span has passed (each <see cref="ExperimentFigures.ExportDelay"/> late, for the
    /// calls still on their way). Safe to repeat, and to run on two replicas at once.
    /// </summary>
    public async Task SettleAsync(Experiment experiment, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(experiment);
        if (experiment is not { State: not ExperimentState.Running, EndedAt: { } endedAt } || experiment.Settled)
            return;

        var changed = false;
        if (!experiment.FaultRemoved)
        {
            var actor = $"{experiment.StartedBy} (experiment {experiment.Id.ToString(CultureInfo.InvariantCulture)})";
            var write = await faults.RemoveAsync(actor, experiment, $"experiment {experiment.Id} {Describe(experiment.State)}: {experiment.EndReason}", ct).ConfigureAwait(false);
            if (write is { Succeeded: false })
            {
                LogRemoveFailed(logger, experiment.Id, experiment.Target, write.Message);
                return;
            }

            experiment.FaultRemoved = true;
            experiment.EndRevision = write?.Revision?.Number;
            changed = true;
        }

        var result = ExperimentFigures.Parse(experiment.Figures);
        var condition = AbortCondition.Of(experiment);
        var spans = ExperimentFigures.Spans(experiment.StartedAt, endedAt);
        var now = time.GetUtcNow();
        if (result.During is null && now >= spans.During.To + ExperimentFigures.ExportDelay)
        {
            result = result with
            {
                Before = await figures.PhaseAsync(experiment.Target, condition, spans.Before, ct).ConfigureAwait(false),
                During = await figures.PhaseAsync(experiment.Target, condition, spans.During, ct).ConfigureAwait(false),
            };
            changed = true;
        }

        if (result.During is not null && result.After is null && now >= spans.After.To + ExperimentFigures.ExportDelay)
        {
            result = result with { After = await figures.PhaseAsync(experiment.Target, condition, spans.After, ct).ConfigureAwait(false) };
            experiment.Settled = true;
            changed = true;
        }

        if (!changed)
            return;
        experiment.Figures = result.ToJson();
        if (await WithStoreAsync(s => s.UpdateAsync(experiment, ct)).ConfigureAwait(false))
            feed.Publish(experiment.Id);
    }

    public static string Describe(ExperimentState state) => state switch
    {
        ExperimentState.Running => "running",
        ExperimentState.Completed => "completed",
        ExperimentState.Aborted => "aborted by its condition",
        ExperimentState.Stopped => "stopped",
        _ => state.ToString().ToLowerInvariant(),
    };

    private static Experiment NewExperiment(ExperimentRequest request, ClaimsPrincipal user, DateTimeOffset now) => new()
    {
        Name = request.Name!.Trim(),
        Target = request.Target!,
        SourceService = Blank(request.SourceService),
        HeaderName = Blank(request.HeaderName),
        HeaderValue = Blank(request.HeaderName) is null ? null : request.HeaderValue,
        DelayMs = request.DelayMs,
        DelayPercent = request.DelayPercent,
        AbortHttpStatus = request.AbortHttpStatus,
        AbortGrpcStatus = request.AbortGrpcStatus,
        AbortPercent = request.AbortPercent,
        DurationSeconds = request.DurationSeconds!.Value,
        ConditionSource = request.HasCondition ? request.ConditionSource : null,
        ConditionDestination = request.HasCondition ? request.ConditionDestination : null,
        ConditionErrorPercent = request.HasCondition ? request.ConditionErrorPercent : null,
        ConditionForSeconds = request.HasCondition ? request.ConditionForSeconds : null,
        State = ExperimentState.Running,
        Reason = request.Reason!.Trim(),
        StartedBy = user.Identity?.Name is { Length: > 0 } name ? name : ActorAccessor.Anonymous,
        StartedAt = now,
        EndsAt = now.AddSeconds(request.DurationSeconds!.Value),
    };

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private async Task<T> WithStoreAsync<T>(Func<ExperimentStore, Task<T>> use)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await use(scope.ServiceProvider.GetRequiredService<ExperimentStore>()).ConfigureAwait(false);
    }

    private async Task<ConfigObject?> ReadServiceAsync(string name, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ConfigStore>().GetAsync(ConfigKind.Service, name, ct).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Experiment {Id} started on {Target} by {User}, until {EndsAt}")]
    private static partial void LogStarted(ILogger logger, long id, string target, string user, DateTimeOffset endsAt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Experiment {Id} ended ({State}): {Reason}")]
    private static partial void LogEnded(ILogger logger, long id, ExperimentState state, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Experiment {Id}: its fault on {Target} could not be removed yet ({Message}); trying again")]
    private static partial void LogRemoveFailed(ILogger logger, long id, string target, string? message);
}
