using Mesh.Policy.Documents;
using Mesh.Policy.Validation;
using Mesh.Store.Entities;

namespace Mesh.Store;

/// <summary>How a write ended.</summary>
public enum WriteStatus
{
    Created,
    Updated,
    Deleted,

    /// <summary>The document already said exactly this: no revision was written.</summary>
    Unchanged,

    /// <summary>The writer's version is stale, or the change would break another document.</summary>
    Conflict,

    /// <summary>The document, its service or the revision does not exist.</summary>
    NotFound,

    /// <summary>A revert would restore a document that is no longer valid (e.g. an expired fault).</summary>
    Invalid,
}

/// <summary>The outcome of a write, a delete or a revert.</summary>
public sealed record WriteResult
{
    public required WriteStatus Status { get; init; }

    /// <summary>The revision written, when one was.</summary>
    public ConfigRevision? Revision { get; init; }

    /// <summary>The document as it stands after the call (null when deleted or absent).</summary>
    public ConfigObject? Current { get; init; }

    /// <summary>Why a write was refused, in words for the caller.</summary>
    public string? Message { get; init; }

    /// <summary>For <see cref="WriteStatus.Invalid"/>: what is wrong with the restored document.</summary>
    public IReadOnlyList<ValidationError> Errors { get; init; } = [];

    public bool Succeeded => Status is WriteStatus.Created or WriteStatus.Updated or WriteStatus.Deleted or WriteStatus.Unchanged;
}

/// <summary>One change of a batch: a document to create or replace, or (with no document) to delete.</summary>
/// <param name="Kind">The document's kind.</param>
/// <param name="Target">The service, or <c>mesh</c> for the access policy.</param>
/// <param name="Document">The validated document; null deletes it.</param>
/// <param name="ExpectedVersion">The version the writer saw (0: none); null writes whatever the version.</param>
public sealed record ConfigChange(ConfigKind Kind, string Target, ConfigDocument? Document, long? ExpectedVersion);

/// <summary>The outcome of a batch: every change's result, or the one refusal that left everything as it was.</summary>
public sealed record BatchWriteResult
{
    /// <summary>One result per change, in order; after a refusal only the refusal.</summary>
    public required IReadOnlyList<WriteResult> Results { get; init; }

    /// <summary>The index of the change that was refused; nothing of the batch was written then.</summary>
    public int? RefusedAt { get; init; }

    public bool Succeeded => RefusedAt is null;
}
