using Mesh.Deploy.Tests.Lint;
using MeshSidecar.Configuration;

namespace Mesh.Deploy.Tests;

/// <summary>Each lint rule, fed a file that breaks it, fails naming the file and line: the lint cannot pass silently.</summary>
public sealed class LintRuleTests
{
    private const string GoodManifests = """
        apiVersion: v1
        kind: Secret
        metadata:
          name: console-secrets
        stringData:
          connection-string: Host=postgres
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: console
        spec:
          selector:
            matchLabels:
              app: console
          template:
            metadata:
              labels:
                app: console
            spec:
              securityContext:
                runAsNonRoot: true
                runAsUser: 1654
              containers:
                - name: console
                  image: meshconsole/console:1.0.0
                  ports:
                    - name: http
                      containerPort: 8080
                  env:
                    - name: ConnectionStrings__Mesh
                      valueFrom:
                        secretKeyRef:
                          name: console-secrets
                          key: connection-string
                  readinessProbe:
                    httpGet:
                      path: /healthz
                      port: http
                  securityContext:
                    capabilities:
                      drop: ["ALL"]
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: console
        spec:
          selector:
            app: console
          ports:
            - port: 80
              targetPort: http
        """;

    private const string GoodCompose = """
        x-app: &app
          image: meshconsole/demo:1.0.0
          depends_on:
            - db
        services:
          db:
            image: postgres:17.6-alpine
          orders:
            <<: *app
            environment:
              Mesh__Store: postgres
          orders-sidecar:
            image: meshconsole/sidecar:1.0.0
            network_mode: "service:orders"
            environment:
              - MESH_SIDECAR_SERVICE=orders
        """;

    private const string GoodDockerfile = """
        FROM mcr.microsoft.com/dotnet/sdk:10.0.401 AS build
        WORKDIR /src
        COPY Directory.Build.props Directory.Packages.props ./
        COPY src/Mesh.Policy/Mesh.Policy.csproj src/Mesh.Policy/
        COPY src/Mesh.Store/Mesh.Store.csproj src/Mesh.Store/
        RUN dotnet restore src/Mesh.Store/Mesh.Store.csproj
        COPY src/ src/
        RUN dotnet publish src/Mesh.Store/Mesh.Store.csproj -c Release --no-restore -o /app

        FROM mcr.microsoft.com/dotnet/aspnet:10.0.12-alpine3.22
        COPY --from=build /app ./
        USER $APP_UID
        HEALTHCHECK --interval=10s \
          CMD wget -q -O /dev/null http://127.0.0.1:8080/healthz || exit 1
        ENTRYPOINT ["dotnet", "Mesh.Store.dll"]
        """;

