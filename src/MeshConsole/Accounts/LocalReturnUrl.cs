namespace MeshConsole.Accounts;

/// <summary>Where to go after signing in: only a path on this console, so no sign-in form becomes an open redirect.</summary>
internal static class LocalReturnUrl
{
    public static string Of(string? url) =>
        url is { Length: > 0 } && url[0] == '/' && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal)
            ? url
            : "/";
}
