using Mesh.Policy.Routing;

namespace Mesh.Policy.Validation;

/// <summary>Validation of the header conditions shared by route and fault matches.</summary>
internal static class MatchRules
{
    public static void ValidateHeaders(IReadOnlyDictionary<string, StringMatch>? headers, string path, ErrorCollector errors)
    {
        if (headers is null)
        {
            errors.Add(path, "must not be null");
            return;
        }

        foreach (var (name, match) in headers)
        {
            var at = ErrorCollector.Key(path, name);
            if (FieldRules.HeaderName(name) is { } nameError)
                errors.Add(at, nameError);
            ValidateStringMatch(match, at, errors);
        }
    }

    private static void ValidateStringMatch(StringMatch? match, string path, ErrorCollector errors)
    {
        if (match is null)
        {
            errors.Add(path, "must not be null");
            return;
        }

        var set = (match.Exact is null ? 0 : 1) + (match.Prefix is null ? 0 : 1) + (match.Regex is null ? 0 : 1);
        if (set != 1)
        {
            errors.Add(path, $"exactly one of exact, prefix or regex must be set, found {set}");
            return;
        }

        if (match.Prefix is { Length: 0 })
            errors.Add(ErrorCollector.Join(path, "prefix"), "must not be empty (omit the match to accept any value)");
        if (match.Regex is not null && FieldRules.Pattern(match.Regex) is { } patternError)
            errors.Add(ErrorCollector.Join(path, "regex"), patternError);
    }
}
