using Mesh.Policy.Validation;

namespace Mesh.Policy.Access;

/// <summary>Checks an <see cref="AccessPolicy"/> and reports every problem at once.</summary>
public static class AccessPolicyValidator
{
    /// <summary>Every error in <paramref name="policy"/>; empty when it can be applied.</summary>
    public static IReadOnlyList<ValidationError> Validate(AccessPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var errors = new ErrorCollector();
        if (!Enum.IsDefined(policy.DefaultAction))
            errors.Add("defaultAction", "must be allow or deny");

        ValidateMtls(policy.Mtls, errors);
        if (policy.Rules is null)
        {
            errors.Add("rules", "must not be null");
            return errors.Errors;
        }

        var selectors = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < policy.Rules.Count; i++)
        {
            var at = ErrorCollector.Index("rules", i);
            if (policy.Rules[i] is not { } rule)
            {
                errors.Add(at, "must not be null");
                continue;
            }

            var before = errors.Errors.Count;
            ValidateRule(rule, at, errors);
            if (errors.Errors.Count != before)
                continue;

            // Two rules with one selector would make the decision depend on their order, which the
            // precedence rule deliberately ignores: refuse the ambiguity instead of guessing.
            var selector = Selector(rule);
            if (selectors.TryGetValue(selector, out var first))
                errors.Add(at, $"matches exactly the same calls as rules[{first}]; merge or remove one");
            else
                selectors[selector] = i;
        }

        return errors.Errors;
    }

    private static void ValidateRule(AccessRule rule, string path, ErrorCollector errors)
    {
        ValidateServiceOrWildcard(rule.Source, ErrorCollector.Join(path, "source"), errors);
        ValidateServiceOrWildcard(rule.Destination, ErrorCollector.Join(path, "destination"), errors);
        if (!Enum.IsDefined(rule.Action))
            errors.Add(ErrorCollector.Join(path, "action"), "must be allow or deny");

        var methods = rule.Methods ?? [];
        for (var i = 0; i < methods.Count; i++)
        {
            if (FieldRules.HttpMethod(methods[i]) is { } error)
                errors.Add(ErrorCollector.Index(ErrorCollector.Join(path, "methods"), i), error);
        }

        var prefixes = rule.PathPrefixes ?? [];
        for (var i = 0; i < prefixes.Count; i++)
        {
            if (FieldRules.PathPrefix(prefixes[i]) is { } error)
                errors.Add(ErrorCollector.Index(ErrorCollector.Join(path, "pathPrefixes"), i), error);
        }
    }

    private static void ValidateMtls(MtlsPolicy? mtls, ErrorCollector errors)
    {
        if (mtls is null)
            return;
        if (!Enum.IsDefined(mtls.Mode))
            errors.Add("mtls.mode", "must be strict or permissive");
        if (mtls.Services is null)
        {
            errors.Add("mtls.services", "must not be null");
            return;
        }

        foreach (var (service, mode) in mtls.Services)
        {
            var at = ErrorCollector.Key("mtls.services", service);
            if (FieldRules.DnsLabel(service) is { } error)
                errors.Add(at, $"service name {error}");
            else if (!Enum.IsDefined(mode))
                errors.Add(at, "must be strict or permissive");
        }
    }

    private static void ValidateServiceOrWildcard(string? value, string path, ErrorCollector errors)
    {
        if (value == AccessEvaluator.Any)
            return;
        if (FieldRules.DnsLabel(value) is { } error)
            errors.Add(path, value is null or "" ? "required: a service name or *" : error);
    }

    private static string Selector(AccessRule rule) =>
        string.Join('|',
            rule.Source,
            rule.Destination,
            string.Join(',', (rule.Methods ?? []).Order(StringComparer.Ordinal)),
            string.Join(',', (rule.PathPrefixes ?? []).Order(StringComparer.Ordinal)));
}
