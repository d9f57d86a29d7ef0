namespace MeshConsole.Accounts;

/// <summary>What the console creates at its first start. Section <c>Mesh:Bootstrap</c>.</summary>
public sealed class BootstrapOptions
{
    public const string Section = "Mesh:Bootstrap";

    /// <summary>
    /// Password of the <c>admin</c> user made when no user exists; when unset a password is generated
    /// and written once to the log. Key <c>Mesh:Bootstrap:AdminPassword</c>.
    /// </summary>
    public string? AdminPassword { get; set; }

    /// <summary>
    /// An admin API token named <c>bootstrap</c> made with this value when none of that name exists,
    /// so scripts (the demo, tests) can write from the first start. Key <c>Mesh:Bootstrap:ApiToken</c>.
    /// </summary>
    public string? ApiToken { get; set; }
}
