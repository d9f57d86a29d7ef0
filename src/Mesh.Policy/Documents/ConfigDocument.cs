using Mesh.Policy.Validation;

namespace Mesh.Policy.Documents;

/// <summary>A document that parsed and passed validation.</summary>
/// <param name="Kind">What it is.</param>
/// <param name="Spec">The typed policy, e.g. a <see cref="Routing.RoutePolicy"/>.</param>
/// <param name="Json">Its canonical compact JSON: equal documents give equal text.</param>
public sealed record ConfigDocument(ConfigKind Kind, object Spec, string Json);

/// <summary>The outcome of reading a document: the document, or every error found.</summary>
public sealed record DocumentResult
{
    /// <summary>The document when it is valid.</summary>
    public ConfigDocument? Document { get; init; }

    /// <summary>Every problem; empty when <see cref="Document"/> is set.</summary>
    public IReadOnlyList<ValidationError> Errors { get; init; } = [];

    /// <summary>True when the text was not JSON at all (HTTP 400), false when JSON but invalid (HTTP 422).</summary>
    public bool Malformed { get; init; }

    /// <summary>True when the document is valid.</summary>
    public bool IsValid => Document is not null;
}
