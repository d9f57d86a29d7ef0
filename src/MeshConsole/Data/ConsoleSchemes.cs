using Microsoft.AspNetCore.Identity;

namespace MeshConsole.Data;

/// <summary>
/// The console's two ways in: the sign-in cookie for people in a browser, API tokens
/// (<c>Authorization: Bearer mat_…</c>) for scripts, Prometheus and OTLP senders.
/// </summary>
internal static class ConsoleSchemes
{
    /// <summary>Picks the cookie or the API token per request.</summary>
    public const string Default = "mesh";

    public const string ApiToken = "ApiToken";

    /// <summary>Join tokens (<c>Bearer mjt_…</c>), accepted for telemetry ingest only; registered by workload identity.</summary>
    public const string JoinToken = "JoinToken";

    /// <summary>
    /// A request carrying a bearer token is judged by it alone. Machine paths (REST, OpenAPI,
    /// metrics, OTLP, gRPC) are answered as an API would (401/403 problems, never a redirect to a
    /// login form) and do not accept the cookie: a form on another site cannot make a browser write
    /// through them.
    /// </summary>
    public static string Select(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return ApiToken;
        return IsMachineRequest(context.Request) ? ApiToken : IdentityConstants.ApplicationScheme;
    }

    public static bool IsMachineRequest(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var path = request.Path;
        return path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase)
            || path.StartsWithSegments("/openapi", StringComparison.OrdinalIgnoreCase)
            || path.StartsWithSegments("/metrics", StringComparison.OrdinalIgnoreCase)
            || path.StartsWithSegments("/v1", StringComparison.OrdinalIgnoreCase)
            || IsGrpc(request);
    }

    public static bool IsGrpc(HttpRequest request) =>
        request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true;
}
