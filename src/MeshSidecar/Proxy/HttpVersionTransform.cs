using System.Net;
using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace MeshSidecar.Proxy;

/// <summary>
/// Sends each request upstream in the HTTP version it arrived in. Over cleartext, HTTP/2 needs
/// prior knowledge (exact version): gRPC must stay HTTP/2 end to end, and HTTP/1.1 apps stay on 1.1.
/// </summary>
internal static class HttpVersionTransform
{
    public static void Apply(TransformBuilderContext context) =>
        context.AddRequestTransform(transform =>
        {
            var http2 = HttpProtocol.IsHttp2(transform.HttpContext.Request.Protocol);
            transform.ProxyRequest.Version = http2 ? HttpVersion.Version20 : HttpVersion.Version11;
            transform.ProxyRequest.VersionPolicy = http2 ? HttpVersionPolicy.RequestVersionExact : HttpVersionPolicy.RequestVersionOrLower;
            return ValueTask.CompletedTask;
        });
}
