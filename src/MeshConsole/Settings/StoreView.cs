using Mesh.Store;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace MeshConsole.Settings;

/// <summary>Describes the store for people without ever showing a password.</summary>
public static class StoreView
{
    public static string Provider(StoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.IsPostgres ? StoreProviders.Postgres : StoreProviders.Sqlite;
    }

    public static string Location(StoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.IsPostgres)
            return Path.GetFullPath(new SqliteConnectionStringBuilder(options.EffectiveConnectionString).DataSource);
        var postgres = new NpgsqlConnectionStringBuilder(options.ConnectionString);
        return $"{postgres.Host}:{postgres.Port}/{postgres.Database} as {postgres.Username}";
    }
}
