using System.Security.Claims;
using Mesh.Policy.Documents;
using Mesh.Policy.Faults;
using Mesh.Store;
using Mesh.Store.Entities;
using MeshConsole.Data;

namespace MeshConsole.Experiments;

/// <summary>
/// Adds and removes an experiment's fault rule through <see cref="ConfigWriter"/>: read the target's fault
/// policy with its version, change only the experiment's rule, write with that version, and read again when
/// someone else wrote in between, so no other fault of the service is ever lost.
/// </summary>
internal sealed class ExperimentFaultWriter(ConfigWriter writer, IServiceScopeFactory scopes, TimeProvider time)
{
    /// <summary>Writes tried before giving up on a policy others keep changing.</summary>
    public const int Attempts = 5;

    /// <summary>Adds the experiment's rule as <paramref name="user"/>; errors concerning the rule name the request's fields.</summary>
    public async Task<ConfigWrite> AddAsync(ClaimsPrincipal user, Experiment experiment, CancellationToken ct)
    {
        var rule = ExperimentFaults.Rule(experiment);
        for (var attempt = 1; ; attempt++)
        {
            var (current, version) = await ReadAsync(experiment.Target, ct).ConfigureAwait(false);
            var policy = ExperimentFaults.With(current, rule, time.GetUtcNow());
            var write = await writer.PutAsync(user, ConfigKind.Faults, experiment.Target, policy, version, experiment.Reason, ct).ConfigureAwait(false);
            if (!write.IsConflict || attempt == Attempts)
            {
                var index = policy.Faults.Count - 1;
                return write with { Errors = [.. write.Errors.Select(e => ExperimentFaults.ToRequestField(e, index))] };
            }
        }
    }

    /// <summary>
    /// Takes the experiment's rule out, as <paramref name="actor"/>. Null when the rule was no longer there
    /// (nothing to write); otherwise the last write tried.
    /// </summary>
    public async Task<ConfigWrite?> RemoveAsync(string actor, Experiment experiment, string reason, CancellationToken ct)
    {
        var name = ExperimentFaults.RuleName(experiment.Id);
        for (var attempt = 1; ; attempt++)
        {
            var (current, version) = await ReadAsync(experiment.Target, ct).ConfigureAwait(false);
            var rest = ExperimentFaults.Without(current, name, time.GetUtcNow(), out var found);
            if (!found)
                return null;
            var write = rest is null
                ? await writer.DeleteAsync(actor, ConfigKind.Faults, experiment.Target, version, reason, ct).ConfigureAwait(false)
                : await writer.PutAsync(actor, ConfigKind.Faults, experiment.Target, rest, version, reason, ct).ConfigureAwait(false);
            if (!write.IsConflict || attempt == Attempts)
                return write;
        }
    }

    private async Task<(FaultPolicy? Policy, long Version)> ReadAsync(string target, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var current = await scope.ServiceProvider.GetRequiredService<ConfigStore>().GetAsync(ConfigKind.Faults, target, ct).ConfigureAwait(false);
        return current is null ? (null, 0) : (ConfigDocuments.Deserialize<FaultPolicy>(current.Spec), current.Version);
    }
}
