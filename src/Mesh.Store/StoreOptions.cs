namespace Mesh.Store;

/// <summary>Where the console keeps its state. Bound from <c>Mesh:*</c> and <c>ConnectionStrings:Mesh</c>.</summary>
public sealed class StoreOptions
{
    public const string Section = "Mesh";

    /// <summary><c>sqlite</c> (the embedded default) or <c>postgres</c>. Key <c>Mesh:Store</c>.</summary>
    public string Store { get; set; } = StoreProviders.Sqlite;

    /// <summary>Folder of the SQLite file when no connection string is given. Key <c>Mesh:DataDirectory</c>.</summary>
    public string DataDirectory { get; set; } = "./data";

    /// <summary>Apply pending migrations at start-up. Key <c>Mesh:ApplyMigrations</c>.</summary>
    public bool ApplyMigrations { get; set; } = true;

    /// <summary>From <c>ConnectionStrings:Mesh</c>; required for Postgres, optional for SQLite.</summary>
    public string? ConnectionString { get; set; }

    public bool IsPostgres => string.Equals(Store, StoreProviders.Postgres, StringComparison.OrdinalIgnoreCase);

    /// <summary>The connection string in force: the configured one, or a file in the data folder.</summary>
    public string EffectiveConnectionString => !string.IsNullOrWhiteSpace(ConnectionString)
        ? ConnectionString
        : $"Data Source={Path.Combine(DataDirectory, "mesh.db")}";
}

/// <summary>The provider names <c>Mesh:Store</c> accepts.</summary>
public static class StoreProviders
{
    public const string Sqlite = "sqlite";
    public const string Postgres = "postgres";
}
