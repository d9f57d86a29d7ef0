using MeshConsole.Accounts.SingleSignOn;
using MeshConsole.Tests.Hosting;

namespace MeshConsole.Tests.Accounts.SingleSignOn;

public sealed class OidcSignInOptionsTests
{
    private const string Key = OidcSignInOptions.Section + ":";

    [Theory]
    [InlineData("ClientId", "", "Mesh:Authentication:OpenIdConnect:ClientId is required")]
    [InlineData("RequireHttpsMetadata", "true", "Mesh:Authentication:OpenIdConnect:Authority must be https, was 'http://login.example.com/realms/mesh'")]
    [InlineData("Authority", "login.example.com", "Mesh:Authentication:OpenIdConnect:Authority must be an absolute https URL, was 'login.example.com'")]
    [InlineData("RoleMap:mesh-admins", "superuser", "Mesh:Authentication:OpenIdConnect:RoleMap:mesh-admins must be one of viewer, operator, admin, was 'superuser'")]
    [InlineData("DefaultRole", "admin", "Mesh:Authentication:OpenIdConnect:DefaultRole must be none, viewer or operator, was 'admin'")]
    [InlineData("RoleClaim", " ", "Mesh:Authentication:OpenIdConnect:RoleClaim must not be empty")]
    [InlineData("Scopes:0", "profile email", "Mesh:Authentication:OpenIdConnect:Scopes:0 must be one scope without spaces")]
    public async Task Start_BadSetting_FailsNamingTheKey(string key, string value, string expected)
    {
        var settings = Valid();
        settings[Key + key] = value;

        var error = await StartAsync(settings);

        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_HttpAuthorityWithoutTheFlag_FailsNamingTheFlag()
    {
        var settings = Valid();
        settings.Remove(Key + "RequireHttpsMetadata");

        var error = await StartAsync(settings);

        Assert.Contains("Authority must be https", error, StringComparison.Ordinal);
        Assert.Contains("RequireHttpsMetadata=false", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_NoRoleMapAndDefaultRoleNone_FailsSayingNoOneCouldSignIn()
    {
        var settings = Valid();
        settings.Remove(Key + "RoleMap:mesh-admins");

        var error = await StartAsync(settings);

        Assert.Contains("RoleMap is empty and DefaultRole is none", error, StringComparison.Ordinal);
    }

    private static Dictionary<string, string?> Valid() => new()
    {
        [Key + "Authority"] = "http://login.example.com/realms/mesh",
        [Key + "RequireHttpsMetadata"] = "false",
        [Key + "ClientId"] = "mesh-console",
        [Key + "RoleMap:mesh-admins"] = "admin",
    };

    private static async Task<string> StartAsync(Dictionary<string, string?> settings)
    {
        var folder = Directory.CreateTempSubdirectory("mesh-oidc-").FullName;
        try
        {
            settings["Mesh:Store"] = "sqlite";
            settings["Mesh:DataDirectory"] = folder;
            return (await ConsoleStart.FailureAsync(settings)).Message;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }
}
