using MeshSidecar.Configuration;
using MeshSidecar.ControlPlane;
using OpenTelemetry.Metrics;

namespace MeshSidecar.Admin;

/// <summary>Pushes the sidecar's metrics over OTLP when it was told where to, with its join token when it has one.</summary>
internal static class OtlpMetrics
{
    public static MeterProviderBuilder AddOtlp(this MeterProviderBuilder meters, OtlpExport? export, string? joinToken, ControlPlaneTrust trust) =>
        export is null
            ? meters
            : meters.AddOtlpExporter((exporter, reader) =>
            {
                exporter.Endpoint = export.Endpoint;
                exporter.Protocol = export.Protocol;
                // An https:// receiver (the console's, with its mesh CA certificate) is verified like the control plane.
                if (export.Endpoint.Scheme == Uri.UriSchemeHttps)
                {
                    var timeout = TimeSpan.FromMilliseconds(exporter.TimeoutMilliseconds);
                    exporter.HttpClientFactory = () => new HttpClient(trust.CreateHandler(export.Endpoint)) { Timeout = timeout };
                }

                // The console's receiver takes metrics only from sidecars that may join the mesh.
                if (joinToken is not null)
                    exporter.Headers = $"Authorization=Bearer {joinToken}";
                reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = (int)export.Interval.TotalMilliseconds;
                // Each export carries what happened since the last one, so a receiver adds points up
                // without keeping every series' previous total; /metrics stays cumulative.
                reader.TemporalityPreference = MetricReaderTemporalityPreference.Delta;
            });
}
