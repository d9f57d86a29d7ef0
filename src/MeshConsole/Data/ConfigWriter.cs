using System.Security.Claims;
using Mesh.Policy.Documents;
using Mesh.Policy.Validation;
using Mesh.Store;
using Mesh.Store.Entities;
using MeshConsole.Observability;
using Microsoft.AspNetCore.Authorization;

namespace MeshConsole.Data;

/// <summary>
/// Writes configuration from the console's pages and its background workflows: the role check, the
/// same validation as REST, the store write with its revision, and the metrics, in one call. A page
/// gets field-level errors and conflicts back as values, never as exceptions.
/// </summary>
internal sealed class ConfigWriter(IServiceScopeFactory scopes, IAuthorizationService authorization, ConsoleMetrics metrics)
{
    /// <summary>Creates or replaces <paramref name="kind"/> of <paramref name="target"/> for a signed-in user, who must hold the kind's writer role.</summary>
    public async Task<ConfigWrite> PutAsync(
        ClaimsPrincipal user, ConfigKind kind, string target, object spec, long expectedVersion, string reason, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        return await RefuseAsync(user, kind).ConfigureAwait(false)
            ?? await PutCoreAsync(ActorOf(user), kind, target, spec, expectedVersion, reason, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Writes on behalf of a workflow a user started earlier (a rollout step, an experiment's end); the role
    /// was checked when it started. <paramref name="actor"/> is recorded as given, e.g. <c>alice (rollout 3)</c>.
    /// </summary>
    public Task<ConfigWrite> PutAsync(
        string actor, ConfigKind kind, string target, object spec, long expectedVersion, string reason, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(actor);
        return PutCoreAsync(actor, kind, target, spec, expectedVersion, reason, ct);
    }

    /// <summary>Deletes a document for a signed-in user; with <paramref name="expectedVersion"/> only if it is still at it.</summary>
    public async Task<ConfigWrite> DeleteAsync(
        ClaimsPrincipal user, ConfigKind kind, string target, long? expectedVersion, string reason, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        return await RefuseAsync(user, kind).ConfigureAwait(false)
            ?? await DeleteCoreAsync(ActorOf(user), kind, target, expectedVersion, reason, ct).ConfigureAwait(false);
    }

    /// <summary>Deletes on behalf of a workflow a user started earlier (see the actor overload of <c>PutAsync</c>).</summary>
    public Task<ConfigWrite> DeleteAsync(
        string actor, ConfigKind kind, string target, long? expectedVersion, string reason, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(actor);
        return DeleteCoreAsync(actor, kind, target, expectedVersion, reason, ct);
    }

    /// <summary>Writes a revision restoring the state before revision <paramref name="number"/> (REST's revert, with the same role rule).</summary>
    public async Task<ConfigWrite> RevertAsync(ClaimsPrincipal user, long number, string reason, bool force, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (ReasonError(reason) is { } bad)
            return ConfigWrite.Invalid(bad);

        await using var scope = scopes.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<ConfigStore>();
        var reverted = await store.GetRevisionAsync(number, ct).ConfigureAwait(false);
        if (reverted is null)
            return ConfigWrite.From(new WriteResult { Status = WriteStatus.NotFound, Message = $"revision {number} does not exist" });
        if (await RefuseAsync(user, reverted.Kind).ConfigureAwait(false) is { } refusal)
            return refusal;

        var result = await store.RevertAsync(number, ActorOf(user), reason.Trim(), force, ct).ConfigureAwait(false);
        return Record(result, reverted.Kind);
    }

    /// <summary>
    /// Read, change, write: reads <paramref name="kind"/> of <paramref name="target"/> with its version (null and 0
    /// when absent), hands both to <paramref name="edit"/> — which writes through this writer with that version, or
    /// answers null when there is nothing to write — and reads again when the write lost to another writer, up to
    /// <paramref name="attempts"/> times. A workflow changing one part of a document (a rule, the catch-all's
    /// weights) so never overwrites what someone else changed in another part meanwhile.
    /// </summary>
    public async Task<ConfigWrite?> EditAsync<TSpec>(
        ConfigKind kind, string target, int attempts, Func<TSpec?, long, Task<ConfigWrite?>> edit, CancellationToken ct = default)
        where TSpec : class
    {
        ArgumentNullException.ThrowIfNull(edit);
        ArgumentOutOfRangeException.ThrowIfLessThan(attempts, 1);
        for (var attempt = 1; ; attempt++)
        {
            ConfigObject? current;
            await using (var scope = scopes.CreateAsyncScope())
                current = await scope.ServiceProvider.GetRequiredService<ConfigStore>().GetAsync(kind, target, ct).ConfigureAwait(false);
            var write = await edit(current is null ? null : ConfigDocuments.Deserialize<TSpec>(current.Spec), current?.Version ?? 0).ConfigureAwait(false);
            if (write is not { IsConflict: true } || attempt == attempts)
                return write;
        }
    }

    /// <summary>Who may write a kind: who may call whom is the admin's, traffic policies the operator's (as in REST).</summary>
    public static string WriterPolicy(ConfigKind kind) => kind == ConfigKind.Access ? MeshPolicies.Admin : MeshPolicies.Operator;

    private async Task<ConfigWrite> PutCoreAsync(
        string actor, ConfigKind kind, string target, object spec, long expectedVersion, string reason, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentException.ThrowIfNullOrEmpty(target);
        await using var scope = scopes.CreateAsyncScope();
        var documents = scope.ServiceProvider.GetRequiredService<ConfigDocuments>();
        var errors = new List<ValidationError>();
        if (ReasonError(reason) is { } bad)
            errors.Add(bad);
        var read = documents.Validate(kind, spec);
        errors.AddRange(read.Errors);
        if (errors.Count > 0 || read.Document is not { } document)
        {
            metrics.WriteRejected(kind, "invalid");
            return ConfigWrite.Invalid([.. errors]);
        }

        var store = scope.ServiceProvider.GetRequiredService<ConfigStore>();
        var result = await store.PutAsync(document, target, expectedVersion, actor, reason.Trim(), ct).ConfigureAwait(false);
        return Record(result, kind);
    }

    private async Task<ConfigWrite> DeleteCoreAsync(
        string actor, ConfigKind kind, string target, long? expectedVersion, string reason, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(target);
        if (ReasonError(reason) is { } bad)
            return ConfigWrite.Invalid(bad);
        await using var scope = scopes.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<ConfigStore>();
        var result = await store.DeleteAsync(kind, target, expectedVersion, actor, reason.Trim(), ct).ConfigureAwait(false);
        return Record(result, kind);
    }

    private async Task<ConfigWrite?> RefuseAsync(ClaimsPrincipal user, ConfigKind kind)
    {
        var policy = WriterPolicy(kind);
        if ((await authorization.AuthorizeAsync(user, policy).ConfigureAwait(false)).Succeeded)
            return null;
        metrics.WriteRejected(kind, "forbidden");
        return ConfigWrite.Forbidden($"writing the {kind.Name()} needs the {policy} role");
    }

    private ConfigWrite Record(WriteResult result, ConfigKind kind)
    {
        if (result.Revision is not null)
            metrics.RevisionWritten(kind);
        else if (!result.Succeeded)
            metrics.WriteRejected(kind, result.Status.ToString().ToLowerInvariant());
        return ConfigWrite.From(result);
    }

    // A person changing what the mesh enforces says why: the history is read by the next person on call.
    private static ValidationError? ReasonError(string? reason) =>
        string.IsNullOrWhiteSpace(reason) ? new ValidationError("reason", "required: say why, for the history")
        : reason.Length > ConfigRequest.MaxReasonLength ? new ValidationError("reason", $"at most {ConfigRequest.MaxReasonLength} characters")
        : null;

    private static string ActorOf(ClaimsPrincipal user) =>
        user.Identity is { IsAuthenticated: true, Name: { Length: > 0 } name } ? name : ActorAccessor.Anonymous;
}
