namespace MeshCtl.Connection;

/// <summary>The console meshctl talks to and the token it sends, with where each came from (for error messages).</summary>
public sealed record Target(Uri Server, string Token, string ServerSource, string TokenSource)
{
    public const string ServerVariable = "MESHCTL_SERVER";
    public const string TokenVariable = "MESHCTL_TOKEN";

    /// <summary>
    /// The flag wins over the environment, the environment over the saved login. A missing server or token,
    /// or a server that is not an http(s) address, is a usage error that says where to give one.
    /// </summary>
    public static Target Resolve(string? serverFlag, string? tokenFlag, Func<string, string?> variable, LoginFile? saved)
    {
        ArgumentNullException.ThrowIfNull(variable);
        // The saved login is read only when a flag or variable leaves something open.
        var login = (string.IsNullOrEmpty(serverFlag) && string.IsNullOrEmpty(variable(ServerVariable)))
            || (string.IsNullOrEmpty(tokenFlag) && string.IsNullOrEmpty(variable(TokenVariable)))
            ? saved?.Read()
            : null;
        var (server, serverSource) = Pick(serverFlag, "--server", variable(ServerVariable), ServerVariable, login?.Server, saved?.Path);
        var (token, tokenSource) = Pick(tokenFlag, "--token", variable(TokenVariable), TokenVariable, login?.Token, saved?.Path);
        if (server is null)
            throw MeshCtlException.Usage($"no server: pass --server URL, set {ServerVariable}, or run meshctl login --server URL --token T");
        if (token is null)
            throw MeshCtlException.Usage($"no token: pass --token T, set {TokenVariable}, or run meshctl login --server URL --token T");
        return new Target(ParseServer(server, serverSource), token, serverSource, tokenSource);
    }

    public static Uri ParseServer(string text, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
        {
            throw MeshCtlException.Usage($"{source}: \"{text}\" is not a console address such as http://127.0.0.1:8080");
        }

        // A trailing slash makes relative API paths resolve under a path prefix, if the console sits behind one.
        return uri.AbsolutePath.EndsWith('/') ? uri : new Uri(uri + "/");
    }

    private static (string? Value, string Source) Pick(string? flag, string flagName, string? env, string envName, string? saved, string? savedPath)
    {
        if (!string.IsNullOrEmpty(flag))
            return (flag, flagName);
        if (!string.IsNullOrEmpty(env))
            return (env, envName);
        return string.IsNullOrEmpty(saved) ? (null, "") : (saved, savedPath!);
    }
}
