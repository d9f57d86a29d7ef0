namespace MeshConsole.Identity;

/// <summary>The join token created at first start, so the first sidecars can join. Bound from <c>Mesh:Bootstrap</c>.</summary>
public sealed class BootstrapJoinTokenOptions
{
    public const string Section = "Mesh:Bootstrap";

    /// <summary>The name the bootstrap token gets in the console.</summary>
    public const string TokenName = "bootstrap";

    /// <summary>A mesh-wide join token with this value (<c>mjt_</c> + 43 base64url characters). Key <c>Mesh:Bootstrap:JoinToken</c>.</summary>
    public string? JoinToken { get; set; }
}
