namespace MeshConsole.Topology;

/// <summary>What the operator chose to see: a name filter, idle edges or not, one node's neighbourhood, and the edge labels.</summary>
public sealed record TopologyDisplay
{
    /// <summary>Shows the services whose name contains this (any case), their edges and the services at the other end.</summary>
    public string Filter { get; init; } = "";

    public bool HideIdle { get; init; }

    /// <summary>Shows only this service, its edges and its neighbours.</summary>
    public string? Focus { get; init; }

    public bool LabelRate { get; init; } = true;

    public bool LabelP95 { get; init; } = true;

    public bool LabelErrors { get; init; } = true;
}
