using YamlDotNet.RepresentationModel;

namespace Mesh.Deploy.Tests.Lint;

/// <summary>Cross-checks a set of Kubernetes manifests the way the API server and kubelet would find them wanting.</summary>
public static class KubernetesLint
{
    private static readonly string[] _workloadKinds = ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"];

    /// <summary>A manifest document and the file it came from.</summary>
    public sealed record Manifest(string File, YamlNode Root)
    {
        public string Kind => Root.Get("kind").Text() ?? "";

        public string Name => Root.At("metadata", "name").Text() ?? "";
    }

    /// <summary>The pod template of a workload or Job, with its labels.</summary>
    private sealed record PodTemplate(Manifest Owner, YamlNode Spec, YamlNode? Labels);

    public static IReadOnlyList<Finding> Check(IReadOnlyList<Manifest> manifests)
    {
        var findings = new List<Finding>();
        foreach (var manifest in manifests)
        {
            foreach (var field in new[] { "apiVersion", "kind" })
            {
                if (string.IsNullOrEmpty(manifest.Root.Get(field).Text()))
                    findings.Add(new(manifest.File, manifest.Root.Line(), $"a document without {field}"));
            }

            // kustomize's own file names its resources, not itself.
            if (manifest.Kind != "Kustomization" && manifest.Name.Length == 0)
                findings.Add(new(manifest.File, manifest.Root.Line(), $"{manifest.Kind} without metadata.name"));
        }

        var templates = manifests.Select(Template).OfType<PodTemplate>().ToList();
        foreach (var template in templates)
        {
            CheckSelector(template, findings);
            CheckPod(template, manifests, findings);
        }

        foreach (var service in manifests.Where(m => m.Kind == "Service"))
            CheckService(service, templates, findings);
        return findings;
    }

    private static PodTemplate? Template(Manifest manifest)
    {
        var template = manifest.Kind switch
        {
            "CronJob" => manifest.Root.At("spec", "jobTemplate", "spec", "template"),
            "Job" or "Deployment" or "StatefulSet" or "DaemonSet" or "ReplicaSet" => manifest.Root.At("spec", "template"),
            _ => null,
        };
        return template?.Get("spec") is { } spec ? new PodTemplate(manifest, spec, template.At("metadata", "labels")) : null;
    }

    private static void CheckSelector(PodTemplate template, List<Finding> findings)
    {
        var owner = template.Owner;
        if (!_workloadKinds.Contains(owner.Kind))
            return;
        var selector = owner.Root.At("spec", "selector", "matchLabels");
        if (selector is null)
        {
            findings.Add(new(owner.File, owner.Root.Line(), $"{owner.Kind} {owner.Name}: no spec.selector.matchLabels"));
            return;
        }

        foreach (var (key, value) in selector.Entries())
        {
            if (template.Labels.Get(key).Text() != value.Text())
                findings.Add(new(owner.File, value.Line(), $"{owner.Kind} {owner.Name}: selector {key}={value.Text()} does not match its pod template's labels"));
        }
    }

