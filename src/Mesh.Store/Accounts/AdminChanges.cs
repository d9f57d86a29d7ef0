using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Mesh.Store.Accounts;

/// <summary>
/// Serialises changes that could leave the mesh without an admin (a demotion, a deletion), so "is this the
/// last admin?" and the change are one step even when two admins act at once, on one replica or several.
/// </summary>
public static class AdminChanges
{
    /// <summary>The advisory lock's key on Postgres: "MESHADMN" in ASCII.</summary>
    private const long LockKey = 0x4D45_5348_4144_4D4E;

    /// <summary>
    /// A transaction in which admin changes take turns: on Postgres it holds a transaction-scoped advisory lock;
    /// on SQLite the transaction itself takes the write lock at its start (Microsoft.Data.Sqlite begins IMMEDIATE).
    /// </summary>
    public static async Task<IDbContextTransaction> BeginAsync(AccountsDbContext db, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var transaction = await db.Database.BeginTransactionAsync(ct).ConfigureAwait(false);
        if (db.Database.IsNpgsql())
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({LockKey})", ct).ConfigureAwait(false);
        return transaction;
    }
}
