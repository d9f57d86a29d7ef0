namespace MeshConsole.Data;

/// <summary>
/// Who is making a change, as recorded in its revision: a signed-in user's name, or
/// <c>token:&lt;name&gt;</c> for an API token (see ApiTokenAuthenticationHandler).
/// </summary>
public sealed class ActorAccessor(IHttpContextAccessor http)
{
    /// <summary>Recorded when no one is signed in: only by writes that need no role, of which there are none today.</summary>
    public const string Anonymous = "anonymous";

    public string Current => http.HttpContext?.User.Identity is { IsAuthenticated: true, Name: { Length: > 0 } name }
        ? name
        : Anonymous;
}
