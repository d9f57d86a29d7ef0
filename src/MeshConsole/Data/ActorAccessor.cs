namespace MeshConsole.Data;

/// <summary>Who is making a change, as recorded in its revision.</summary>
public sealed class ActorAccessor(IHttpContextAccessor http)
{
    /// <summary>Recorded when no user is signed in; sign-in and API tokens come with console users and roles.</summary>
    public const string Anonymous = "anonymous";

    public string Current => http.HttpContext?.User.Identity is { IsAuthenticated: true, Name: { Length: > 0 } name }
        ? name
        : Anonymous;
}
