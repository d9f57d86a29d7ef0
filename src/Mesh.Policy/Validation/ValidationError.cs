namespace Mesh.Policy.Validation;

/// <summary>One problem with a policy: the field's path (e.g. <c>rules[1].destinations</c>) and why.</summary>
/// <param name="Field">Path of the offending field from the document's root; empty for the whole document.</param>
/// <param name="Reason">What is wrong, in words an operator understands.</param>
public sealed record ValidationError(string Field, string Reason)
{
    /// <inheritdoc />
    public override string ToString() => Field.Length == 0 ? Reason : $"{Field}: {Reason}";
}
