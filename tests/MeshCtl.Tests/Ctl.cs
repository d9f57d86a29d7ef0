namespace MeshCtl.Tests;

/// <summary>What one meshctl run printed and how it exited.</summary>
public sealed record CtlResult(int Exit, string Out, string Error)
{
    public override string ToString() => $"exit {Exit}\n--- stdout\n{Out}\n--- stderr\n{Error}";
}

/// <summary>
/// Runs meshctl in process, as a user would type it, with an environment of its own: a login file in a
/// fresh folder (never the user's), no MESHCTL_* variables unless the test sets them.
/// </summary>
public sealed class Ctl : IDisposable
{
    private readonly Dictionary<string, string> _environment;

    public Ctl(IReadOnlyDictionary<string, string>? environment = null)
    {
        Home = Directory.CreateTempSubdirectory("meshctl-home-").FullName;
        _environment = new Dictionary<string, string>(StringComparer.Ordinal) { ["HOME"] = Home, ["NO_COLOR"] = "1" };
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
            _environment[key] = value;
    }

    public string Home { get; }

    /// <summary>Where login saves, with HOME set and no XDG_CONFIG_HOME or MESHCTL_CONFIG.</summary>
    public string LoginPath => Path.Combine(Home, ".config", "meshctl", "config.json");

    public void Set(string name, string? value)
    {
        if (value is null)
            _environment.Remove(name);
        else
            _environment[name] = value;
    }

    public async Task<CtlResult> RunAsync(params string[] args) => await RunAsync(args, stdin: "", terminal: false);

    public async Task<CtlResult> RunAsync(string[] args, string stdin, bool terminal)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        using var input = new StringReader(stdin);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var shell = new Shell(stdout, stderr, input, name => _environment.GetValueOrDefault(name), terminal);
        var exit = await MeshCtlApp.RunAsync(args, shell, timeout.Token);
        return new CtlResult(exit, stdout.ToString(), stderr.ToString());
    }

    public string WriteFile(string name, string text)
    {
        var path = Path.Combine(Home, name);
        File.WriteAllText(path, text);
        return path;
    }

    public void Dispose() => Directory.Delete(Home, recursive: true);
}