    private static void CheckPod(PodTemplate template, IReadOnlyList<Manifest> manifests, List<Finding> findings)
    {
        var owner = template.Owner;
        var podSecurity = template.Spec.Get("securityContext");
        foreach (var container in Containers(template.Spec))
        {
            var name = $"{owner.Kind} {owner.Name}, container {container.Get("name").Text()}";
            var image = container.Get("image");
            if (Images.Problem(image.Text()) is { } imageProblem)
                findings.Add(new(owner.File, (image ?? container).Line(), $"{name}: {imageProblem}"));

            var security = container.Get("securityContext");
            var nonRoot = security.Get("runAsNonRoot").Text() ?? podSecurity.Get("runAsNonRoot").Text();
            var user = security.Get("runAsUser").Text() ?? podSecurity.Get("runAsUser").Text();
            if (nonRoot != "true" || user == "0")
                findings.Add(new(owner.File, container.Line(), $"{name}: must run as non-root (securityContext.runAsNonRoot: true, runAsUser not 0)"));
            if (!security.At("capabilities", "drop").Items().Any(c => c.Text() == "ALL"))
                findings.Add(new(owner.File, container.Line(), $"{name}: must drop ALL capabilities (securityContext.capabilities.drop)"));

            foreach (var reference in container.Get("env").Items().Select(e => e.At("valueFrom")).OfType<YamlNode>())
            {
                CheckKeyRef(owner, name, reference.Get("secretKeyRef"), "Secret", manifests, findings);
                CheckKeyRef(owner, name, reference.Get("configMapKeyRef"), "ConfigMap", manifests, findings);
            }

            foreach (var source in container.Get("envFrom").Items())
            {
                CheckKeyRef(owner, name, source.Get("secretRef"), "Secret", manifests, findings);
                CheckKeyRef(owner, name, source.Get("configMapRef"), "ConfigMap", manifests, findings);
            }

            if (container.Get("image").Text()?.StartsWith("meshconsole/console:", StringComparison.Ordinal) == true && owner.Kind != "Job")
            {
                var probe = container.At("readinessProbe", "httpGet");
                if (probe.Get("path").Text() != "/healthz")
                    findings.Add(new(owner.File, container.Line(), $"{name}: the console's readinessProbe must be httpGet /healthz"));
            }
        }

        foreach (var volume in template.Spec.Get("volumes").Items())
        {
            if (volume.At("secret", "secretName") is { } secret)
                CheckNamed(owner, $"{owner.Kind} {owner.Name}, volume {volume.Get("name").Text()}", secret, "Secret", manifests, findings);
            if (volume.At("configMap", "name") is { } configMap)
                CheckNamed(owner, $"{owner.Kind} {owner.Name}, volume {volume.Get("name").Text()}", configMap, "ConfigMap", manifests, findings);
        }
    }

    private static IEnumerable<YamlNode> Containers(YamlNode podSpec) =>
        podSpec.Get("initContainers").Items().Concat(podSpec.Get("containers").Items());

    private static void CheckKeyRef(Manifest owner, string where, YamlNode? reference, string kind, IReadOnlyList<Manifest> manifests, List<Finding> findings)
    {
        if (reference is null)
            return;
        var target = CheckNamed(owner, where, reference.Get("name") ?? reference, kind, manifests, findings);
        var key = reference.Get("key").Text();
        if (target is null || key is null)
            return;
        if (target.Root.Get("data").Get(key) is null && target.Root.Get("stringData").Get(key) is null)
            findings.Add(new(owner.File, reference.Line(), $"{where}: {kind} {target.Name} has no key {key}"));
    }

    private static Manifest? CheckNamed(Manifest owner, string where, YamlNode nameNode, string kind, IReadOnlyList<Manifest> manifests, List<Finding> findings)
    {
        var name = nameNode.Text();
        var target = manifests.FirstOrDefault(m => m.Kind == kind && m.Name == name);
        if (target is null)
            findings.Add(new(owner.File, nameNode.Line(), $"{where}: no {kind} named {name ?? "(none)"} in the manifests"));
        return target;
    }

    private static void CheckService(Manifest service, List<PodTemplate> templates, List<Finding> findings)
    {
        var selector = service.Root.At("spec", "selector");
        if (selector is null)
            return;
        var selected = templates.Where(t => selector.Entries().All(e => t.Labels.Get(e.Key).Text() == e.Value.Text())).ToList();
        if (selected.Count == 0)
        {
            findings.Add(new(service.File, selector.Line(), $"Service {service.Name}: its selector selects no workload in the manifests"));
            return;
        }

        foreach (var port in service.Root.At("spec", "ports").Items())
        {
            var target = port.Get("targetPort").Text() ?? port.Get("port").Text();
            foreach (var template in selected)
            {
                var ports = Containers(template.Spec).SelectMany(c => c.Get("ports").Items()).ToList();
                if (!ports.Any(p => p.Get("name").Text() == target || p.Get("containerPort").Text() == target))
                    findings.Add(new(service.File, port.Line(), $"Service {service.Name}: targetPort {target} is not a port of {template.Owner.Kind} {template.Owner.Name}'s containers"));
            }
        }
    }
}
