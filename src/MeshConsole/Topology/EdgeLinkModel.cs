using Blazor.Diagrams.Core.Models;
using MeshConsole.Telemetry.Aggregation;

namespace MeshConsole.Topology;

/// <summary>An edge on the diagram. <see cref="Stats"/> is null while the edge is idle: seen before, but not in the window.</summary>
public sealed class EdgeLinkModel(EdgeKey key, ServiceNodeModel source, ServiceNodeModel destination)
    : LinkModel($"edge:{key.Source}>{key.Destination}/{key.Protocol}", source, destination)
{
    public EdgeKey Key { get; } = key;

    public EdgeStats? Stats { get; set; }

    public bool IsIdle => Stats is null || Stats.Requests == 0;
}
