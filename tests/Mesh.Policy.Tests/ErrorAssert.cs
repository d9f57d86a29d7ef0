using Mesh.Policy.Validation;

namespace Mesh.Policy.Tests;

/// <summary>Assertions on validation results; on failure xunit prints every error as <c>field: reason</c>.</summary>
internal static class ErrorAssert
{
    /// <summary>There is exactly one error, at <paramref name="field"/>, whose reason contains <paramref name="reasonPart"/>.</summary>
    public static ValidationError Single(IReadOnlyList<ValidationError> errors, string field, string reasonPart)
    {
        var error = Assert.Single(errors);
        Assert.Equal(field, error.Field);
        Assert.Contains(reasonPart, error.Reason, StringComparison.Ordinal);
        return error;
    }

    /// <summary>Among the errors is one at <paramref name="field"/> whose reason contains <paramref name="reasonPart"/>.</summary>
    public static void Has(IReadOnlyList<ValidationError> errors, string field, string reasonPart) =>
        Assert.Contains(errors, e => e.Field == field && e.Reason.Contains(reasonPart, StringComparison.Ordinal));
}
