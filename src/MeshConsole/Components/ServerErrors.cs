using Mesh.Policy.Validation;

namespace MeshConsole.Components;

/// <summary>
/// The server's field-level errors of one write, looked up by the form fields that show them
/// (<c>Error="@_errors.Has("reason")" ErrorText="@_errors.For("reason")"</c>). Errors no field claims are
/// shown in a summary, so none is ever lost.
/// </summary>
public sealed class ServerErrors
{
    private readonly IReadOnlyList<ValidationError> _errors;

    public ServerErrors(IEnumerable<ValidationError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        _errors = [.. errors];
    }

    public static ServerErrors None { get; } = new([]);

    public bool Any => _errors.Count > 0;

    public IReadOnlyList<ValidationError> All => _errors;

    public bool Has(string field) => _errors.Any(e => Covers(field, e.Field));

    /// <summary>The messages for <paramref name="field"/> and anything below it (<c>rules[0]</c> covers <c>rules[0].weight</c>), joined.</summary>
    public string? For(string field)
    {
        var messages = _errors.Where(e => Covers(field, e.Field))
            .Select(e => e.Field == field ? e.Reason : $"{e.Field[field.Length..].TrimStart('.')}: {e.Reason}")
            .ToList();
        return messages.Count == 0 ? null : string.Join("; ", messages);
    }

    /// <summary>The errors none of <paramref name="shownFields"/> covers, for the form's summary.</summary>
    public IReadOnlyList<ValidationError> Unshown(params string[] shownFields) =>
        [.. _errors.Where(e => !shownFields.Any(f => Covers(f, e.Field)))];

    private static bool Covers(string field, string path) =>
        path == field
        || (path.Length > field.Length && path.StartsWith(field, StringComparison.Ordinal) && path[field.Length] is '.' or '[');
}
