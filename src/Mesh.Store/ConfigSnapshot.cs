using Mesh.Store.Entities;

namespace Mesh.Store;

/// <summary>The documents as they stood at one revision.</summary>
public sealed record ConfigSnapshot(long Revision, IReadOnlyList<ConfigObject> Documents);
