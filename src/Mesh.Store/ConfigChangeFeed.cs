namespace Mesh.Store;

/// <summary>
/// Announces committed revisions to whoever recompiles from them (the control plane). Raised after
/// the commit, never inside the transaction; handlers must be quick and must not throw.
/// </summary>
public sealed class ConfigChangeFeed
{
    public event Action<long>? Committed;

    public void Publish(long revision) => Committed?.Invoke(revision);
}
