using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace MeshSidecar.Traffic;

/// <summary>
/// Names the calling service on every forwarded request (replacing whatever the app sent), and hands
/// the call's policies to the attempt handler in YARP's client chain.
/// </summary>
internal static class OutboundTransform
{
    public static Action<TransformBuilderContext> For(string sourceService) => context =>
        context.AddRequestTransform(transform =>
        {
            var headers = transform.ProxyRequest.Headers;
            headers.Remove(SourceHeader.Name);
            headers.TryAddWithoutValidation(SourceHeader.Name, sourceService);
            if (transform.HttpContext.Features.Get<MeshCall>() is { } call)
                transform.ProxyRequest.Options.Set(MeshCall.Key, call);
            return ValueTask.CompletedTask;
        });
}
