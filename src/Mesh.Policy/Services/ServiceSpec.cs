namespace Mesh.Policy.Services;

/// <summary>A service of the mesh as an operator describes it; its name is the resource's key.</summary>
public sealed record ServiceSpec
{
    /// <summary>The team or person answerable for the service.</summary>
    public string Owner { get; init; } = "";

    /// <summary>Free text shown in the console.</summary>
    public string Description { get; init; } = "";

    /// <summary>
    /// Fully qualified gRPC services the service serves, e.g. <c>shop.v1.Orders</c>: a gRPC call
    /// to <c>/shop.v1.Orders/Get</c> reaches it with no header, whatever the authority.
    /// </summary>
    public IReadOnlyList<string> GrpcServices { get; init; } = [];
}
