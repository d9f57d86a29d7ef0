using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;

namespace MeshConsole.Tests.Hosting;

/// <summary><c>MeshConsole migrate</c>: the deployment step that makes the schema and exits (compose's one-shot, the Kubernetes Job).</summary>
public sealed class MigrateCommandTests
{
    [Fact]
    public async Task MigrateStoreAsync_FreshStore_MakesTheSchemaAndReturnsZero()
    {
        var folder = Directory.CreateTempSubdirectory("mesh-migrate-").FullName;
        try
        {
            await using (var app = Build(new() { ["Mesh:Store"] = "sqlite", ["Mesh:DataDirectory"] = folder, ["Mesh:ApplyMigrations"] = "false" }))
                Assert.Equal(0, await app.MigrateStoreAsync());

            await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(folder, "mesh.db")}");
            await connection.OpenAsync();
            await using var tables = connection.CreateCommand();
            tables.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('__EFMigrationsHistory', '__accounts_migrations_history')";
            Assert.Equal(2L, (long)(await tables.ExecuteScalarAsync())!);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData("mysql", "")]
    [InlineData("postgres", "Host=127.0.0.1;Port=1;Username=nobody;Timeout=2")]
    public async Task MigrateStoreAsync_BadSettingOrUnreachableStore_ReturnsOne(string store, string connectionString)
    {
        await using var app = Build(new() { ["Mesh:Store"] = store, ["ConnectionStrings:Mesh"] = connectionString });

        Assert.Equal(1, await app.MigrateStoreAsync());
    }

    private static WebApplication Build(Dictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false"] });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddMeshConsole();
        return builder.Build();
    }
}
