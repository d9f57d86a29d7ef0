using Mesh.Policy.Snapshots;
using Mesh.Policy.Validation;

namespace MeshConsole.Policies.Canary;

/// <summary>A subset the editor offers, from the labels of live instances: its name, selector and how many instances carry it.</summary>
public sealed record SubsetProposal(string Name, string LabelKey, string LabelValue, int Instances);

/// <summary>
/// Proposes subsets from the labels of a service's healthy instances: one per label value, named after
/// the value (<c>version=v2</c> → <c>v2</c>), or <c>key-value</c> when two keys share a value or the value
/// alone is not a DNS label. Labels that set instances apart come first (more distinct values), so
/// <c>version</c> is offered before a <c>zone</c> they all share. Selectors already declared are left out.
/// </summary>
public static class SubsetProposals
{
    public static IReadOnlyList<SubsetProposal> From(
        IEnumerable<InstanceEndpoint> instances, string service, IEnumerable<IReadOnlyDictionary<string, string>> declared)
    {
        ArgumentNullException.ThrowIfNull(instances);
        ArgumentNullException.ThrowIfNull(declared);
        var live = instances.Where(i => i.Healthy && string.Equals(i.Service, service, StringComparison.Ordinal)).ToList();
        var taken = declared.Where(d => d.Count == 1).Select(d => d.Single()).ToHashSet();
        var pairs = live
            .SelectMany(i => i.Labels)
            .GroupBy(l => (l.Key, l.Value))
            .Select(g => (g.Key.Key, g.Key.Value, Instances: g.Count()))
            .Where(p => !taken.Contains(new KeyValuePair<string, string>(p.Key, p.Value)) && FieldRules.LabelValue(p.Value) is null && p.Value.Length > 0)
            .ToList();
        var distinct = pairs.GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var sharedValues = pairs.GroupBy(p => p.Value).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet(StringComparer.Ordinal);
        return pairs
            .OrderByDescending(p => distinct[p.Key]).ThenBy(p => p.Key, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal)
            .Select(p => new SubsetProposal(Name(p.Key, p.Value, sharedValues), p.Key, p.Value, p.Instances))
            .Where(p => FieldRules.DnsLabel(p.Name) is null)
            .ToList();
    }

    private static string Name(string key, string value, HashSet<string> sharedValues)
    {
        var plain = value.ToLowerInvariant();
        if (!sharedValues.Contains(value) && FieldRules.DnsLabel(plain) is null && plain == value)
            return plain;
        // The key's last segment (topology.kubernetes.io/zone → zone), then the value, as one label.
        var prefix = key[(key.LastIndexOf('/') + 1)..];
        var name = new string($"{prefix}-{value}".ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray()).Trim('-');
        return name.Length > 63 ? name[..63].TrimEnd('-') : name;
    }
}
