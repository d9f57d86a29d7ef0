namespace MeshSidecar.Traffic;

/// <summary>
/// The calling service, as the caller's sidecar names it on every request it forwards (any value
/// the app set is replaced). Over mutual TLS the destination's sidecar ignores it and writes the
/// verified caller in its place; from a plaintext caller it counts for per-source rate limits and
/// metrics only, never for access decisions.
/// </summary>
internal static class SourceHeader
{
    public const string Name = "X-Mesh-Source";

    public const string Unknown = "unknown";
}
