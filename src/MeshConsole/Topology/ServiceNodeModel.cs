using Blazor.Diagrams.Core.Geometry;
using Blazor.Diagrams.Core.Models;
using MeshConsole.Telemetry.Aggregation;

namespace MeshConsole.Topology;

/// <summary>A service on the diagram: its inbound figures over the window and what the mesh knows of it.</summary>
public sealed class ServiceNodeModel(string service, Point position) : NodeModel($"svc:{service}", position)
{
    public string Service { get; } = service;

    /// <summary>Inbound figures over the window; null when nothing called it in the window.</summary>
    public NodeStats? Stats { get; set; }

    public ServiceShape? Shape { get; set; }

    public bool IsExternal => Service == External.Name;

    /// <summary>Where the graph last put the node, or the operator last left it.</summary>
    public Point? PlacedAt { get; set; }

    public void Place(LayoutPoint at)
    {
        SetPosition(at.X, at.Y);
        PlacedAt = Position;
    }

    /// <summary>The <see cref="Summary"/> the browser last drew.</summary>
    public string? Shown { get; set; }

    /// <summary>Everything the node's widget shows, as text: when it has not changed, the node is not redrawn.</summary>
    public string Summary() => string.Join(
        '|',
        Stats is { InboundRequests: > 0 } s ? $"{TopologyFormat.Rate(s.InboundRequestsPerSecond)}/{TopologyFormat.Percent(s.ErrorPercent)}/{s.Health}" : "idle",
        Shape is { } shape ? $"{shape.Instances.Count(i => i.Healthy)}/{shape.Instances.Count}" : "",
        string.Join(',', Shape?.Subsets.Select(x => $"{x.Name}:{x.Weight}:{x.Instances}") ?? []),
        Selected);

    /// <summary>What the layout assumes of the node's size before the browser has measured it.</summary>
    public LayoutSize NominalSize => new(190, 58 + (18 * (Shape?.Subsets.Count ?? 0)));
}
