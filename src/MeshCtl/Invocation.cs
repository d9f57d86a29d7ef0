using System.CommandLine;
using MeshCtl.Connection;
using MeshCtl.Text;

namespace MeshCtl;

/// <summary>One run of one command: its parsed flags, the shell around it, and the way to the console.</summary>
public sealed class Invocation(ParseResult parse, Shell shell, GlobalOptions globals)
{
    public Shell Shell { get; } = shell;

    public TextWriter Out => Shell.Out;

    public Colour Colour { get; } = new(shell.Colour);

    public T? Value<T>(Option<T> option) => parse.GetValue(option);

    public T? Value<T>(Argument<T> argument) => parse.GetValue(argument);

    /// <summary>Whether the flag was given on the command line (not just defaulted).</summary>
    public bool Given(Option option) => parse.GetResult(option) is { Implicit: false };

    public LoginFile LoginFile => LoginFile.Locate(Shell.Variable);

    /// <summary>The console and token from --server/--token, MESHCTL_SERVER/MESHCTL_TOKEN, or the saved login.</summary>
    public MeshApi Connect() =>
        new(Target.Resolve(parse.GetValue(globals.Server), parse.GetValue(globals.Token), Shell.Variable, LoginFile));
}
