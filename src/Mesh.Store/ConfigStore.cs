using System.Data.Common;
using Mesh.Policy.Documents;
using Mesh.Store.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Mesh.Store;

/// <summary>
/// Reads and writes configuration documents. Every change writes its <see cref="ConfigRevision"/> in
/// the same transaction; nothing else in the console writes these tables.
/// </summary>
public sealed class ConfigStore(MeshDbContext db, ConfigDocuments documents, TimeProvider time, ConfigChangeFeed? changes = null)
{
    public Task<ConfigObject?> GetAsync(ConfigKind kind, string target, CancellationToken ct = default) =>
        db.ConfigObjects.AsNoTracking().SingleOrDefaultAsync(o => o.Kind == kind && o.Target == target, ct);

    /// <summary>Every document, or those of one kind, ordered by target.</summary>
    public async Task<IReadOnlyList<ConfigObject>> ListAsync(ConfigKind? kind = null, CancellationToken ct = default)
    {
        var query = db.ConfigObjects.AsNoTracking();
        if (kind is { } k)
            query = query.Where(o => o.Kind == k);
        return await query.OrderBy(o => o.Target).ThenBy(o => o.Kind).ToListAsync(ct).ConfigureAwait(false);
    }

    public async Task<long> LatestRevisionAsync(CancellationToken ct = default) =>
        (await db.MeshState.AsNoTracking().SingleAsync(ct).ConfigureAwait(false)).LatestRevision;

    /// <summary>
    /// Every document together with the revision they are the state of, so a commit landing in between can
    /// never label older content with its newer number. On Postgres both are read in one repeatable-read
    /// transaction: one snapshot, however busy the writers. On SQLite a transaction begins IMMEDIATE (a write
    /// lock), so the revision is read before and after the documents instead, until both agree.
    /// </summary>
    public async Task<ConfigSnapshot> ReadSnapshotAsync(CancellationToken ct = default)
    {
        if (db.Database.IsNpgsql() && db.Database.CurrentTransaction is null)
        {
            await using var transaction = await db.Database.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct).ConfigureAwait(false);
            var revision = await LatestRevisionAsync(ct).ConfigureAwait(false);
            var read = await ListAsync(ct: ct).ConfigureAwait(false);
            await transaction.CommitAsync(ct).ConfigureAwait(false);
            return new ConfigSnapshot(revision, read);
        }

