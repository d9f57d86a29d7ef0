using MeshSidecar.Identity;

namespace MeshSidecar.Traffic;

/// <summary>
/// Sends calls to peers' sidecars over https once this sidecar holds a workload certificate, and in
/// plaintext before (a sidecar that never reached the console has nothing to prove; a strict peer
/// answers 403 saying so). Decided per request, so the first certificate applies to the next call.
/// </summary>
internal sealed class MutualTlsHandler(HttpMessageHandler inner, IdentityHolder identity) : DelegatingHandler(inner)
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (identity.Current is not null && request.RequestUri is { Scheme: "http" } uri)
            request.RequestUri = new UriBuilder(uri) { Scheme = Uri.UriSchemeHttps, Port = uri.Port }.Uri;
        return base.SendAsync(request, cancellationToken);
    }
}
