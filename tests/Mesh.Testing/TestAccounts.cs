using System.Net.Http.Headers;

namespace Mesh.Testing;

/// <summary>
/// What test consoles are bootstrapped with (Mesh:Bootstrap:*): the admin's password and an admin
/// API token that test HTTP clients send by default.
/// </summary>
public static class TestAccounts
{
    public const string AdminUser = "admin";
    public const string AdminPassword = "test-admin-password";
    public const string ApiToken = "mat_TestTokenTestTokenTestTokenTestTokenTestTok";

    /// <summary>The settings that make a console start with the admin and the token above.</summary>
    public static IReadOnlyDictionary<string, string> BootstrapSettings { get; } = new Dictionary<string, string>
    {
        ["Mesh:Bootstrap:AdminPassword"] = AdminPassword,
        ["Mesh:Bootstrap:ApiToken"] = ApiToken,
    };

    /// <summary>Sends the bootstrap admin token on every request of the client.</summary>
    public static HttpClient Authenticate(this HttpClient client, string token = ApiToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>A handler adding the token, for gRPC channels over a test server's handler.</summary>
    public static HttpMessageHandler Authenticate(this HttpMessageHandler inner, string token = ApiToken) =>
        new BearerHandler(token) { InnerHandler = inner };

    private sealed class BearerHandler(string token) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
