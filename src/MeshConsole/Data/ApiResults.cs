using Mesh.Policy.Documents;
using Mesh.Policy.Validation;
using Mesh.Store;

namespace MeshConsole.Data;

/// <summary>What a write answers: the document's new version and the revision it made.</summary>
/// <param name="Status">created, updated, deleted or unchanged.</param>
/// <param name="Kind">The document's kind.</param>
/// <param name="Target">The service, or <c>mesh</c>.</param>
/// <param name="Version">The document's version now; 0 once deleted.</param>
/// <param name="Revision">The revision written; null when nothing changed.</param>
/// <param name="RevertOf">For a revert, the revision it undid.</param>
public sealed record WriteResponse(string Status, string Kind, string Target, long Version, long? Revision, long? RevertOf);

/// <summary>Maps store outcomes and validation errors to HTTP answers (RFC 7807 problems for refusals).</summary>
internal static class ApiResults
{
    public static IResult Invalid(string title, IReadOnlyList<ValidationError> errors, bool malformed = false)
    {
        var byField = errors
            .GroupBy(e => e.Field.Length == 0 ? "$" : e.Field)
            .ToDictionary(g => g.Key, g => g.Select(e => e.Reason).ToArray());
        return Results.ValidationProblem(
            byField,
            detail: string.Join("; ", errors),
            title: title,
            statusCode: malformed ? StatusCodes.Status400BadRequest : StatusCodes.Status422UnprocessableEntity);
    }

    public static IResult Write(WriteResult result, ConfigKind kind, string target, string location)
    {
        var body = new WriteResponse(
            result.Status.ToString().ToLowerInvariant(),
            kind.Name(),
            target,
            result.Current?.Version ?? 0,
            result.Revision?.Number,
            result.Revision?.RevertOf);
        return result.Status switch
        {
            WriteStatus.Created => Results.Created(location, body),
            WriteStatus.Updated or WriteStatus.Deleted or WriteStatus.Unchanged => Results.Ok(body),
            WriteStatus.Conflict => Results.Problem(
                result.Message, statusCode: StatusCodes.Status409Conflict, title: "Conflict",
                extensions: new Dictionary<string, object?> { ["currentVersion"] = result.Current?.Version ?? 0 }),
            WriteStatus.NotFound => NotFound(result.Message ?? "not found"),
            WriteStatus.Invalid => Invalid(result.Message ?? "invalid", result.Errors),
            _ => throw new InvalidOperationException($"unexpected write status {result.Status}"),
        };
    }

    public static IResult NotFound(string detail) =>
        Results.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: "Not found");
}
