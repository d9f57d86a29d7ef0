using Mesh.Contracts.V1;
using Mesh.Policy.Snapshots;

namespace MeshConsole.ControlPlane;

/// <summary>
/// A snapshot as it goes on the wire, built once per publication and written, unchanged, to every
/// stream: building it per stream costs O(streams × endpoints) on every push, which a mesh of
/// thousands of sidecars cannot afford. The nonce names the publication, not the stream.
/// </summary>
internal sealed record PublishedSnapshot(MeshSnapshot Snapshot, ControlMessage Message)
{
    private static long _publications;

    public string Nonce => Message.Snapshot.Nonce;

    public static PublishedSnapshot Create(MeshSnapshot snapshot, DateTimeOffset issuedAt)
    {
        var nonce = $"{snapshot.Hash[..12]}-{Interlocked.Increment(ref _publications)}";
        return new PublishedSnapshot(snapshot, new ControlMessage { Snapshot = SnapshotMessages.ToMessage(snapshot, nonce, issuedAt) });
    }
}
