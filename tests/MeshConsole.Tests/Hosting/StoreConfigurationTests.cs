using Microsoft.AspNetCore.Mvc.Testing;

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
    public async Task Start_MigrationsOff_LeavesTheStoreUntouched()
    {
        var folder = Directory.CreateTempSubdirectory("mesh-nomigrate-").FullName;
        try
        {
            await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
            {
                builder.UseSetting("Mesh:Store", "sqlite");
                builder.UseSetting("Mesh:DataDirectory", folder);
                builder.UseSetting("Mesh:ApplyMigrations", "false");
            });
            using var client = factory.CreateClient();

            var response = await client.GetAsync("/api/services");

            // No schema was created: the store answers with an error rather than a silent empty list.
            Assert.Equal(System.Net.HttpStatusCode.InternalServerError, response.StatusCode);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }
}
