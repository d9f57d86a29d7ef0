using Microsoft.AspNetCore.Identity;

namespace Mesh.Store.Accounts;

/// <summary>A person who signs in to the console. Holds exactly one role (viewer, operator or admin).</summary>
public sealed class ConsoleUser : IdentityUser
{
}
