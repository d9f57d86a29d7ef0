using System.Net;
using System.Text;
using Mesh.Store;
using MeshConsole.Accounts;
using MeshConsole.Data;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace MeshConsole.Tests.Accounts;

/// <summary>
/// Every endpoint the console maps must be listed here with the least role it needs, or as
/// anonymous by design; a new endpoint fails the test until someone decides. REST endpoints are
/// then called without a token and with a viewer's, an operator's and an admin's.
/// </summary>
public sealed class AuthorizationMatrixTests : IAsyncLifetime
{
    private const string Anonymous = "anonymous";
    private const string Ingest = MeshPolicies.Ingest;

    /// <summary>"METHODS pattern" → the least role, <c>anonymous</c>, or <c>ingest</c> (any API token).</summary>
    private static readonly Dictionary<string, string> _expected = new()
    {
        // Anonymous by design: signing in, health, sidecars' own channel, gRPC's answer for unknown services.
        ["GET,POST /account/login"] = Anonymous,
        ["GET,POST /account/access-denied"] = Anonymous,
        ["POST /account/logout"] = Anonymous,
        // OpenID Connect: the button's challenge and the page of a refused sign-in. The provider's
        // callback (/signin-oidc) is answered by the authentication middleware, not by an endpoint.
        ["POST /account/sso"] = Anonymous,
        ["GET,POST /account/sso/problem"] = Anonymous,
        [" /healthz"] = Anonymous,
        ["GET /api/identity/ca.pem"] = Anonymous,
        ["POST /mesh.v1.ControlPlane/Connect"] = Anonymous,
        [" mesh.v1.ControlPlane/{unimplementedMethod:grpcunimplemented}"] = Anonymous,
        ["POST /grpc.health.v1.Health/Check"] = Anonymous,
        ["POST /grpc.health.v1.Health/Watch"] = Anonymous,
        [" grpc.health.v1.Health/{unimplementedMethod:grpcunimplemented}"] = Anonymous,
        [" {unimplementedService}/{unimplementedMethod:grpcunimplemented}"] = Anonymous,
        // OTLP senders: any API token.
        ["POST /opentelemetry.proto.collector.metrics.v1.MetricsService/Export"] = Ingest,
        [" opentelemetry.proto.collector.metrics.v1.MetricsService/{unimplementedMethod:grpcunimplemented}"] = Ingest,
        ["POST /opentelemetry.proto.collector.trace.v1.TraceService/Export"] = Ingest,
        [" opentelemetry.proto.collector.trace.v1.TraceService/{unimplementedMethod:grpcunimplemented}"] = Ingest,
        ["POST /v1/traces"] = Ingest,
        ["POST /v1/metrics"] = Ingest,
        // Reading: viewer.
        ["GET,HEAD {**path:file}"] = MeshPolicies.Viewer,
        [" /metrics"] = MeshPolicies.Viewer,
        ["GET /openapi/{documentName}.json"] = MeshPolicies.Viewer,
        ["POST /grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo"] = MeshPolicies.Viewer,
        [" grpc.reflection.v1alpha.ServerReflection/{unimplementedMethod:grpcunimplemented}"] = MeshPolicies.Viewer,
        ["POST /grpc.reflection.v1.ServerReflection/ServerReflectionInfo"] = MeshPolicies.Viewer,
        [" grpc.reflection.v1.ServerReflection/{unimplementedMethod:grpcunimplemented}"] = MeshPolicies.Viewer,
        ["GET /_framework/opaque-redirect"] = MeshPolicies.Viewer,
        [" /_blazor/negotiate"] = MeshPolicies.Viewer,
        [" /_blazor"] = MeshPolicies.Viewer,
        [" /_blazor/disconnect/"] = MeshPolicies.Viewer,
        [" /_blazor/initializers/"] = MeshPolicies.Viewer,
        ["GET,POST /"] = MeshPolicies.Viewer,
        ["GET,POST /services"] = MeshPolicies.Viewer,
        ["GET,POST /services/{Name}/routes"] = MeshPolicies.Viewer,
        ["GET,POST /topology"] = MeshPolicies.Viewer,
        ["GET,POST /access"] = MeshPolicies.Viewer,
        ["GET,POST /experiments"] = MeshPolicies.Viewer,
        ["GET,POST /experiments/new"] = MeshPolicies.Viewer,
        ["GET,POST /experiments/{Id:long}"] = MeshPolicies.Viewer,
        ["GET,POST /history"] = MeshPolicies.Viewer,
        ["GET,POST /history/{Number:long}"] = MeshPolicies.Viewer,
        ["GET,POST /sidecars"] = MeshPolicies.Viewer,
        ["GET,POST /settings"] = MeshPolicies.Viewer,
        ["GET,POST /tokens"] = MeshPolicies.Viewer,
        ["GET,POST /users"] = MeshPolicies.Admin,
        ["GET,POST /identity"] = MeshPolicies.Admin,
        ["GET /api/identity/trust-bundle"] = MeshPolicies.Viewer,
        ["GET /api/sidecars"] = MeshPolicies.Viewer,
        ["GET /api/topology"] = MeshPolicies.Viewer,
        ["GET /api/topology/spans"] = MeshPolicies.Viewer,
        ["GET /api/services/{name}/subsets"] = MeshPolicies.Viewer,
        ["GET /api/services/{name}/rollouts/"] = MeshPolicies.Viewer,
        ["GET /api/services/{name}/rollouts/{id:long}"] = MeshPolicies.Viewer,
        ["GET /api/services"] = MeshPolicies.Viewer,
        ["GET /api/services/{name}"] = MeshPolicies.Viewer,
        ["GET /api/services/{name}/routes"] = MeshPolicies.Viewer,
        ["GET /api/services/{name}/resilience"] = MeshPolicies.Viewer,
        ["GET /api/services/{name}/faults"] = MeshPolicies.Viewer,
        ["GET /api/access"] = MeshPolicies.Viewer,
        ["POST /api/access/what-if"] = MeshPolicies.Viewer,
        ["POST /api/access/impact"] = MeshPolicies.Viewer,
        ["GET /api/revisions/"] = MeshPolicies.Viewer,
        ["GET /api/revisions/{number:long}"] = MeshPolicies.Viewer,
        ["GET /api/revisions/{number:long}/export"] = MeshPolicies.Viewer,
        ["GET /api/config/export"] = MeshPolicies.Viewer,
        ["POST /api/config/apply"] = MeshPolicies.Viewer,
        ["GET /api/experiments/"] = MeshPolicies.Viewer,
        ["GET /api/experiments/{id:long}"] = MeshPolicies.Viewer,
        ["GET /api/whoami"] = MeshPolicies.Viewer,
        ["GET /api/tokens/"] = MeshPolicies.Viewer,
        ["POST /api/tokens/"] = MeshPolicies.Viewer,
        ["DELETE /api/tokens/{id:long}"] = MeshPolicies.Viewer,
        // Changing traffic: operator (a revert of an access revision is checked for admin in the handler).
        ["PUT /api/services/{name}"] = MeshPolicies.Operator,
        ["DELETE /api/services/{name}"] = MeshPolicies.Operator,
        ["PUT /api/services/{name}/routes"] = MeshPolicies.Operator,
        ["DELETE /api/services/{name}/routes"] = MeshPolicies.Operator,
        ["PUT /api/services/{name}/resilience"] = MeshPolicies.Operator,
        ["DELETE /api/services/{name}/resilience"] = MeshPolicies.Operator,
        ["PUT /api/services/{name}/faults"] = MeshPolicies.Operator,
        ["DELETE /api/services/{name}/faults"] = MeshPolicies.Operator,
        ["POST /api/revisions/{number:long}/revert"] = MeshPolicies.Operator,
        ["POST /api/services/{name}/rollouts/"] = MeshPolicies.Operator,
        ["POST /api/services/{name}/rollouts/{id:long}/pause"] = MeshPolicies.Operator,
        ["POST /api/services/{name}/rollouts/{id:long}/resume"] = MeshPolicies.Operator,
        ["POST /api/services/{name}/rollouts/{id:long}/abort"] = MeshPolicies.Operator,
        ["POST /api/experiments/"] = MeshPolicies.Operator,
        ["POST /api/experiments/{id:long}/stop"] = MeshPolicies.Operator,
        // Who may do what: admin.
        ["PUT /api/access"] = MeshPolicies.Admin,
        ["DELETE /api/access"] = MeshPolicies.Admin,
        ["GET /api/users/"] = MeshPolicies.Admin,
        ["POST /api/users/"] = MeshPolicies.Admin,
        ["PUT /api/users/{userName}/role"] = MeshPolicies.Admin,
        ["PUT /api/users/{userName}/password"] = MeshPolicies.Admin,
        ["POST /api/users/{userName}/unlock"] = MeshPolicies.Admin,
        ["DELETE /api/users/{userName}"] = MeshPolicies.Admin,
        ["POST /api/identity/join-tokens"] = MeshPolicies.Admin,
        ["GET /api/identity/join-tokens"] = MeshPolicies.Admin,
        ["POST /api/identity/join-tokens/{name}/revoke"] = MeshPolicies.Admin,
        ["GET /api/identity/ca"] = MeshPolicies.Admin,
        ["POST /api/identity/ca/rotate"] = MeshPolicies.Admin,
        ["GET /api/identity/certificates"] = MeshPolicies.Admin,
        ["GET /api/identity/revocations"] = MeshPolicies.Admin,
        ["POST /api/identity/revocations"] = MeshPolicies.Admin,
        ["DELETE /api/identity/revocations/{instanceId}"] = MeshPolicies.Admin,
    };

