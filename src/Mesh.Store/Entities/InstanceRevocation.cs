namespace Mesh.Store.Entities;

/// <summary>An instance the mesh no longer admits: its certificates are revoked and it may not rejoin until lifted.</summary>
public sealed class InstanceRevocation
{
    public string InstanceId { get; set; } = "";

    public DateTimeOffset At { get; set; }

    public string By { get; set; } = "";

    public string Reason { get; set; } = "";
}
