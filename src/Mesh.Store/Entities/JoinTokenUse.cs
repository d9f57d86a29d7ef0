namespace Mesh.Store.Entities;

/// <summary>An instance that joined with a token; a reconnect of the same instance is not a new use.</summary>
public sealed class JoinTokenUse
{
    public long JoinTokenId { get; set; }

    public string InstanceId { get; set; } = "";

    public DateTimeOffset At { get; set; }
}