    private AccountsConsole _console = null!;

    public async Task InitializeAsync() => _console = await AccountsConsole.StartAsync(StoreProviders.Sqlite);

    public async Task DisposeAsync() => await _console.DisposeAsync();

    [Fact]
    public async Task Endpoints_EveryOneListed_WithTheRoleItsMetadataAsks()
    {
        var mismatches = new List<string>();
        foreach (var (key, endpoint) in Endpoints())
        {
            var actual = await RequirementAsync(endpoint);
            if (endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.StaticAssets.StaticAssetDescriptor>() is not null)
            {
                // The console's css/js and the framework's files: anonymous, the login page needs them.
                if (actual != Anonymous)
                    mismatches.Add($"{key}: a static asset must be anonymous, is {actual}");
            }
            else if (!_expected.TryGetValue(key, out var expected))
                mismatches.Add($"{key}: not in the expectation table (it is {actual} today); decide who may call it");
            else if (expected != actual)
                mismatches.Add($"{key}: expected {expected}, is {actual}");
        }

        var mapped = Endpoints().Select(e => e.Key).ToHashSet();
        mismatches.AddRange(_expected.Keys.Where(k => !mapped.Contains(k)).Select(k => $"{k}: in the table but no longer mapped"));
        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches));
    }

    [Fact]
    public async Task RestEndpoints_AnonymousViewerOperatorAdmin_RefusedBelowTheirRole()
    {
        var failures = new List<string>();
        foreach (var (key, endpoint) in Endpoints().Where(e => IsRest(e.Endpoint)))
        {
            var required = _expected[key];
            foreach (var caller in new[] { Anonymous, MeshPolicies.Viewer, MeshPolicies.Operator, MeshPolicies.Admin })
            {
                var status = await CallAsync(endpoint, caller);
                var refused = status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden;
                var expected = caller == Anonymous
                    ? (required == Anonymous ? "allowed" : "401")
                    : required is Anonymous or Ingest || RoleRank.Of(caller) >= RoleRank.Of(required) ? "allowed" : "403";
                var actual = refused ? ((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture) : "allowed";
                if (expected != actual)
                    failures.Add($"{key} as {caller}: expected {expected}, got {(int)status}");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task Pages_Anonymous_RedirectedToLoginWithReturnUrl()
    {
        using var anonymous = _console.Client(null);
        foreach (var path in new[] { "/", "/services", "/topology", "/access", "/experiments", "/history", "/history/1", "/sidecars", "/settings", "/tokens", "/users" })
        {
            var response = await anonymous.GetAsync(path);

            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.Equal($"/account/login?returnUrl={Uri.EscapeDataString(path)}", response.Headers.Location?.PathAndQuery);
        }
    }

    [Fact]
    public async Task LoginPage_Anonymous_Served()
    {
        using var anonymous = _console.Client(null);

        var response = await anonymous.GetAsync("/account/login");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("__RequestVerificationToken", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private IEnumerable<(string Key, RouteEndpoint Endpoint)> Endpoints() =>
        _console.Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => ($"{string.Join(",", e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [])} {e.RoutePattern.RawText}", e));

    private static bool IsRest(RouteEndpoint endpoint) =>
        endpoint.RoutePattern.RawText is { } p && (p.StartsWith("/api/", StringComparison.Ordinal) || p.StartsWith("/v1/", StringComparison.Ordinal)
            || p is "/healthz" or "/metrics" || p.StartsWith("/openapi/", StringComparison.Ordinal));

    /// <summary>What the endpoint's metadata asks, the way the authorization middleware reads it.</summary>
    private async Task<string> RequirementAsync(Endpoint endpoint)
    {
        if (endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null)
            return Anonymous;
        var policies = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).ToList();
        if (policies.Count == 0 || policies.All(p => p is null))
        {
            // No policy of its own: the fallback policy, which must be the viewer's.
            var provider = _console.Factory.Services.GetRequiredService<IAuthorizationPolicyProvider>();
            var fallback = await provider.GetFallbackPolicyAsync();
            if (fallback is null)
                return Anonymous;
            Assert.Same(await provider.GetPolicyAsync(MeshPolicies.Viewer), fallback);
            return MeshPolicies.Viewer;
        }

        return policies.Contains(Ingest) ? Ingest : policies.OfType<string>().MaxBy(RoleRank.Of)!;
    }

    private async Task<HttpStatusCode> CallAsync(RouteEndpoint endpoint, string caller)
    {
        using var client = _console.Client(caller == Anonymous ? null : _console.Tokens[caller]);
        var path = endpoint.RoutePattern.RawText!
            .Replace("{name}", "orders", StringComparison.Ordinal)
            .Replace("{number:long}", "1", StringComparison.Ordinal)
            .Replace("{userName}", "nobody", StringComparison.Ordinal)
            .Replace("{id:long}", "999999", StringComparison.Ordinal)
            .Replace("{documentName}", "v1", StringComparison.Ordinal);
        var method = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods is { Count: > 0 } methods ? methods[0] : "GET";
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method is "PUT" or "POST")
            request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }
}
