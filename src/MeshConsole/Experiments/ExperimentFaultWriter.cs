using System.Security.Claims;
using Mesh.Policy.Documents;
using Mesh.Policy.Faults;
using Mesh.Store.Entities;
using MeshConsole.Data;

namespace MeshConsole.Experiments;

/// <summary>
/// Adds and removes an experiment's fault rule through <see cref="ConfigWriter"/>: read the target's fault
/// policy with its version, change only the experiment's rule, write with that version, and read again when
/// someone else wrote in between, so no other fault of the service is ever lost.
/// </summary>
internal sealed class ExperimentFaultWriter(ConfigWriter writer, TimeProvider time)
{
    /// <summary>Writes tried before giving up on a policy others keep changing.</summary>
    public const int Attempts = 5;

    /// <summary>Adds the experiment's rule as <paramref name="user"/>; errors concerning the rule name the request's fields.</summary>
    public async Task<ConfigWrite> AddAsync(ClaimsPrincipal user, Experiment experiment, CancellationToken ct)
    {
        var rule = ExperimentFaults.Rule(experiment);
        var index = 0;
        var write = await writer.EditAsync<FaultPolicy>(ConfigKind.Faults, experiment.Target, Attempts, async (current, version) =>
        {
            var policy = ExperimentFaults.With(current, rule, time.GetUtcNow());
            index = policy.Faults.Count - 1;
            return await writer.PutAsync(user, ConfigKind.Faults, experiment.Target, policy, version, experiment.Reason, ct).ConfigureAwait(false);
        }, ct).ConfigureAwait(false);
        return write! with { Errors = [.. write.Errors.Select(e => ExperimentFaults.ToRequestField(e, index))] };
    }

    /// <summary>
    /// Takes the experiment's rule out, as <paramref name="actor"/>. Null when the rule was no longer there
    /// (nothing to write); otherwise the last write tried.
    /// </summary>
    public Task<ConfigWrite?> RemoveAsync(string actor, Experiment experiment, string reason, CancellationToken ct)
    {
        var name = ExperimentFaults.RuleName(experiment.Id);
        return writer.EditAsync<FaultPolicy>(ConfigKind.Faults, experiment.Target, Attempts, async (current, version) =>
        {
            var rest = ExperimentFaults.Without(current, name, time.GetUtcNow(), out var found);
            if (!found)
                return null;
            return rest is null
                ? await writer.DeleteAsync(actor, ConfigKind.Faults, experiment.Target, version, reason, ct).ConfigureAwait(false)
                : await writer.PutAsync(actor, ConfigKind.Faults, experiment.Target, rest, version, reason, ct).ConfigureAwait(false);
        }, ct);
    }
}
