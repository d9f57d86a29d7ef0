namespace MeshConsole.Experiments;

public static class ExperimentsExtensions
{
    /// <summary>Fault-injection experiments: the service the pages and REST use, and the runner that ends them.</summary>
    public static WebApplicationBuilder AddExperiments(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton<ExperimentFeed>();
        builder.Services.AddSingleton<FigureReader>();
        builder.Services.AddSingleton<ExperimentFaultWriter>();
        builder.Services.AddSingleton<ExperimentService>();
        builder.Services.AddHostedService<ExperimentRunner>();
        return builder;
    }
}
