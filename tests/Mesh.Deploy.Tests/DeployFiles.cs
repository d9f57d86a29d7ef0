namespace Mesh.Deploy.Tests;

/// <summary>The repository's deployment files, found from the test's build output.</summary>
public static class DeployFiles
{
    public static string Root { get; } = FindRoot();

    public static string Docker => Path.Combine(Root, "docker");

    /// <summary>Every YAML file under docker/, relative to the repository's root.</summary>
    public static IReadOnlyList<string> YamlFiles() =>
        Directory.EnumerateFiles(Docker, "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".yaml", StringComparison.Ordinal) || f.EndsWith(".yml", StringComparison.Ordinal))
            .Select(Relative)
            .Order(StringComparer.Ordinal)
            .ToList();

    public static IReadOnlyList<string> Dockerfiles() =>
        Directory.EnumerateFiles(Docker, "*.Dockerfile").Select(Relative).Order(StringComparer.Ordinal).ToList();

    public static string Read(string relative) => File.ReadAllText(Path.Combine(Root, relative));

    public static string Relative(string path) => Path.GetRelativePath(Root, path).Replace('\\', '/');

    private static string FindRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "MeshConsole.sln")))
                return folder.FullName;
        }

        throw new InvalidOperationException($"no MeshConsole.sln above {AppContext.BaseDirectory}");
    }
}
