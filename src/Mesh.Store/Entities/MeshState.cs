namespace Mesh.Store.Entities;

/// <summary>
/// The single row that numbers revisions. Every write bumps it first, which takes the row lock on
/// Postgres (and the write lock on SQLite): writers are serialised, so revision numbers follow commit
/// order and checks made after the bump cannot race.
/// </summary>
public sealed class MeshState
{
    public const int SingletonId = 1;

    public int Id { get; set; }

    public long LatestRevision { get; set; }
}
