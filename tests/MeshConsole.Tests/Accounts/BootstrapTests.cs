using System.Net;
using Mesh.Store;
using Mesh.Store.Accounts;
using Mesh.Testing;
using MeshConsole.Tests.Hosting;

namespace MeshConsole.Tests.Accounts;

public sealed class BootstrapTests
{
    [Theory]
    [InlineData("Mesh:Bootstrap:ApiToken", "not-a-token", "Mesh:Bootstrap:ApiToken must be 'mat_' followed by 43 base64url characters")]
    [InlineData("Mesh:Bootstrap:ApiToken", "mjt_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "Mesh:Bootstrap:ApiToken must be 'mat_'")]
    [InlineData("Mesh:Bootstrap:AdminPassword", "short", "Mesh:Bootstrap:AdminPassword must be at least 12 characters, was 5")]
    public async Task Start_BadBootstrapValue_FailsNamingTheKey(string key, string value, string expected)
    {
        var folder = Directory.CreateTempSubdirectory("mesh-bootstrap-").FullName;
        try
        {
            var error = await ConsoleStart.FailureAsync(new Dictionary<string, string?>
            {
                ["Mesh:Store"] = "sqlite",
                ["Mesh:DataDirectory"] = folder,
                [key] = value,
            });

            Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task SecondStart_OtherBootstrapValues_FirstAdminAndTokenKept()
    {
        await using var database = await TestDatabase.CreateAsync(StoreProviders.Sqlite);
        await using (var first = new ConsoleFactory(database))
        {
            using var client = first.CreateClient();
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/services")).StatusCode);
        }

        var other = TokenFormat.Generate(TokenFormat.ApiTokenPrefix);
        await using var second = new ConsoleFactory(database).WithWebHostBuilder(b => b
            .UseSetting("Mesh:Bootstrap:ApiToken", other)
            .UseSetting("Mesh:Bootstrap:AdminPassword", "another-admin-password"));
        using var original = second.CreateClient();
        using var changed = second.CreateClient();
        changed.Authenticate(other);

        Assert.Equal(HttpStatusCode.OK, (await original.GetAsync("/api/services")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await changed.GetAsync("/api/services")).StatusCode);
        await using var db = database.CreateAccountsContext();
        Assert.Single(db.Users);
        Assert.Single(db.ApiTokens);
    }
}
