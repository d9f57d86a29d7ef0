namespace MeshSidecar.Listeners;

/// <summary>
/// What the TLS handshake of an inbound connection proved about the caller, set once per
/// connection. Absent on a plaintext connection.
/// </summary>
/// <param name="Service">The caller's verified service; null when it sent no certificate.</param>
/// <param name="Serial">Its certificate's serial number, checked against revocations on every request.</param>
internal sealed record MeshPeer(string? Service, string? Serial)
{
    public static MeshPeer Anonymous { get; } = new(null, null);
}
