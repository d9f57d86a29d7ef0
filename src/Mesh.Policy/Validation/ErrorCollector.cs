namespace Mesh.Policy.Validation;

/// <summary>Gathers every error of a document at once, each under its field path.</summary>
internal sealed class ErrorCollector
{
    private readonly List<ValidationError> _errors = [];

    public IReadOnlyList<ValidationError> Errors => _errors;

    public void Add(string field, string reason) => _errors.Add(new ValidationError(field, reason));

    public static string Join(string parent, string child) =>
        parent.Length == 0 ? child : child.StartsWith('[') ? parent + child : $"{parent}.{child}";

    public static string Index(string parent, int index) => $"{parent}[{index}]";

    public static string Key(string parent, string key) => $"{parent}[\"{key}\"]";
}
