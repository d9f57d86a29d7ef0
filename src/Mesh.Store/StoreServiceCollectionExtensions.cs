using Mesh.Policy.Documents;
using Mesh.Store.Accounts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Mesh.Store;

public static class StoreServiceCollectionExtensions
{
    /// <summary>Migrations live in one assembly per provider (see <c>migrations/</c>).</summary>
    public const string PostgresMigrations = "Mesh.Migrations.Postgres";
    public const string SqliteMigrations = "Mesh.Migrations.Sqlite";

    /// <summary>Registers the store on the provider <c>Mesh:Store</c> names, and its migration at start-up.</summary>
    public static IServiceCollection AddMeshStore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StoreOptions>()
            .Bind(configuration.GetSection(StoreOptions.Section))
            .PostConfigure(o => o.ConnectionString ??= configuration.GetConnectionString("Mesh"))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StoreOptions>, StoreOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ConfigDocuments>();
        services.TryAddSingleton<ConfigChangeFeed>();

        services.AddDbContext<MeshDbContext>((sp, builder) =>
            Configure(builder, sp.GetRequiredService<IOptions<StoreOptions>>().Value));
        services.AddScoped<ConfigStore>();
        services.AddScoped<InstanceStore>();
        services.AddScoped<RollupStore>();
        services.AddScoped<TelemetryShareStore>();
        services.AddScoped<RolloutStore>();
        services.AddScoped<JoinTokenStore>();
        services.AddScoped<IdentityStore>();
        services.AddScoped<ExperimentStore>();
        services.AddAccountsStore();
        services.AddHostedService<StoreMigrator>();
        // Replicas on one Postgres hear each other's changes; a lone SQLite console has no one to hear.
        if (string.Equals(configuration.GetSection(StoreOptions.Section)[nameof(StoreOptions.Store)], StoreProviders.Postgres, StringComparison.OrdinalIgnoreCase))
            services.AddHostedService<PostgresChangeListener>();
        return services;
    }

    /// <summary>Points a context at the configured provider; shared with design-time factories and tests.</summary>
    public static DbContextOptionsBuilder Configure(DbContextOptionsBuilder builder, StoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        if (options.IsPostgres)
            builder.UseNpgsql(options.ConnectionString, o => o.MigrationsAssembly(PostgresMigrations));
        else
            builder.UseSqlite(options.EffectiveConnectionString, o => o.MigrationsAssembly(SqliteMigrations));
        return builder.UseSnakeCaseNamingConvention();
    }
}
