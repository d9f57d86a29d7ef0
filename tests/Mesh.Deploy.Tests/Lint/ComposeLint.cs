using YamlDotNet.RepresentationModel;

namespace Mesh.Deploy.Tests.Lint;

/// <summary>Cross-checks a compose file: what its services name must exist, and their images must be pinned.</summary>
public static class ComposeLint
{
    public static IReadOnlyList<Finding> Check(string file, YamlNode root)
    {
        var findings = new List<Finding>();
        var services = root.Get("services").Entries().ToList();
        var names = services.Select(s => s.Key).ToHashSet(StringComparer.Ordinal);
        foreach (var (name, service) in services)
        {
            var dependsOn = service.Get("depends_on");
            var dependencies = dependsOn is YamlSequenceNode list
                ? list.Children.Select(d => (Name: d.Text() ?? "", Node: d))
                : dependsOn.Entries().Select(d => (Name: d.Key, Node: d.Value));
            foreach (var dependency in dependencies.Where(d => !names.Contains(d.Name)))
                findings.Add(new(file, dependency.Node.Line(), $"service {name}: depends_on names no service: {dependency.Name}"));

            if (service.Get("network_mode") is { } networkMode && networkMode.Text() is { } mode
                && mode.StartsWith("service:", StringComparison.Ordinal) && !names.Contains(mode["service:".Length..]))
                findings.Add(new(file, networkMode.Line(), $"service {name}: network_mode names no service: {mode}"));

            if (service.Get("image") is { } image && Images.Problem(image.Text()) is { } problem)
                findings.Add(new(file, image.Line(), $"service {name}: {problem}"));
            else if (service.Get("image") is null && service.Get("build") is null)
                findings.Add(new(file, service.Line(), $"service {name}: neither image nor build"));
        }

        return findings;
    }

    /// <summary>The environment variables each service sets: a mapping, or a list of NAME=value.</summary>
    public static IEnumerable<(string Name, long Line)> Environment(YamlNode root) =>
        root.Get("services").Entries().SelectMany(s => s.Value.Get("environment") is YamlSequenceNode list
            ? list.Children.Select(e => ((e.Text() ?? "").Split('=')[0], e.Line()))
            : s.Value.Get("environment").Entries().Select(e => (e.Key, e.Value.Line())));
}
