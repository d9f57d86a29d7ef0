using Microsoft.AspNetCore.Authentication;

namespace MeshConsole.Accounts;

/// <summary>Options of the API token scheme; it has no settings of its own.</summary>
internal sealed class ApiTokenAuthenticationOptions : AuthenticationSchemeOptions
{
}
