using Microsoft.Extensions.Options;

namespace Mesh.Store;

/// <summary>Fails start-up with messages that name the configuration key to fix.</summary>
internal sealed class StoreOptionsValidator : IValidateOptions<StoreOptions>
{
    public ValidateOptionsResult Validate(string? name, StoreOptions options)
    {
        var failures = new List<string>();
        if (!string.Equals(options.Store, StoreProviders.Sqlite, StringComparison.OrdinalIgnoreCase) && !options.IsPostgres)
            failures.Add($"Mesh:Store must be '{StoreProviders.Sqlite}' or '{StoreProviders.Postgres}', was '{options.Store}'.");
        if (options.IsPostgres && string.IsNullOrWhiteSpace(options.ConnectionString))
            failures.Add("ConnectionStrings:Mesh is required when Mesh:Store is 'postgres' (e.g. Host=127.0.0.1;Database=mesh;Username=mesh;Password=...).");
        if (!options.IsPostgres && string.IsNullOrWhiteSpace(options.ConnectionString) && string.IsNullOrWhiteSpace(options.DataDirectory))
            failures.Add("Mesh:DataDirectory must name a folder for the SQLite file (default ./data).");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
