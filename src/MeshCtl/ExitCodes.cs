namespace MeshCtl;

/// <summary>meshctl's exit codes, as docs/meshctl.md lists them.</summary>
public static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>The server failed (5xx) or could not be reached.</summary>
    public const int Failure = 1;

    /// <summary>Bad flags, an unreadable or malformed file, no server to talk to.</summary>
    public const int Usage = 2;

    /// <summary>The server refused the request as invalid (400, 422).</summary>
    public const int Invalid = 3;

    /// <summary>Someone else changed it meanwhile, or it is in a state that refuses this (409).</summary>
    public const int Conflict = 4;

    /// <summary>The token is missing, refused, or its role is too low (401, 403).</summary>
    public const int Unauthorised = 5;

    /// <summary>The service, document, revision or experiment does not exist (404).</summary>
    public const int NotFound = 6;

    public static int ForStatus(int status) => status switch
    {
        400 or 422 => Invalid,
        401 or 403 => Unauthorised,
        404 => NotFound,
        409 => Conflict,
        _ => Failure,
    };
}
