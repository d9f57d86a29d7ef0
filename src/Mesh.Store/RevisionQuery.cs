using Mesh.Policy.Documents;
using Mesh.Store.Entities;

namespace Mesh.Store;

/// <summary>A page of the history, newest first, filtered by any of target, kind and actor.</summary>
public sealed record RevisionQuery
{
    public const int MaxPageSize = 200;

    public string? Target { get; init; }

    public ConfigKind? Kind { get; init; }

    public string? Actor { get; init; }

    /// <summary>1-based.</summary>
    public int Page { get; init; } = 1;

    public int PageSize { get; init; } = 50;
}

/// <summary>One page of revisions and how many match in all.</summary>
public sealed record RevisionPage(IReadOnlyList<ConfigRevision> Items, int Page, int PageSize, int Total);
