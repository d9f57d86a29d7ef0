using System.Security.Claims;
using System.Text.Json;
using Mesh.Policy.Documents;
using Mesh.Policy.Routing;
using Mesh.Policy.Validation;
using Mesh.Store;
using Mesh.Store.Entities;
using MeshConsole.Data;
using MeshConsole.Telemetry.Aggregation;
using Microsoft.AspNetCore.Authorization;

namespace MeshConsole.Policies.Rollouts;

/// <summary>
/// Starts, steps, pauses, resumes and aborts progressive rollouts. Each weight change is a revision of the
/// service's route policy written through <see cref="ConfigWriter"/> in the name of the operator who
/// started it (<c>alice (rollout 3)</c>). A step first moves the rollout's row on, checked against the
/// version read: of two replicas ticking at once only one succeeds, and only it writes the revision.
/// </summary>
internal sealed partial class RolloutManager(
    IServiceScopeFactory scopes, ConfigWriter writer, SubsetAggregator subsets, IAuthorizationService authorization,
    TimeProvider time, ILogger<RolloutManager> logger)
{
    private static readonly JsonSerializerOptions _json = new(JsonSerializerDefaults.Web);

    /// <summary>Starts a rollout for <paramref name="user"/>, who needs the role that writes routes, and writes its first step.</summary>
    public async Task<RolloutResult> StartAsync(ClaimsPrincipal user, string service, RolloutRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (await RefuseAsync(user).ConfigureAwait(false) is { } refusal)
            return refusal;
        var (plan, errors) = RolloutPlan.From(request);
        if (plan is null)
            return RolloutResult.Invalid(errors);

        await using var scope = scopes.CreateAsyncScope();
        var config = scope.ServiceProvider.GetRequiredService<ConfigStore>();
        var routes = await config.GetAsync(ConfigKind.Routes, service, ct).ConfigureAwait(false);
        if (routes is null)
        {
            return await config.GetAsync(ConfigKind.Service, service, ct).ConfigureAwait(false) is null
                ? RolloutResult.Refused(RolloutOutcome.NotFound, $"no service named {service}")
                : RolloutResult.Invalid([new ValidationError("canary", $"{service} has no route policy: declare its subsets and a catch-all rule first")]);
        }

        var policy = ConfigDocuments.Deserialize<RoutePolicy>(routes.Spec);
        var declared = policy.Subsets.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        var missing = new List<ValidationError>();
        foreach (var (field, subset) in new[] { ("canary", plan.Canary), ("stable", plan.Stable) })
        {
            if (!declared.Contains(subset))
                missing.Add(new ValidationError(field, $"{service}'s route policy declares no subset \"{subset}\""));
        }

        if (RolloutWeights.CatchAll(policy) is null)
            missing.Add(new ValidationError("canary", $"{service}'s route policy has no catch-all rule (a last rule without match) whose weights a rollout can shift"));
        if (missing.Count > 0)
            return RolloutResult.Invalid(missing);

        var now = time.GetUtcNow();
        var rollout = new Rollout
        {
            Service = service,
            CanarySubset = plan.Canary,
            StableSubset = plan.Stable,
            Steps = string.Join(",", plan.Steps),
            IntervalSeconds = (int)plan.Interval.TotalSeconds,
            MaxErrorExcessPercent = plan.MaxErrorExcessPercent,
            MaxP99Ratio = plan.MaxP99Ratio,
            MinCalls = plan.MinCalls,
            StepIndex = 0,
            StepStartedAt = now,
            State = plan.Steps.Count == 1 ? RolloutState.Succeeded : RolloutState.Running,
            Message = $"started: {plan.Canary} at {plan.Steps[0]} %",
            StartedBy = Actor(user),
            StartedAt = now,
            UpdatedAt = now,
            Reason = request.Reason!.Trim(),
        };
        var store = scope.ServiceProvider.GetRequiredService<RolloutStore>();
        if (await store.CreateAsync(rollout, ct).ConfigureAwait(false) is not { } created)
            return RolloutResult.Refused(RolloutOutcome.Conflict, $"{service} already has a rollout running or paused: abort it first");

        await WriteWeightsAsync(store, created, plan.Steps[0], $"step 1 of {plan.Steps.Count}: {plan.Canary} at {plan.Steps[0]} % ({created.Reason})", ct).ConfigureAwait(false);
        return RolloutResult.Done(created);
    }

    /// <summary>Stops taking steps; the current weights stay.</summary>
    public Task<RolloutResult> PauseAsync(ClaimsPrincipal user, string service, long id, CancellationToken ct = default) =>
        ChangeAsync(user, service, id, RolloutState.Running, (rollout, now) =>
        {
            rollout.State = RolloutState.Paused;
            rollout.Message = $"paused by {Actor(user)}";
        }, ct);

    /// <summary>Takes steps again; the current step's interval starts afresh, so the gate judges calls made since.</summary>
    public Task<RolloutResult> ResumeAsync(ClaimsPrincipal user, string service, long id, CancellationToken ct = default) =>
        ChangeAsync(user, service, id, RolloutState.Paused, (rollout, now) =>
        {
            rollout.State = RolloutState.Running;
            rollout.StepStartedAt = now;
            rollout.Message = $"resumed by {Actor(user)}";
        }, ct);

    /// <summary>Stops the rollout and sends every call back to the stable subset.</summary>
    public async Task<RolloutResult> AbortAsync(ClaimsPrincipal user, string service, long id, CancellationToken ct = default)
    {
        var result = await ChangeAsync(user, service, id, null, (rollout, now) =>
        {
            rollout.State = RolloutState.Aborted;
            rollout.Message = $"aborted by {Actor(user)}: all calls back to {rollout.StableSubset}";
        }, ct).ConfigureAwait(false);
        if (result.Rollout is { } aborted)
        {
            await using var scope = scopes.CreateAsyncScope();
            await WriteWeightsAsync(scope.ServiceProvider.GetRequiredService<RolloutStore>(), aborted, 0, $"aborted by {Actor(user)}", ct).ConfigureAwait(false);
        }

        return result;
    }

    /// <summary>The service's latest rollout, active or not; null when it never had one.</summary>
    public async Task<Rollout?> LatestAsync(string service, CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var latest = await scope.ServiceProvider.GetRequiredService<RolloutStore>().ListAsync(service, limit: 1, ct).ConfigureAwait(false);
        return latest.Count == 0 ? null : latest[0];
    }

    /// <summary>One look at each running rollout (see <see cref="StepAsync"/>).</summary>
    public async Task TickAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        foreach (var rollout in await scope.ServiceProvider.GetRequiredService<RolloutStore>().RunningAsync(ct).ConfigureAwait(false))
        {
            try
            {
                await StepAsync(rollout, ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // One rollout's trouble (the store briefly away, say) must not stop the others: it is tried again next tick.
                LogStepFailed(logger, rollout.Id, ex);
            }
        }
    }

    /// <summary>One look at a running rollout: hold, or take the move the gate decides (see <see cref="RolloutMachine"/>).</summary>
    public async Task StepAsync(Rollout rollout, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(rollout);
        var plan = PlanOf(rollout);
        await using var scope = scopes.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<RolloutStore>();
        if (await IsStepUnwrittenAsync(rollout, plan, ct).ConfigureAwait(false))
        {
            // A replica claimed this step and stopped before writing its weights: write them now, judge next tick.
            await WriteWeightsAsync(store, rollout, plan.Steps[rollout.StepIndex], $"step {rollout.StepIndex + 1} of {plan.Steps.Count} (its weights were claimed but not written)", ct).ConfigureAwait(false);
            return;
        }

        var view = subsets.Subsets(rollout.Service, plan.GateWindow);
        var now = time.GetUtcNow();
        var decision = RolloutMachine.Decide(plan, rollout.StepIndex, rollout.StepStartedAt, now, view.Find(plan.Canary), view.Find(plan.Stable));
        if (decision.Move == RolloutMove.Hold)
        {
            // A hold writes the row only when what it says changed (a new count of calls, say), not on every tick.
            if (decision.Message != rollout.Message)
            {
                rollout.Message = decision.Message;
                rollout.Gate = JsonSerializer.Serialize(decision.Gate, _json);
                rollout.UpdatedAt = now;
                await store.UpdateAsync(rollout, ct).ConfigureAwait(false);
            }

            return;
        }

        rollout.Message = decision.Message;
        rollout.Gate = JsonSerializer.Serialize(decision.Gate, _json);
        rollout.UpdatedAt = now;
        rollout.StepStartedAt = now;
        rollout.StepIndex = decision.Step;
        rollout.State = decision.Move switch
        {
            RolloutMove.Complete => RolloutState.Succeeded,
            RolloutMove.RollBack => RolloutState.RolledBack,
            _ => RolloutState.Running,
        };
        if (!await store.UpdateAsync(rollout, ct).ConfigureAwait(false))
        {
            LogStepTakenElsewhere(logger, rollout.Id);
            return;
        }

        var percent = decision.Move == RolloutMove.RollBack ? 0 : plan.Steps[decision.Step];
        await WriteWeightsAsync(store, rollout, percent, decision.Message, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// True when the route policy still holds the rollout's own last write (no one changed it since) yet its
    /// catch-all does not send the current step's share to the canary: the step was claimed, not written.
    /// A person's edit since the last write is not undone here; the next step takes the weights over.
    /// </summary>
    private async Task<bool> IsStepUnwrittenAsync(Rollout rollout, RolloutPlan plan, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var routes = await scope.ServiceProvider.GetRequiredService<ConfigStore>().GetAsync(ConfigKind.Routes, rollout.Service, ct).ConfigureAwait(false);
        if (routes is null || routes.Revision != rollout.LastRevision)
            return false;
        var policy = ConfigDocuments.Deserialize<RoutePolicy>(routes.Spec);
        if (RolloutWeights.CatchAll(policy) is not { } at)
            return false;
        var canary = policy.Rules[at].Destinations.Where(d => d.Subset == plan.Canary).Sum(d => d.Weight);
        return canary != plan.Steps[rollout.StepIndex];
    }

    public static RolloutPlan PlanOf(Rollout rollout)
    {
        ArgumentNullException.ThrowIfNull(rollout);
        return new RolloutPlan(
            rollout.CanarySubset, rollout.StableSubset, [.. rollout.Steps.Split(',').Select(s => int.Parse(s, System.Globalization.CultureInfo.InvariantCulture))],
            TimeSpan.FromSeconds(rollout.IntervalSeconds), rollout.MaxErrorExcessPercent, rollout.MaxP99Ratio, rollout.MinCalls);
    }

    /// <summary>Writes the catch-all's weights for <paramref name="canaryPercent"/> as a revision, and records it (or why it failed) on the rollout.</summary>
    private async Task WriteWeightsAsync(RolloutStore store, Rollout rollout, int canaryPercent, string why, CancellationToken ct)
    {
        var actor = $"{rollout.StartedBy} (rollout {rollout.Id})";
        string? failure = null;
        // A person's edit between the read and the write makes it conflict: read it again once.
        var write = await writer.EditAsync<RoutePolicy>(ConfigKind.Routes, rollout.Service, attempts: 2, async (policy, version) =>
        {
            if (policy is null || RolloutWeights.CatchAll(policy) is null)
            {
                failure = $"{rollout.Service}'s route policy was deleted or lost its catch-all rule";
                return null;
            }

            return await writer.PutAsync(
                actor, ConfigKind.Routes, rollout.Service, RolloutWeights.With(policy, rollout.StableSubset, rollout.CanarySubset, canaryPercent),
                version, $"rollout {rollout.Id}: {why}", ct).ConfigureAwait(false);
        }, ct).ConfigureAwait(false);
        if (write is { Succeeded: true })
        {
            if (write.Revision is { } revision)
            {
                rollout.LastRevision = revision.Number;
                await store.UpdateAsync(rollout, ct).ConfigureAwait(false);
            }

            return;
        }

        failure ??= write?.Message;
        LogWriteFailed(logger, rollout.Id, failure);
        if (RolloutStore.IsActive(rollout.State))
        {
            rollout.State = RolloutState.Paused;
            rollout.Message = $"paused: the weights could not be written ({failure}); fix the route policy and resume";
            await store.UpdateAsync(rollout, ct).ConfigureAwait(false);
        }
    }

    private async Task<RolloutResult> ChangeAsync(
        ClaimsPrincipal user, string service, long id, RolloutState? from, Action<Rollout, DateTimeOffset> change, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (await RefuseAsync(user).ConfigureAwait(false) is { } refusal)
            return refusal;
        await using var scope = scopes.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<RolloutStore>();
        var rollout = await store.GetAsync(id, ct).ConfigureAwait(false);
        if (rollout is null || rollout.Service != service)
            return RolloutResult.Refused(RolloutOutcome.NotFound, $"{service} has no rollout {id}");
        if (from is { } expected ? rollout.State != expected : !RolloutStore.IsActive(rollout.State))
            return RolloutResult.Refused(RolloutOutcome.Conflict, $"rollout {id} is {rollout.State.ToString().ToLowerInvariant()}");

        var now = time.GetUtcNow();
        change(rollout, now);
        rollout.UpdatedAt = now;
        return await store.UpdateAsync(rollout, ct).ConfigureAwait(false)
            ? RolloutResult.Done(rollout)
            : RolloutResult.Refused(RolloutOutcome.Conflict, $"rollout {id} changed meanwhile: read it again");
    }

    private async Task<RolloutResult?> RefuseAsync(ClaimsPrincipal user)
    {
        var policy = ConfigWriter.WriterPolicy(ConfigKind.Routes);
        return (await authorization.AuthorizeAsync(user, policy).ConfigureAwait(false)).Succeeded
            ? null
            : RolloutResult.Refused(RolloutOutcome.Forbidden, $"rollouts need the {policy} role");
    }

    private static string Actor(ClaimsPrincipal user) =>
        user.Identity is { IsAuthenticated: true, Name: { Length: > 0 } name } ? name : ActorAccessor.Anonymous;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rollout {Id} could not take its step; it is tried again next tick.")]
    private static partial void LogStepFailed(ILogger logger, long id, Exception exception);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Rollout {Id}: another replica took this step.")]
    private static partial void LogStepTakenElsewhere(ILogger logger, long id);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rollout {Id}: the weights could not be written: {Failure}")]
    private static partial void LogWriteFailed(ILogger logger, long id, string? failure);
}
