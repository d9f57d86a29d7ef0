namespace MeshCtl;

/// <summary>
/// What meshctl reads from and writes to around it: the standard streams, the environment, and whether
/// standard output is a terminal (colour and in-place redraws only then). Tests pass their own.
/// </summary>
public sealed record Shell(TextWriter Out, TextWriter Error, TextReader In, Func<string, string?> Variable, bool OutIsTerminal)
{
    /// <summary>Colour when standard output is a terminal and NO_COLOR (https://no-color.org) is unset or empty.</summary>
    public bool Colour => OutIsTerminal && string.IsNullOrEmpty(Variable("NO_COLOR"));
}