        const int attempts = 10;
        for (var attempt = 1; ; attempt++)
        {
            var before = await LatestRevisionAsync(ct).ConfigureAwait(false);
            var documents = await ListAsync(ct: ct).ConfigureAwait(false);
            var after = await LatestRevisionAsync(ct).ConfigureAwait(false);
            if (before == after)
                return new ConfigSnapshot(after, documents);
            if (attempt == attempts)
                throw new InvalidOperationException($"The configuration changed during each of {attempts} reads; try again.");
        }
    }

    /// <summary>
    /// Creates or replaces a document. <paramref name="expectedVersion"/> is the version the writer
    /// saw (0: it saw none); any other current version is a conflict, never a lost update.
    /// </summary>
    public Task<WriteResult> PutAsync(ConfigDocument document, string target, long expectedVersion, string actor, string reason, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(document);
        return WriteAsync(new Change(document.Kind, target, document.Json, expectedVersion, actor, reason), ct);
    }

    /// <summary>Deletes a document; with <paramref name="expectedVersion"/> only if it is still at that version.</summary>
    public Task<WriteResult> DeleteAsync(ConfigKind kind, string target, long? expectedVersion, string actor, string reason, CancellationToken ct = default) =>
        WriteAsync(new Change(kind, target, null, expectedVersion, actor, reason), ct);

    /// <summary>
    /// Writes a new revision that restores the state before revision <paramref name="number"/>.
    /// Refused when the document changed after that revision, unless <paramref name="force"/>.
    /// </summary>
    public async Task<WriteResult> RevertAsync(long number, string actor, string reason, bool force, CancellationToken ct = default)
    {
        var revision = await GetRevisionAsync(number, ct).ConfigureAwait(false);
        if (revision is null)
            return new WriteResult { Status = WriteStatus.NotFound, Message = $"revision {number} does not exist" };

        string? restored = null;
        if (revision.Before is { } before)
        {
            var read = documents.Read(revision.Kind, before);
            if (read.Document is null)
            {
                return new WriteResult
                {
                    Status = WriteStatus.Invalid,
                    Message = $"{Describe(revision.Kind, revision.Target)} as it was before revision {number} is no longer valid",
                    Errors = read.Errors,
                };
            }

            restored = read.Document.Json;
        }

        var change = new Change(revision.Kind, revision.Target, restored, null, actor, reason)
        {
            RevertOf = number,
            UnchangedSince = force ? null : number,
        };
        return await WriteAsync(change, ct).ConfigureAwait(false);
    }

    public Task<ConfigRevision?> GetRevisionAsync(long number, CancellationToken ct = default) =>
        db.ConfigRevisions.AsNoTracking().SingleOrDefaultAsync(r => r.Number == number, ct);

    public async Task<RevisionPage> ListRevisionsAsync(RevisionQuery query, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var page = Math.Max(1, query.Page);
        var size = Math.Clamp(query.PageSize, 1, RevisionQuery.MaxPageSize);
        var revisions = db.ConfigRevisions.AsNoTracking();
        if (!string.IsNullOrEmpty(query.Target))
            revisions = revisions.Where(r => r.Target == query.Target);
        if (query.Kind is { } kind)
            revisions = revisions.Where(r => r.Kind == kind);
        if (!string.IsNullOrEmpty(query.Actor))
            revisions = revisions.Where(r => r.Actor == query.Actor);

        var total = await revisions.CountAsync(ct).ConfigureAwait(false);
        var items = await revisions.OrderByDescending(r => r.Number)
            .Skip((page - 1) * size).Take(size)
            .ToListAsync(ct).ConfigureAwait(false);
        return new RevisionPage(items, page, size, total);
    }

    /// <summary>
    /// Writes several changes in one transaction, by one actor for one reason: all of them, or none when one is
    /// refused. Each change that alters its document gets its own revision, in the order given, so a service
    /// must come before its policies and its policies' deletes before its own. Sidecars are told once, at the
    /// last revision, and never see a part of the batch.
    /// </summary>
    public Task<BatchWriteResult> WriteAllAsync(IReadOnlyList<ConfigChange> changes, string actor, string reason, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        return WriteAsync([.. changes.Select(c => new Change(c.Kind, c.Target, c.Document?.Json, c.ExpectedVersion, actor, reason))], ct);
    }

    private async Task<WriteResult> WriteAsync(Change change, CancellationToken ct)
    {
        var batch = await WriteAsync([change], ct).ConfigureAwait(false);
        return batch.Results[0];
    }

    private async Task<BatchWriteResult> WriteAsync(IReadOnlyList<Change> batch, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct).ConfigureAwait(false);
        try
        {
            var latest = await LockRevisionCounterAsync(transaction.GetDbTransaction(), ct).ConfigureAwait(false);
            var results = new List<WriteResult>(batch.Count);
            for (var i = 0; i < batch.Count; i++)
            {
                var result = await WriteOneAsync(batch[i], latest + 1, ct).ConfigureAwait(false);
                if (!result.Succeeded)
                    return new BatchWriteResult { Results = [result], RefusedAt = i };
                if (result.Revision is not null)
                    latest++;
                results.Add(result);
            }

            if (results.Exists(r => r.Revision is not null))
            {
                await SetLatestRevisionAsync(transaction.GetDbTransaction(), latest, ct).ConfigureAwait(false);
                await ConfigChangeFeed.NotifyReplicasAsync(db, ConfigChangeFeed.ConfigPrefix + latest.ToString(System.Globalization.CultureInfo.InvariantCulture), ct).ConfigureAwait(false);
                await transaction.CommitAsync(ct).ConfigureAwait(false);
                changes?.Publish(latest);
            }

            return new BatchWriteResult { Results = results };
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }

    /// <summary>One change inside the batch's transaction, saved at once so the next change's checks see it.</summary>
    private async Task<WriteResult> WriteOneAsync(Change change, long number, CancellationToken ct)
    {
        var current = await db.ConfigObjects
            .SingleOrDefaultAsync(o => o.Kind == change.Kind && o.Target == change.Target, ct).ConfigureAwait(false);
        if (await RefuseAsync(change, current, ct).ConfigureAwait(false) is { } refusal)
            return refusal;

        // Postgres jsonb gives keys back in its own order: compare and record the canonical text.
        var before = current is null ? null : ConfigDocuments.Canonical(change.Kind, current.Spec);
        if (before == change.After)
            return new WriteResult { Status = WriteStatus.Unchanged, Current = current };

        var now = time.GetUtcNow();
        WriteStatus status;
        if (change.After is null)
        {
            db.ConfigObjects.Remove(current!);
            status = WriteStatus.Deleted;
        }
        else if (current is null)
        {
            current = new ConfigObject { Kind = change.Kind, Target = change.Target, Version = 1 };
            db.ConfigObjects.Add(current);
            status = WriteStatus.Created;
        }
        else
        {
            current.Version++;
            status = WriteStatus.Updated;
        }

        if (current is not null && change.After is not null)
        {
            current.Spec = change.After;
            current.Revision = number;
            current.UpdatedAt = now;
            current.UpdatedBy = change.Actor;
        }

        var revision = new ConfigRevision
        {
            Number = number,
            At = now,
            Actor = change.Actor,
            Kind = change.Kind,
            Target = change.Target,
            Action = status switch
            {
                WriteStatus.Created => RevisionAction.Create,
                WriteStatus.Deleted => RevisionAction.Delete,
                _ => RevisionAction.Update,
            },
            Before = before,
            After = change.After,
            Reason = change.Reason,
            RevertOf = change.RevertOf,
        };
        db.ConfigRevisions.Add(revision);
        await db.SaveChangesAsync(ct).ConfigureAwait(false);

        return new WriteResult
        {
            Status = status,
            Revision = revision,
            Current = status == WriteStatus.Deleted ? null : current,
        };
    }

    /// <summary>The checks that need the lock: they see every write committed before this one.</summary>
    private async Task<WriteResult?> RefuseAsync(Change change, ConfigObject? current, CancellationToken ct)
    {
        var what = Describe(change.Kind, change.Target);
        if (change.ExpectedVersion is { } expected && (current?.Version ?? 0) != expected)
        {
            var message = current is null
                ? $"version {expected} is stale: {what} does not exist (send version 0 to create it)"
                : $"version {expected} is stale: {what} is at version {current.Version}, changed by {current.UpdatedBy} in revision {current.Revision}";
            return Refused(WriteStatus.Conflict, message, current);
        }

        if (change.UnchangedSince is { } since)
        {
            var later = await db.ConfigRevisions.AsNoTracking()
                .Where(r => r.Kind == change.Kind && r.Target == change.Target && r.Number > since)
                .OrderByDescending(r => r.Number).Select(r => (long?)r.Number)
                .FirstOrDefaultAsync(ct).ConfigureAwait(false);
            if (later is { } laterNumber)
                return Refused(WriteStatus.Conflict, $"{what} changed after revision {since} (latest: revision {laterNumber}); revert with force to overwrite", current);
        }

        if (change.After is null && current is null)
            return Refused(WriteStatus.NotFound, $"{what} does not exist", null);

        if (change.After is not null && change.Kind.IsServicePolicy() && !await ServiceExistsAsync(change.Target, ct).ConfigureAwait(false))
            return Refused(WriteStatus.NotFound, $"service {change.Target} does not exist; create it first", current);

        if (change.After is not null && change.Kind == ConfigKind.Service
            && await GrpcClashAsync(change.Target, change.After, ct).ConfigureAwait(false) is { } clash)
        {
            return Refused(WriteStatus.Conflict, clash, current);
        }

        if (change.After is null && change.Kind == ConfigKind.Service)
        {
            var policies = await db.ConfigObjects.AsNoTracking()
                .Where(o => o.Target == change.Target && o.Kind != ConfigKind.Service)
                .Select(o => o.Kind).ToListAsync(ct).ConfigureAwait(false);
            if (policies.Count > 0)
                return Refused(WriteStatus.Conflict, $"service {change.Target} still has {string.Join(", ", policies.Select(k => k.Name()).Order(StringComparer.Ordinal))} policies; delete them first", current);
        }

        return null;
    }

    private static string Describe(ConfigKind kind, string target) => kind switch
    {
        ConfigKind.Service => $"service {target}",
        ConfigKind.Access => "the access policy",
        _ => $"the {kind.Name()} policy of {target}",
    };

    /// <summary>A gRPC service may belong to one mesh service only, or sidecars could not route its calls.</summary>
    private async Task<string?> GrpcClashAsync(string target, string after, CancellationToken ct)
    {
        var wanted = ConfigDocuments.Deserialize<Mesh.Policy.Services.ServiceSpec>(after).GrpcServices;
        if (wanted.Count == 0)
            return null;
        var others = await db.ConfigObjects.AsNoTracking()
            .Where(o => o.Kind == ConfigKind.Service && o.Target != target)
            .ToListAsync(ct).ConfigureAwait(false);
        foreach (var other in others)
        {
            var taken = ConfigDocuments.Deserialize<Mesh.Policy.Services.ServiceSpec>(other.Spec).GrpcServices.Intersect(wanted, StringComparer.Ordinal).FirstOrDefault();
            if (taken is not null)
                return $"gRPC service {taken} is already served by service {other.Target}";
        }

        return null;
    }

    private Task<bool> ServiceExistsAsync(string name, CancellationToken ct) =>
        db.ConfigObjects.AnyAsync(o => o.Kind == ConfigKind.Service && o.Target == name, ct);

    private static WriteResult Refused(WriteStatus status, string message, ConfigObject? current) =>
        new() { Status = status, Message = message, Current = current };

    /// <summary>
    /// Locks the counter row first thing in the transaction (see <see cref="MeshState"/>) and reads it: writers
    /// queue here, so revision numbers follow commit order without gaps.
    /// </summary>
    private Task<long> LockRevisionCounterAsync(DbTransaction transaction, CancellationToken ct) =>
        ScalarAsync(transaction, $"UPDATE mesh_state SET latest_revision = latest_revision WHERE id = {MeshState.SingletonId} RETURNING latest_revision", ct);

    private Task<long> SetLatestRevisionAsync(DbTransaction transaction, long latest, CancellationToken ct) =>
        ScalarAsync(transaction, $"UPDATE mesh_state SET latest_revision = {latest.ToString(System.Globalization.CultureInfo.InvariantCulture)} WHERE id = {MeshState.SingletonId} RETURNING latest_revision", ct);

    private async Task<long> ScalarAsync(DbTransaction transaction, string sql, CancellationToken ct)
    {
        var connection = db.Database.GetDbConnection();
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        var value = await command.ExecuteScalarAsync(ct).ConfigureAwait(false)
            ?? throw new InvalidOperationException("mesh_state has no row: the store's migrations were not applied");
        return Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);
    }

    private sealed record Change(ConfigKind Kind, string Target, string? After, long? ExpectedVersion, string Actor, string Reason)
    {
        public long? RevertOf { get; init; }

        public long? UnchangedSince { get; init; }
    }
}
