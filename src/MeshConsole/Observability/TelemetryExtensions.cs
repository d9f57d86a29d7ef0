using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace MeshConsole.Observability;

internal static class TelemetryExtensions
{
    /// <summary>The console's own metrics (ASP.NET Core, Kestrel, runtime), exported for Prometheus at /metrics.</summary>
    public static IHostApplicationBuilder AddConsoleTelemetry(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("meshconsole"))
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter(ConsoleMetrics.MeterName)
                .AddPrometheusExporter());
        builder.Services.AddSingleton<ConsoleMetrics>();
        return builder;
    }
}
