using System.CommandLine;

namespace MeshCtl;

/// <summary>
/// Gives each command its action with meshctl's error handling around it: a <see cref="MeshCtlException"/>
/// is printed on standard error (never a stack trace) and becomes its exit code.
/// </summary>
public sealed class CommandFactory(Shell shell, GlobalOptions globals)
{
    public Shell Shell => shell;

    public GlobalOptions Globals => globals;

    public Command Command(string name, string description, Func<Invocation, CancellationToken, Task<int>> action)
    {
        var command = new Command(name, description);
        command.SetAction(async (parse, ct) =>
        {
            try
            {
                return await action(new Invocation(parse, shell, globals), ct).ConfigureAwait(false);
            }
            catch (MeshCtlException ex)
            {
                await shell.Error.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
                foreach (var detail in ex.Details)
                    await shell.Error.WriteLineAsync($"  {detail}").ConfigureAwait(false);
                return ex.ExitCode;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                await shell.Error.WriteLineAsync("interrupted").ConfigureAwait(false);
                return ExitCodes.Failure;
            }
            catch (Exception ex) when (ex is InvalidOperationException or InvalidCastException or FormatException
                                           or NullReferenceException or System.Text.Json.JsonException)
            {
                // An answer of another shape than this meshctl knows (an older or newer console): say so, without a stack trace.
                await shell.Error.WriteLineAsync($"error: the console's answer was not what this meshctl expects: {ex.Message}").ConfigureAwait(false);
                return ExitCodes.Failure;
            }
        });
        return command;
    }

    /// <summary>A command that only groups others (revisions, experiments).</summary>
    public static Command Group(string name, string description, params Command[] subcommands)
    {
        var command = new Command(name, description);
        foreach (var sub in subcommands)
            command.Add(sub);
        return command;
    }
}
