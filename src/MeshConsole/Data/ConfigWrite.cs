using Mesh.Policy.Validation;
using Mesh.Store;
using Mesh.Store.Entities;

namespace MeshConsole.Data;

/// <summary>How a write from a page ended: the store's result, or a refusal before the store (role, validation).</summary>
public sealed record ConfigWrite
{
    /// <summary>The store's outcome; null when the write was refused before it reached the store.</summary>
    public WriteResult? Result { get; init; }

    /// <summary>The signed-in user lacks the role; nothing was written.</summary>
    public bool IsForbidden { get; init; }

    /// <summary>Field-level errors (paths such as <c>rules[0].destinations</c> or <c>reason</c>); nothing was written.</summary>
    public IReadOnlyList<ValidationError> Errors { get; init; } = [];

    /// <summary>Why the write was refused, in words; null when it succeeded.</summary>
    public string? Message { get; init; }

    public bool Succeeded => Result is { Succeeded: true };

    /// <summary>Someone else changed the document since it was read (or a revert target changed since).</summary>
    public bool IsConflict => Result is { Status: WriteStatus.Conflict };

    /// <summary>The revision written; null when nothing changed or the write was refused.</summary>
    public ConfigRevision? Revision => Result?.Revision;

    /// <summary>The document as it stands after the call (for a conflict: what the other writer left).</summary>
    public ConfigObject? Current => Result?.Current;

    internal static ConfigWrite From(WriteResult result) => new()
    {
        Result = result,
        Errors = result.Errors,
        Message = result.Succeeded ? null : result.Message,
    };

    internal static ConfigWrite Invalid(params ValidationError[] errors) => new()
    {
        Errors = errors,
        Message = errors.Length == 1 ? errors[0].ToString() : $"{errors.Length} fields need attention",
    };

    internal static ConfigWrite Forbidden(string message) => new() { IsForbidden = true, Message = message };
}
