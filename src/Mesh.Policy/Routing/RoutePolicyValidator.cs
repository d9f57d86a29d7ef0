using Mesh.Policy.Validation;

namespace Mesh.Policy.Routing;

/// <summary>Checks a <see cref="RoutePolicy"/> and reports every problem at once.</summary>
public static class RoutePolicyValidator
{
    /// <summary>Every error in <paramref name="policy"/>; empty when it can be applied.</summary>
    public static IReadOnlyList<ValidationError> Validate(RoutePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var errors = new ErrorCollector();
        var subsets = ValidateSubsets(policy.Subsets, errors);

        if (policy.Rules is null)
            errors.Add("rules", "must not be null");
        else if (policy.Rules.Count == 0)
            errors.Add("rules", "at least one rule is required");
        else
            ValidateRules(policy.Rules, subsets, errors);

        if (policy.Mirror is { } mirror)
        {
            if (string.IsNullOrEmpty(mirror.Subset))
                errors.Add("mirror.subset", "required");
            else if (!subsets.Contains(mirror.Subset))
                errors.Add("mirror.subset", $"unknown subset \"{mirror.Subset}\"");
            if (FieldRules.Percent(mirror.Percent) is { } percentError)
                errors.Add("mirror.percent", percentError);
        }

        return errors.Errors;
    }

    private static HashSet<string> ValidateSubsets(IReadOnlyList<Subset>? subsets, ErrorCollector errors)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        if (subsets is null)
        {
            errors.Add("subsets", "must not be null");
            return names;
        }

        for (var i = 0; i < subsets.Count; i++)
        {
            var at = ErrorCollector.Index("subsets", i);
            if (subsets[i] is not { } subset)
            {
                errors.Add(at, "must not be null");
                continue;
            }

            if (FieldRules.DnsLabel(subset.Name) is { } nameError)
                errors.Add(ErrorCollector.Join(at, "name"), nameError);
            else if (!names.Add(subset.Name))
                errors.Add(ErrorCollector.Join(at, "name"), $"\"{subset.Name}\" is declared twice");

            ValidateSelector(subset.Labels, ErrorCollector.Join(at, "labels"), errors);
        }

        return names;
    }

    private static void ValidateSelector(IReadOnlyDictionary<string, string>? labels, string path, ErrorCollector errors)
    {
        if (labels is null || labels.Count == 0)
        {
            errors.Add(path, "at least one label is required to select instances");
            return;
        }

        foreach (var (key, value) in labels)
        {
            var at = ErrorCollector.Key(path, key);
            if (FieldRules.LabelKey(key) is { } keyError)
                errors.Add(at, keyError);
            if (FieldRules.LabelValue(value) is { } valueError)
                errors.Add(at, valueError);
        }
    }

    private static void ValidateRules(IReadOnlyList<RouteRule> rules, HashSet<string> subsets, ErrorCollector errors)
    {
        var ruleNames = new HashSet<string>(StringComparer.Ordinal);
        int? catchAll = null;
        for (var i = 0; i < rules.Count; i++)
        {
            var at = ErrorCollector.Index("rules", i);
            if (rules[i] is not { } rule)
            {
                errors.Add(at, "must not be null");
                continue;
            }

            if (catchAll is { } earlier)
                errors.Add(at, $"unreachable: rules[{earlier}] sets no match condition and takes every request");

            if (rule.Name is not null)
            {
                if (FieldRules.DnsLabel(rule.Name) is { } nameError)
                    errors.Add(ErrorCollector.Join(at, "name"), nameError);
                else if (!ruleNames.Add(rule.Name))
                    errors.Add(ErrorCollector.Join(at, "name"), $"\"{rule.Name}\" is used by another rule");
            }

            if (rule.TimeoutMs is { } timeout && FieldRules.Range(timeout, 1, Resilience.ResiliencePolicyValidator.MaxTimeoutMs) is { } timeoutError)
                errors.Add(ErrorCollector.Join(at, "timeoutMs"), timeoutError);
            if (rule.Match is { } match)
                ValidateMatch(match, ErrorCollector.Join(at, "match"), errors);
            if (TakesEveryRequest(rule.Match))
                catchAll ??= i;

            ValidateDestinations(rule.Destinations, ErrorCollector.Join(at, "destinations"), subsets, errors);
        }
    }

    /// <summary>A rule without a match, or with a match that sets no condition, takes every request.</summary>
    private static bool TakesEveryRequest(RouteMatch? match) =>
        match is null || (match.Headers is { Count: 0 } && match.PathPrefix is null && match.Methods is null or { Count: 0 });

    private static void ValidateMatch(RouteMatch match, string path, ErrorCollector errors)
    {
        MatchRules.ValidateHeaders(match.Headers, ErrorCollector.Join(path, "headers"), errors);

        if (match.PathPrefix is not null && FieldRules.PathPrefix(match.PathPrefix) is { } prefixError)
            errors.Add(ErrorCollector.Join(path, "pathPrefix"), prefixError);

        var methods = match.Methods ?? [];
        for (var i = 0; i < methods.Count; i++)
        {
            if (FieldRules.HttpMethod(methods[i]) is { } methodError)
                errors.Add(ErrorCollector.Index(ErrorCollector.Join(path, "methods"), i), methodError);
        }
    }

    private static void ValidateDestinations(
        IReadOnlyList<WeightedDestination>? destinations, string path, HashSet<string> subsets, ErrorCollector errors)
    {
        if (destinations is null || destinations.Count == 0)
        {
            errors.Add(path, "at least one destination is required");
            return;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var sum = 0L;
        var weightsValid = true;
        for (var i = 0; i < destinations.Count; i++)
        {
            var at = ErrorCollector.Index(path, i);
            if (destinations[i] is not { } destination)
            {
                errors.Add(at, "must not be null");
                weightsValid = false;
                continue;
            }

            if (string.IsNullOrEmpty(destination.Subset))
                errors.Add(ErrorCollector.Join(at, "subset"), "required");
            else if (!subsets.Contains(destination.Subset))
                errors.Add(ErrorCollector.Join(at, "subset"), $"unknown subset \"{destination.Subset}\"");
            else if (!seen.Add(destination.Subset))
                errors.Add(ErrorCollector.Join(at, "subset"), $"\"{destination.Subset}\" appears twice in this rule");

            if (FieldRules.Range(destination.Weight, 0, 100) is { } weightError)
            {
                errors.Add(ErrorCollector.Join(at, "weight"), weightError);
                weightsValid = false;
            }

            sum += destination.Weight;
        }

        if (weightsValid && sum != 100)
            errors.Add(path, $"weights sum to {sum}, must be 100");
    }
}
