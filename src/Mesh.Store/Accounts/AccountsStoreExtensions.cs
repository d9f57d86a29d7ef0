using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Mesh.Store.Accounts;

public static class AccountsStoreExtensions
{
    /// <summary>Registers <see cref="AccountsDbContext"/> on the store's provider and connection.</summary>
    public static IServiceCollection AddAccountsStore(this IServiceCollection services)
    {
        services.AddDbContext<AccountsDbContext>((sp, builder) =>
            Configure(builder, sp.GetRequiredService<IOptions<StoreOptions>>().Value));
        services.AddScoped<ApiTokenStore>();
        return services;
    }

    /// <summary>Points the accounts context at the store's database; shared with design-time factories and tests.</summary>
    public static DbContextOptionsBuilder Configure(DbContextOptionsBuilder builder, StoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        if (options.IsPostgres)
        {
            builder.UseNpgsql(options.ConnectionString, o => o
                .MigrationsAssembly(StoreServiceCollectionExtensions.PostgresMigrations)
                .MigrationsHistoryTable(AccountsDbContext.HistoryTable));
        }
        else
        {
            builder.UseSqlite(options.EffectiveConnectionString, o => o
                .MigrationsAssembly(StoreServiceCollectionExtensions.SqliteMigrations)
                .MigrationsHistoryTable(AccountsDbContext.HistoryTable));
        }

        return builder.UseSnakeCaseNamingConvention();
    }
}
