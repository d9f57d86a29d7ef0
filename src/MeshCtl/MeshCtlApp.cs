using System.CommandLine;
using MeshCtl.Commands;

namespace MeshCtl;

/// <summary>
/// meshctl's entry: parses the command line, runs the command against the console, and turns every
/// outcome into an exit code (<see cref="ExitCodes"/>). Program.cs passes the real console; tests pass writers.
/// </summary>
public static class MeshCtlApp
{
    public static async Task<int> RunAsync(string[] args, Shell shell, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(shell);
        var globals = new GlobalOptions();
        var root = new RootCommand("meshctl: drive the MeshConsole service mesh from the command line (docs/meshctl.md).")
        {
            globals.Server,
            globals.Token,
        };
        var define = new CommandFactory(shell, globals);
        root.Add(LoginCommands.Login(define));
        root.Add(LoginCommands.Logout(define));
        root.Add(GetCommand.Create(define));
        root.Add(ApplyCommand.Create(define));
        root.Add(RevisionCommands.Create(define));
        root.Add(SidecarsCommand.Create(define));
        root.Add(ExperimentCommands.Create(define));
        root.Add(TopCommand.Create(define));

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
                await shell.Error.WriteLineAsync($"meshctl: {error.Message}").ConfigureAwait(false);
            await shell.Error.WriteLineAsync($"Run '{Path(parse.CommandResult)} --help' for usage.").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        var configuration = new InvocationConfiguration
        {
            Output = shell.Out,
            Error = shell.Error,
            // Errors are reported by CommandFactory; Ctrl-C arrives through ct from Program.cs.
            EnableDefaultExceptionHandler = false,
            ProcessTerminationTimeout = null,
        };
        return await parse.InvokeAsync(configuration, ct).ConfigureAwait(false);
    }

    /// <summary>The command as typed, e.g. "meshctl revisions list".</summary>
    private static string Path(System.CommandLine.Parsing.CommandResult result)
    {
        var names = new Stack<string>();
        for (var current = result; current is not null; current = current.Parent as System.CommandLine.Parsing.CommandResult)
            names.Push(current.Command is RootCommand ? "meshctl" : current.Command.Name);
        return string.Join(' ', names);
    }
}
