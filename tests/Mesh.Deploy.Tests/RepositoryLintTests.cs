using System.Text.RegularExpressions;
using Mesh.Deploy.Tests.Lint;
using MeshSidecar.Configuration;
using YamlDotNet.RepresentationModel;

namespace Mesh.Deploy.Tests;

/// <summary>The repository's own docker/ folder passes every lint rule (LintRuleTests shows each rule can fail).</summary>
public sealed partial class RepositoryLintTests
{
    private const string Compose = "docker/compose.yaml";
    private const string Haproxy = "docker/haproxy.cfg";

    [Fact]
    public void EveryYamlFile_Parses()
    {
        var files = DeployFiles.YamlFiles();

        Assert.Contains(Compose, files);
        Assert.Contains("docker/k8s/kustomization.yaml", files);
        Assert.Empty(files.Select(f => Yaml.Parse(f, DeployFiles.Read(f)).Error).OfType<Finding>().Select(f => f.ToString()));
    }

    [Fact]
    public void KubernetesManifests_PassTheLint()
    {
        var manifests = KubernetesManifests();

        Assert.Contains(manifests, m => m.Kind == "Deployment" && m.Name == "mesh-console");
        Assert.Empty(KubernetesLint.Check(manifests).Select(f => f.ToString()));
    }

    [Fact]
    public void Kustomization_ListsEveryManifestAndNothingElse()
    {
        var kustomization = Parse("docker/k8s/kustomization.yaml").Single().RootNode;
        var listed = kustomization.Get("resources").Items().Select(r => $"docker/k8s/{r.Text()}").Order(StringComparer.Ordinal);
        var present = DeployFiles.YamlFiles().Where(f => f.StartsWith("docker/k8s/", StringComparison.Ordinal) && f != "docker/k8s/kustomization.yaml");

        Assert.Equal(present, listed);
    }

    [Fact]
    public void Compose_PassesTheLint()
    {
        var root = Parse(Compose).Single().RootNode;

        Assert.Empty(ComposeLint.Check(Compose, root).Select(f => f.ToString()));
    }

    [Fact]
    public void Compose_EveryBuildNamesADockerfileThatExists()
    {
        var builds = Parse(Compose).Single().RootNode.Get("services").Entries()
            .Select(s => s.Value.At("build", "dockerfile").Text())
            .OfType<string>().Distinct().ToList();

        Assert.Equal(["docker/console.Dockerfile", "docker/demo.Dockerfile", "docker/sidecar.Dockerfile"], builds.Order(StringComparer.Ordinal));
        Assert.All(builds, b => Assert.True(File.Exists(Path.Combine(DeployFiles.Root, b)), b));
    }

    [Fact]
    public void EnvExample_NamesEveryVariableComposeReads()
    {
        var example = DeployFiles.Read("docker/.env.example");
        var defined = EnvLine().Matches(example).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);

        var read = Interpolation().Matches(DeployFiles.Read(Compose)).Select(m => m.Groups[1].Value).Distinct();

