using System.CommandLine;
using MeshCtl.Connection;
using MeshCtl.Text;

namespace MeshCtl;

/// <summary>Flags every command takes, and the factory of each command's <c>-o</c>.</summary>
public sealed class GlobalOptions
{
    public Option<string> Server { get; } = new("--server")
    {
        Description = $"The console's address, e.g. http://127.0.0.1:8080 (overrides {Target.ServerVariable} and the saved login)",
        Recursive = true,
        HelpName = "URL",
    };

    public Option<string> Token { get; } = new("--token")
    {
        Description = $"An API token, mat_… (overrides {Target.TokenVariable} and the saved login)",
        Recursive = true,
        HelpName = "T",
    };

    /// <summary>An <c>-o/--output</c> flag with this command's choices, the first being its default.</summary>
    public static Option<string> Output(params string[] choices)
    {
        var option = new Option<string>("--output", "-o")
        {
            Description = $"How to print: {string.Join(", ", choices)} (default {choices[0]})",
            DefaultValueFactory = _ => choices[0],
            HelpName = "FORMAT",
        };
        option.AcceptOnlyFromAmong(choices);
        return option;
    }

    /// <summary>A whole-number flag checked against a range at parse time (a usage error naming it otherwise).</summary>
    public static Option<int> Whole(string name, string description, int defaultValue, int min, int max)
    {
        var option = new Option<int>(name) { Description = description, DefaultValueFactory = _ => defaultValue, HelpName = "N" };
        option.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<int>();
            if (value < min || value > max)
                result.AddError($"{name}: {value} is outside {min}–{max}");
        });
        return option;
    }

    public static readonly string[] DataFormats = [OutputFormat.Yaml, OutputFormat.Json];
}
