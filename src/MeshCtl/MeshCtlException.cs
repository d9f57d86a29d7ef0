namespace MeshCtl;

/// <summary>
/// A refusal meshctl reports on standard error and turns into its exit code: the first line says what
/// failed, the details (a problem's field errors, a file's line and column) follow indented.
/// </summary>
public sealed class MeshCtlException : Exception
{
    public MeshCtlException(int exitCode, string message, IReadOnlyList<string>? details = null)
        : base(message)
    {
        ExitCode = exitCode;
        Details = details ?? [];
    }

    public MeshCtlException()
        : this(ExitCodes.Failure, "meshctl failed")
    {
    }

    public MeshCtlException(string message)
        : this(ExitCodes.Failure, message)
    {
    }

    public MeshCtlException(string message, Exception innerException)
        : base(message, innerException)
    {
        ExitCode = ExitCodes.Failure;
        Details = [];
    }

    public int ExitCode { get; }

    public IReadOnlyList<string> Details { get; }

    public static MeshCtlException Usage(string message, params string[] details) => new(ExitCodes.Usage, message, details);
}
