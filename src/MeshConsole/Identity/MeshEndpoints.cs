using Microsoft.AspNetCore.Server.Kestrel;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace MeshConsole.Identity;

/// <summary>
/// The console's mesh-facing Kestrel endpoints: the control plane and the OTLP receivers, which
/// sidecars send join tokens and CSRs to. An https:// URL without a certificate configured for the
/// endpoint serves a certificate of the mesh CA (<see cref="EndpointCertificate"/>); a configured
/// certificate (<c>Kestrel:Endpoints:NAME:Certificate</c> or <c>:Sni</c>) wins; http:// is h2c, an opt-out
/// for a trusted network.
/// </summary>
internal static class MeshEndpoints
{
    public const string ControlPlane = "ControlPlane";
    public const string OtlpGrpc = "OtlpGrpc";
    public const string OtlpHttp = "OtlpHttp";

    private static readonly string[] _all = [ControlPlane, OtlpGrpc, OtlpHttp];

    /// <summary>
    /// Binds Kestrel's configuration once (a second <c>Configure</c> would replace this one's
    /// endpoint callbacks) and sets up each mesh endpoint.
    /// </summary>
    public static WebApplicationBuilder ConfigureMeshEndpoints(this WebApplicationBuilder builder)
    {
        builder.WebHost.ConfigureKestrel((context, kestrel) =>
        {
            var loader = kestrel.Configure(context.Configuration.GetSection("Kestrel"), reloadOnChange: false);
            foreach (var name in _all)
                loader.Endpoint(name, endpoint => Configure(name, endpoint, kestrel));
        });
        return builder;
    }

    /// <summary>The mesh endpoints that serve a certificate of the mesh CA under this configuration.</summary>
    public static IReadOnlyList<string> UsingMeshCertificate(IConfiguration configuration) =>
        [.. _all.Where(name => UsesMeshCertificate(configuration.GetSection($"Kestrel:Endpoints:{name}")))];

    private static void Configure(string name, EndpointConfiguration endpoint, KestrelServerOptions kestrel)
    {
        // gRPC without TLS needs an HTTP/2-only endpoint (a cleartext HTTP/1.1+2 endpoint answers
        // HTTP/2 with HTTP_1_1_REQUIRED); over TLS, ALPN would do, but one setting for both is simpler.
        if (name is ControlPlane or OtlpGrpc)
            endpoint.ListenOptions.Protocols = HttpProtocols.Http2;
        if (!UsesMeshCertificate(endpoint.ConfigSection))
            return;
        var certificate = kestrel.ApplicationServices.GetRequiredService<EndpointCertificate>();
        endpoint.ListenOptions.UseHttps(new TlsHandshakeCallbackOptions
        {
            OnConnection = context => certificate.HandshakeAsync(context.CancellationToken),
        });
    }

    private static bool UsesMeshCertificate(IConfigurationSection endpoint) =>
        endpoint["Url"] is { } url
        && url.StartsWith("https://", StringComparison.OrdinalIgnoreCase)
        && !endpoint.GetSection("Certificate").Exists()
        && !endpoint.GetSection("Sni").Exists();
}
