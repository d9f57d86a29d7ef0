namespace MeshConsole.Telemetry.Aggregation;

/// <summary>The node that stands for everything outside the mesh, on either end of an edge.</summary>
public static class External
{
    public const string Name = "external";
}
