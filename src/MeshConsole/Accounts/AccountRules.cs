using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;

namespace MeshConsole.Accounts;

/// <summary>The rules for user names, passwords, sign-in attempts and API tokens, in one place.</summary>
public static partial class AccountRules
{
    public const int MinPasswordLength = 12;
    public const int MaxFailedSignIns = 5;
    public const string BootstrapAdmin = "admin";
    public const string BootstrapToken = "bootstrap";

    public static readonly TimeSpan Lockout = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan CookieLifetime = TimeSpan.FromHours(8);
    public static readonly TimeSpan MaxTokenLifetime = TimeSpan.FromDays(365);

    /// <summary>User and token names: what reads well in an actor column and a URL.</summary>
    public static bool IsName(string? name) => name is not null && NamePattern().IsMatch(name);

    public const string NameRule = "1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit";

    /// <summary>Identity's password, lockout and user settings for the console.</summary>
    public static void Configure(IdentityOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Password.RequiredLength = MinPasswordLength;
        // Length over composition rules (NIST SP 800-63B): a long passphrase is a good password.
        options.Password.RequireDigit = false;
        options.Password.RequireLowercase = false;
        options.Password.RequireUppercase = false;
        options.Password.RequireNonAlphanumeric = false;
        options.Lockout.MaxFailedAccessAttempts = MaxFailedSignIns;
        options.Lockout.DefaultLockoutTimeSpan = Lockout;
        options.Lockout.AllowedForNewUsers = true;
        options.User.RequireUniqueEmail = false;
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex NamePattern();
}
