namespace MeshSidecar.Traffic;

/// <summary>
/// The calling service, as the caller's sidecar names it on every request it forwards (any value
/// the app set is replaced). The destination's sidecar reads it for per-source rate limits and
/// metrics. Until mTLS identities (issue 5) it is as trustworthy as the network between sidecars.
/// </summary>
internal static class SourceHeader
{
    public const string Name = "X-Mesh-Source";

    public const string Unknown = "unknown";
}
