using System.Text.Json;
using Mesh.Store.Entities;

namespace MeshConsole.Policies.Rollouts;

/// <summary>A rollout as REST and the editor's panel show it.</summary>
public sealed record RolloutView(
    long Id,
    string Service,
    string Canary,
    string Stable,
    IReadOnlyList<int> Steps,
    int IntervalSeconds,
    double MaxErrorExcessPercent,
    double MaxP99Ratio,
    int MinCalls,
    int StepIndex,
    int CanaryPercent,
    RolloutState State,
    string Message,
    GateFigures? Gate,
    long? LastRevision,
    string StartedBy,
    DateTimeOffset StartedAt,
    DateTimeOffset StepStartedAt,
    DateTimeOffset UpdatedAt,
    string Reason,
    long Version)
{
    private static readonly JsonSerializerOptions _json = new(JsonSerializerDefaults.Web);

    public bool IsActive => Mesh.Store.RolloutStore.IsActive(State);

    public static RolloutView Of(Rollout rollout)
    {
        ArgumentNullException.ThrowIfNull(rollout);
        var plan = RolloutManager.PlanOf(rollout);
        // Rolled back or aborted: everything went back to the stable subset.
        var percent = rollout.State is RolloutState.RolledBack or RolloutState.Aborted ? 0 : plan.Steps[rollout.StepIndex];
        return new RolloutView(
            rollout.Id, rollout.Service, rollout.CanarySubset, rollout.StableSubset, plan.Steps, rollout.IntervalSeconds,
            rollout.MaxErrorExcessPercent, rollout.MaxP99Ratio, rollout.MinCalls, rollout.StepIndex, percent, rollout.State, rollout.Message,
            rollout.Gate is null ? null : JsonSerializer.Deserialize<GateFigures>(rollout.Gate, _json),
            rollout.LastRevision, rollout.StartedBy, rollout.StartedAt, rollout.StepStartedAt, rollout.UpdatedAt, rollout.Reason, rollout.Version);
    }
}
