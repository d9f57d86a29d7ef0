using MeshSidecar.Configuration;
using OpenTelemetry.Metrics;

namespace MeshSidecar.Admin;

/// <summary>Pushes the sidecar's metrics over OTLP when it was told where to, with its join token when it has one.</summary>
internal static class OtlpMetrics
{
    public static MeterProviderBuilder AddOtlp(this MeterProviderBuilder meters, OtlpExport? export, string? joinToken) =>
        export is null
            ? meters
            : meters.AddOtlpExporter((exporter, reader) =>
            {
                exporter.Endpoint = export.Endpoint;
                exporter.Protocol = export.Protocol;
                // The console's receiver takes metrics only from sidecars that may join the mesh.
                if (joinToken is not null)
                    exporter.Headers = $"Authorization=Bearer {joinToken}";
                reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = (int)export.Interval.TotalMilliseconds;
                // Each export carries what happened since the last one, so a receiver adds points up
                // without keeping every series' previous total; /metrics stays cumulative.
                reader.TemporalityPreference = MetricReaderTemporalityPreference.Delta;
            });
}
