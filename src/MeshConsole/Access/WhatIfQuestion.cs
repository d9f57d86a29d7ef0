using Mesh.Policy.Access;
using Mesh.Policy.Validation;

namespace MeshConsole.Access;

/// <summary>"May <c>frontend</c> call <c>GET /admin</c> on <c>orders</c>?", as the what-if form and REST ask it.</summary>
public sealed record WhatIfQuestion(string? Source, string? Destination, string? Method, string? Path)
{
    /// <summary>Every problem with the question, by field; empty when it can be judged.</summary>
    public IReadOnlyList<ValidationError> Validate()
    {
        var errors = new List<ValidationError>();
        if (Source == AccessEvaluator.Any)
            errors.Add(new("source", "name one calling service; * is for rules"));
        else if (Source != AccessEvaluator.Unauthenticated && FieldRules.DnsLabel(Source) is { } source)
            errors.Add(new("source", Source is null or "" ? $"required: a service name, or {AccessEvaluator.Unauthenticated} for a caller without identity" : source));
        if (Destination == AccessEvaluator.Any)
            errors.Add(new("destination", "name one called service; * is for rules"));
        else if (FieldRules.DnsLabel(Destination) is { } destination)
            errors.Add(new("destination", Destination is null or "" ? "required: a service name" : destination));
        if (FieldRules.HttpMethod(Method) is { } method)
            errors.Add(new("method", Method is null or "" ? "required: GET, POST, ..." : method));
        if (FieldRules.PathPrefix(Path) is { } path)
            errors.Add(new("path", Path is null or "" ? "required: the request path, e.g. /admin" : path));
        return errors;
    }

    /// <summary>The call to judge; only for a question without errors.</summary>
    public AccessRequest Request() => new(Source!, Destination!, Method!, Path!);
}