        Assert.All(read, v => Assert.Contains(v, defined));
    }

    [Fact]
    public void Settings_InComposeKubernetesAndDockerfiles_AreRealOnes()
    {
        var console = SettingsLint.ConsoleSettings(DeployFiles.Read("README.md"));
        var sidecar = SettingsLint.SidecarVariables(SidecarCommandLine.Usage);
        var findings = new List<Finding>();

        findings.AddRange(SettingsLint.Check(Compose, ComposeLint.Environment(Parse(Compose).Single().RootNode), console, sidecar));
        foreach (var manifest in KubernetesManifests())
        {
            var variables = EnvNames(manifest.Root).Select(e => (e.Get("name").Text() ?? "", e.Line()));
            findings.AddRange(SettingsLint.Check(manifest.File, variables, console, sidecar));
        }

        foreach (var file in DeployFiles.Dockerfiles())
        {
            var variables = DockerfileLint.Parse(DeployFiles.Read(file)).Where(i => i.Keyword == "ENV")
                .SelectMany(i => EnvAssignment().Matches(i.Arguments).Select(m => (m.Groups[1].Value, (long)i.Line)));
            findings.AddRange(SettingsLint.Check(file, variables, console, sidecar));
        }

        Assert.Contains("Kestrel__Endpoints__ControlPlane__Url", console);
        Assert.Contains("MESH_SIDECAR_ADVERTISE_ADDRESS", sidecar);
        Assert.Empty(findings.Select(f => f.ToString()));
    }

    [Fact]
    public void DeployFiles_HoldNoRealToken()
    {
        var files = Directory.EnumerateFiles(DeployFiles.Docker, "*", SearchOption.AllDirectories).Select(DeployFiles.Relative).ToList();

        Assert.Contains("docker/.env.example", files);
        Assert.Empty(files.SelectMany(f => SecretsLint.Check(f, DeployFiles.Read(f))).Select(f => f.ToString()));
    }

    [Theory]
    [InlineData("docker/console.Dockerfile", true)]
    [InlineData("docker/sidecar.Dockerfile", true)]
    [InlineData("docker/demo.Dockerfile", false)]
    public void Dockerfile_PassesTheLint(string file, bool needsHealthcheck)
    {
        var findings = DockerfileLint.Check(file, DeployFiles.Read(file), DeployFiles.Root, DockerIgnore.Read(DeployFiles.Root), needsHealthcheck);

        Assert.Empty(findings.Select(f => f.ToString()));
    }

    [Fact]
    public void Dockerfiles_AreTheThreeComposeBuilds()
    {
        Assert.Equal(["docker/console.Dockerfile", "docker/demo.Dockerfile", "docker/sidecar.Dockerfile"], DeployFiles.Dockerfiles());
    }

    [Fact]
    public void HaproxyConfig_PassesHaproxyCheck()
    {
        var (exitCode, output) = Lint.Haproxy.Check(Path.Combine(DeployFiles.Root, Haproxy));

        Assert.True(exitCode == 0, output);
    }

    [Fact]
    public void HaproxyConfig_EveryServerIsAComposeService()
    {
        var services = Parse(Compose).Single().RootNode.Get("services").Entries().Select(s => s.Key).ToHashSet(StringComparer.Ordinal);

        var hosts = Lint.Haproxy.ServerHosts(DeployFiles.Read(Haproxy)).ToList();

        Assert.NotEmpty(hosts);
        Assert.Empty(hosts.Where(h => !services.Contains(h.Host)).Select(h => $"{Haproxy}:{h.Line}: {h.Host} is no compose service"));
    }

    [Fact]
    public void ComposeAndKubernetes_SidecarsReachTheControlPlaneOverTlsByANameTheConsoleCertificateCarries()
    {
        var compose = DeployFiles.Read(Compose);
        var composeNames = Names(ComposeValue().Match(compose).Groups[1].Value);
        var kubernetes = string.Concat(KubernetesManifests().Select(m => m.File).Distinct().Select(DeployFiles.Read));
        var kubernetesNames = Names(KubernetesValue("Mesh__ControlPlane__Tls__HostNames").Match(kubernetes).Groups[1].Value);
        var findings = new List<string>();

        foreach (var variable in new[] { "MESH_SIDECAR_CONTROL_PLANE", "MESH_SIDECAR_OTLP_ENDPOINT" })
        {
            Check(Compose, new Regex($@"{variable}: (\S+)").Matches(compose), composeNames);
            Check("docker/k8s", KubernetesValue(variable).Matches(kubernetes), kubernetesNames);
        }

        Assert.Contains("lb", composeNames);
        Assert.Contains("mesh-control-plane", kubernetesNames);
        Assert.Empty(findings);

        void Check(string where, MatchCollection urls, IReadOnlySet<string> names)
        {
            Assert.NotEmpty(urls);
            foreach (var url in urls.Select(m => new Uri(m.Groups[1].Value)))
            {
                if (url.Scheme != Uri.UriSchemeHttps || !names.Contains(url.Host))
                    findings.Add($"{where}: {url} is not https:// to one of the certificate's names ({string.Join(", ", names)})");
            }
        }

        static HashSet<string> Names(string list) => list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
    }

    private static Regex KubernetesValue(string name) => new($@"- name: {name}\s+value: (\S+)");

    [GeneratedRegex(@"Mesh__ControlPlane__Tls__HostNames: (\S+)")]
    private static partial Regex ComposeValue();

    private static List<KubernetesLint.Manifest> KubernetesManifests() =>
        DeployFiles.YamlFiles().Where(f => f.StartsWith("docker/k8s/", StringComparison.Ordinal))
            .SelectMany(f => Parse(f).Select(d => new KubernetesLint.Manifest(f, d.RootNode)))
            .ToList();

    private static IReadOnlyList<YamlDocument> Parse(string file)
    {
        var (documents, error) = Yaml.Parse(file, DeployFiles.Read(file));
        Assert.Null(error);
        return documents;
    }

    /// <summary>Every env entry of every container in a manifest, wherever it sits.</summary>
    private static IEnumerable<YamlNode> EnvNames(YamlNode node) => node switch
    {
        YamlMappingNode mapping => mapping.Children.SelectMany(c => c.Key.Text() == "env" ? c.Value.Items() : EnvNames(c.Value)),
        YamlSequenceNode sequence => sequence.Children.SelectMany(EnvNames),
        _ => [],
    };

    [GeneratedRegex(@"^([A-Z_][A-Z0-9_]*)=", RegexOptions.Multiline)]
    private static partial Regex EnvLine();

    [GeneratedRegex(@"\$\{([A-Z_][A-Z0-9_]*)")]
    private static partial Regex Interpolation();

    [GeneratedRegex(@"([A-Za-z_][A-Za-z0-9_]*)=")]
    private static partial Regex EnvAssignment();
}