    [Fact]
    public void Parse_BrokenYaml_NamesFileAndLine()
    {
        var (_, error) = Yaml.Parse("docker/k8s/bad.yaml", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: [unclosed\n");

        Assert.NotNull(error);
        Assert.StartsWith("docker/k8s/bad.yaml:", error.ToString(), StringComparison.Ordinal);
        Assert.True(error.Line >= 4, error.ToString());
    }

    [Fact]
    public void KubernetesLint_GoodManifests_PassWhole()
    {
        Assert.Empty(KubernetesLint.Check(Manifests(GoodManifests)));
    }

    [Theory]
    [InlineData("apiVersion: apps/v1\n", "", "a document without apiVersion")]
    [InlineData("  name: console\nspec:\n  selector", "  labels: {}\nspec:\n  selector", "Deployment without metadata.name")]
    [InlineData("      labels:\n        app: console", "      labels:\n        app: web", "selector app=console does not match its pod template's labels")]
    [InlineData("  selector:\n    app: console", "  selector:\n    app: nothing", "Service console: its selector selects no workload")]
    [InlineData("targetPort: http", "targetPort: grpc", "targetPort grpc is not a port of Deployment console's containers")]
    [InlineData("name: console-secrets\n                  key", "name: other-secrets\n                  key", "no Secret named other-secrets in the manifests")]
    [InlineData("key: connection-string", "key: password", "Secret console-secrets has no key password")]
    [InlineData("path: /healthz", "path: /", "the console's readinessProbe must be httpGet /healthz")]
    [InlineData("runAsNonRoot: true", "runAsNonRoot: false", "must run as non-root")]
    [InlineData("runAsUser: 1654", "runAsUser: 0", "must run as non-root")]
    [InlineData("drop: [\"ALL\"]", "drop: [\"NET_RAW\"]", "must drop ALL capabilities")]
    [InlineData("meshconsole/console:1.0.0", "meshconsole/console:latest", "uses the tag latest")]
    [InlineData("meshconsole/console:1.0.0", "registry.local:5000/meshconsole/console", "has no tag")]
    public void KubernetesLint_BrokenRule_Fails(string good, string bad, string expected)
    {
        Assert.Contains(good, GoodManifests, StringComparison.Ordinal);

        var findings = KubernetesLint.Check(Manifests(GoodManifests.Replace(good, bad, StringComparison.Ordinal)));

        var finding = Assert.Single(findings, f => f.Message.Contains(expected, StringComparison.Ordinal));
        Assert.Equal("bad.yaml", finding.File);
        Assert.True(finding.Line > 0);
    }

    [Fact]
    public void ComposeLint_GoodCompose_Passes()
    {
        Assert.Empty(ComposeLint.Check("compose.yaml", Root(GoodCompose)));
    }

    [Theory]
    // Inherited through the merge key: the rule reads what compose reads.
    [InlineData("    - db", "    - database", "service orders: depends_on names no service: database")]
    [InlineData("\"service:orders\"", "\"service:order\"", "service orders-sidecar: network_mode names no service: service:order")]
    [InlineData("postgres:17.6-alpine", "postgres", "service db: image postgres has no tag")]
    [InlineData("meshconsole/sidecar:1.0.0", "meshconsole/sidecar:latest", "service orders-sidecar: image meshconsole/sidecar:latest uses the tag latest")]
    public void ComposeLint_BrokenRule_Fails(string good, string bad, string expected)
    {
        Assert.Contains(good, GoodCompose, StringComparison.Ordinal);

        var findings = ComposeLint.Check("compose.yaml", Root(GoodCompose.Replace(good, bad, StringComparison.Ordinal)));

        Assert.StartsWith(expected, Assert.Single(findings).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Mesh__Store", "Mesh__Stor", "Mesh__Stor is not a console setting")]
    [InlineData("MESH_SIDECAR_SERVICE", "MESH_SIDECAR_SERVISE", "MESH_SIDECAR_SERVISE is not a variable the sidecar reads")]
    public void SettingsLint_UnknownSetting_Fails(string good, string bad, string expected)
    {
        var console = SettingsLint.ConsoleSettings(DeployFiles.Read("README.md"));
        var sidecar = SettingsLint.SidecarVariables(SidecarCommandLine.Usage);
        Assert.Empty(SettingsLint.Check("compose.yaml", ComposeLint.Environment(Root(GoodCompose)), console, sidecar));

        var findings = SettingsLint.Check("compose.yaml", ComposeLint.Environment(Root(GoodCompose.Replace(good, bad, StringComparison.Ordinal))), console, sidecar);

        Assert.Contains(expected, Assert.Single(findings).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DockerfileLint_GoodDockerfile_Passes()
    {
        Assert.Empty(CheckDockerfile(GoodDockerfile));
    }

    [Theory]
    [InlineData("sdk:10.0.401 AS build", "sdk AS build", "has no tag")]
    [InlineData("aspnet:10.0.12-alpine3.22", "aspnet:latest", "uses the tag latest")]
    [InlineData("USER $APP_UID", "USER root", "non-root USER")]
    [InlineData("USER $APP_UID", "LABEL user=none", "non-root USER")]
    [InlineData("HEALTHCHECK --interval=10s \\\n  CMD wget -q -O /dev/null http://127.0.0.1:8080/healthz || exit 1", "HEALTHCHECK NONE", "needs a HEALTHCHECK")]
    [InlineData("COPY src/ src/", "COPY source/ src/", "COPY source/: no such file or folder")]
    [InlineData("COPY src/ src/", "COPY tests/ tests/", "COPY tests/: .dockerignore leaves it out")]
    [InlineData("publish src/Mesh.Store/Mesh.Store.csproj", "publish src/Mesh.Stor/Mesh.Stor.csproj", "src/Mesh.Stor/Mesh.Stor.csproj: no such project")]
    [InlineData("COPY src/Mesh.Policy/Mesh.Policy.csproj src/Mesh.Policy/\n", "", "needs src/Mesh.Policy/Mesh.Policy.csproj, which is not copied before it")]
    [InlineData("COPY Directory.Build.props Directory.Packages.props ./", "COPY Directory.Build.props ./", "needs Directory.Packages.props")]
    public void DockerfileLint_BrokenRule_Fails(string good, string bad, string expected)
    {
        Assert.Contains(good, GoodDockerfile, StringComparison.Ordinal);

        var findings = CheckDockerfile(GoodDockerfile.Replace(good, bad, StringComparison.Ordinal));

        var finding = Assert.Single(findings);
        Assert.Contains(expected, finding.Message, StringComparison.Ordinal);
        Assert.True(finding.Line > 0);
    }

    [Fact]
    public void SecretsLint_RealLookingToken_FailsWithoutRepeatingIt()
    {
        var token = "mjt_" + new string('A', 43);
        Assert.Empty(SecretsLint.Check(".env.example", "MESH_JOIN_TOKEN=mjt_replace-with-43-base64url-characters\n"));

        var finding = Assert.Single(SecretsLint.Check(".env.example", $"# tokens\nMESH_JOIN_TOKEN={token}\n"));

        Assert.Equal(2, finding.Line);
        Assert.DoesNotContain(token, finding.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Haproxy_BrokenConfig_Fails()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("mesh-haproxy-").FullName, "haproxy.cfg");
        try
        {
            var config = DeployFiles.Read("docker/haproxy.cfg").Replace("balance roundrobin", "balance sideways", StringComparison.Ordinal);
            File.WriteAllText(path, config);

            var (exitCode, output) = Lint.Haproxy.Check(path);

            Assert.NotEqual(0, exitCode);
            Assert.Contains("balance", output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }

    private static IReadOnlyList<Finding> CheckDockerfile(string text) =>
        DockerfileLint.Check("docker/test.Dockerfile", text, DeployFiles.Root, DockerIgnore.Read(DeployFiles.Root), needsHealthcheck: true);

    private static List<KubernetesLint.Manifest> Manifests(string yaml)
    {
        var (documents, error) = Yaml.Parse("bad.yaml", yaml);
        Assert.Null(error);
        return documents.Select(d => new KubernetesLint.Manifest("bad.yaml", d.RootNode)).ToList();
    }

    private static YamlDotNet.RepresentationModel.YamlNode Root(string yaml)
    {
        var (documents, error) = Yaml.Parse("compose.yaml", yaml);
        Assert.Null(error);
        return Assert.Single(documents).RootNode;
    }
}
