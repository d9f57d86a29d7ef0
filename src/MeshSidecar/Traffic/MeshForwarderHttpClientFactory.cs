using MeshSidecar.Admin;
using Yarp.ReverseProxy.Forwarder;

namespace MeshSidecar.Traffic;

/// <summary>YARP's client per destination service, with the mesh's attempt handling in its chain.</summary>
internal sealed class MeshForwarderHttpClientFactory(OutlierDetector outliers, SidecarMetrics metrics, TimeProvider time) : ForwarderHttpClientFactory
{
    protected override HttpMessageHandler WrapHandler(ForwarderHttpClientContext context, HttpMessageHandler handler) =>
        new AttemptHandler(handler, outliers, metrics, time);
}
