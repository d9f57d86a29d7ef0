namespace MeshConsole.Identity;

/// <summary>
/// The server certificate the mesh CA issues for the console's mesh-facing endpoints (ControlPlane,
/// OtlpGrpc, OtlpHttp) when their Kestrel URL is https:// and no certificate is configured for
/// them. Bound from <c>Mesh:ControlPlane:Tls</c>.
/// </summary>
public sealed class ControlPlaneTlsOptions
{
    public const string Section = "Mesh:ControlPlane:Tls";

    /// <summary>
    /// DNS names and IP addresses the certificate names (its subject alternative names); sidecars
    /// check the control-plane URL's host against them. Null means <see cref="DefaultHostNames"/>.
    /// Key <c>Mesh:ControlPlane:Tls:HostNames</c>.
    /// </summary>
    public string[]? HostNames { get; set; }

    /// <summary>How long each server certificate is valid; a new one is issued at half of it. Key <c>Mesh:ControlPlane:Tls:CertificateLifetime</c>.</summary>
    public TimeSpan CertificateLifetime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// Where the console writes the trusted CA certificates (PEM) at start and after each change of
    /// them, for operators to hand to sidecars; null writes none. Key <c>Mesh:ControlPlane:Tls:CaFile</c>.
    /// </summary>
    public string? CaFile { get; set; }

    /// <summary>What a console on one machine is reached by: loopback in its three spellings and the machine's name.</summary>
    public static IReadOnlyList<string> DefaultHostNames { get; } =
        ["localhost", "127.0.0.1", "::1", Environment.MachineName.ToLowerInvariant()];

    public IReadOnlyList<string> EffectiveHostNames => HostNames ?? DefaultHostNames;

    /// <summary>
    /// Also takes the names as one comma-separated value, the handy form for an environment variable
    /// (<c>Mesh__ControlPlane__Tls__HostNames=lb,localhost</c>); an empty value is an empty list.
    /// </summary>
    public static void ReadHostNameList(ControlPlaneTlsOptions options, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(configuration);
        if (configuration[$"{Section}:HostNames"] is not { } list)
            return;
        options.HostNames = string.IsNullOrWhiteSpace(list) ? [] : list.Split(',', StringSplitOptions.TrimEntries);
    }
}
