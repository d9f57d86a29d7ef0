using System.ComponentModel.DataAnnotations;

namespace MeshConsole.ControlPlane;

/// <summary>Timing of the control plane. Bound from <c>Mesh:ControlPlane</c>.</summary>
public sealed class ControlPlaneOptions
{
    public const string Section = "Mesh:ControlPlane";

    /// <summary>An instance whose sidecar was not heard from for this long is unhealthy. Key <c>Mesh:ControlPlane:HeartbeatGrace</c>.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00", ErrorMessage = "Mesh:ControlPlane:HeartbeatGrace must be between 1 s and 1 h.")]
    public TimeSpan HeartbeatGrace { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>A disconnected instance is forgotten after this long. Key <c>Mesh:ControlPlane:RemoveAfter</c>.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00", ErrorMessage = "Mesh:ControlPlane:RemoveAfter must be between 1 s and 7 days.")]
    public TimeSpan RemoveAfter { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Changes arriving within this window are pushed together. Key <c>Mesh:ControlPlane:PushDebounce</c>.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:10", ErrorMessage = "Mesh:ControlPlane:PushDebounce must be between 0 and 10 s.")]
    public TimeSpan PushDebounce { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>How often the console pings each stream. Key <c>Mesh:ControlPlane:PingInterval</c>.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00", ErrorMessage = "Mesh:ControlPlane:PingInterval must be between 1 s and 10 min.")]
    public TimeSpan PingInterval { get; set; } = TimeSpan.FromSeconds(10);
}
