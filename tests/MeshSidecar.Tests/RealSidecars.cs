namespace MeshSidecar.Tests;

/// <summary>
/// Tests that start real sidecars run one class at a time: each binds several loopback ports, and
/// the machine's few cores serve them all.
/// </summary>
[CollectionDefinition(Name)]
public sealed class RealSidecars
{
    public const string Name = "real sidecars";
}
