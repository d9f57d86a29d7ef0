using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;

namespace MeshConsole.Tests.Hosting;

public sealed class StoreConfigurationTests
{
    [Theory]
    [InlineData("mysql", "", "Mesh:Store must be 'sqlite' or 'postgres', was 'mysql'")]
    [InlineData("postgres", "", "ConnectionStrings:Mesh is required when Mesh:Store is 'postgres'")]
    public async Task Start_BadStoreSettings_FailsNamingTheKey(string store, string connectionString, string expected)
    {
        var error = await ConsoleStart.FailureAsync(new Dictionary<string, string?>
        {
            ["Mesh:Store"] = store,
            ["ConnectionStrings:Mesh"] = connectionString,
        });

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_MigrationsOff_LeavesTheStoreUntouchedAndFails()
    {
        var folder = Directory.CreateTempSubdirectory("mesh-nomigrate-").FullName;
        try
        {
            var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false"] });
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Mesh:Store"] = "sqlite",
                ["Mesh:DataDirectory"] = folder,
                ["Mesh:ApplyMigrations"] = "false",
            });
            builder.AddMeshConsole();
            await using var app = builder.Build();

            // No schema was created: start-up stops at the first read of the users (the bootstrap)
            // rather than serving a console on an empty store.
            await Assert.ThrowsAsync<Microsoft.Data.Sqlite.SqliteException>(() => app.StartAsync());
            await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(folder, "mesh.db")}");
            await connection.OpenAsync();
            await using var tables = connection.CreateCommand();
            tables.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table'";
            Assert.Equal(0L, (long)(await tables.ExecuteScalarAsync())!);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }
}
