using System.Security.Claims;
using Mesh.Policy.Documents;
using Mesh.Store;
using Mesh.Testing;
using MeshConsole.Data;
using MeshConsole.Experiments;
using MeshConsole.Observability;
using MeshConsole.Telemetry.Aggregation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace MeshConsole.Tests.Experiments;

/// <summary>
/// One console replica's experiment parts (service, runner, aggregator, ConfigWriter) over a real store and a
/// fake clock; several replicas may share one database and one clock.
/// </summary>
internal sealed class ExperimentReplica : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    public ExperimentReplica(TestDatabase database, FakeTimeProvider clock)
    {
        Clock = clock;
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning));
        services.AddMetrics();
        services.AddSingleton<TimeProvider>(clock);
        services.AddSingleton(new ConfigDocuments(clock));
        services.AddDbContext<MeshDbContext>(b => StoreServiceCollectionExtensions.Configure(b, database.Options));
        services.AddScoped<ConfigStore>();
        services.AddScoped<ExperimentStore>();
        services.AddScoped<RollupStore>();
        services.AddAuthorizationCore(o => o.AddMeshPolicies());
        services.AddSingleton<ConsoleMetrics>();
        services.AddSingleton<ConfigWriter>();
        services.AddSingleton(new TopologyAggregator(clock));
        services.AddSingleton<FigureReader>();
        services.AddSingleton<ExperimentFeed>();
        services.AddSingleton<ExperimentFaultWriter>();
        services.AddSingleton<ExperimentService>();
        services.AddSingleton<ExperimentRunner>();
        _services = services.BuildServiceProvider();
    }

    public FakeTimeProvider Clock { get; }

    public ExperimentService Experiments => _services.GetRequiredService<ExperimentService>();

    public ExperimentRunner Runner => _services.GetRequiredService<ExperimentRunner>();

    public TopologyAggregator Aggregator => _services.GetRequiredService<TopologyAggregator>();

    public ExperimentFeed Feed => _services.GetRequiredService<ExperimentFeed>();

    public static ClaimsPrincipal User(string name, string role) =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.Name, name), new Claim(ClaimTypes.Role, role)], "test"));

    public async Task<T> StoreAsync<T>(Func<ConfigStore, Task<T>> read)
    {
        await using var scope = _services.CreateAsyncScope();
        return await read(scope.ServiceProvider.GetRequiredService<ConfigStore>());
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
