namespace MeshConsole.Accounts.SingleSignOn;

/// <summary>Why a sign-in through the identity provider ended without a session; each has its own page text.</summary>
public enum SsoProblem
{
    /// <summary>None of the user's claim values maps to a role and DefaultRole is none.</summary>
    NoRole,

    /// <summary>The console user is locked out (failed passwords, or an admin's lockout).</summary>
    LockedOut,

    /// <summary>The provider answered with an error (the user declined, or it refused the client).</summary>
    RefusedByProvider,

    /// <summary>The provider's metadata could not be read: it is down, or Authority is wrong.</summary>
    ProviderUnreachable,

    /// <summary>The answer did not verify: state, correlation, signature, issuer, audience, nonce or subject.</summary>
    Failed,
}

/// <summary>The page that explains an <see cref="SsoProblem"/>.</summary>
internal static class SsoProblemPath
{
    public const string Page = "/account/sso/problem";

    public static string For(SsoProblem problem, string? providerError = null)
    {
        var reason = problem switch
        {
            SsoProblem.NoRole => "no-role",
            SsoProblem.LockedOut => "locked-out",
            SsoProblem.RefusedByProvider => "refused",
            SsoProblem.ProviderUnreachable => "unreachable",
            _ => "failed",
        };
        return providerError is null ? $"{Page}?reason={reason}" : $"{Page}?reason={reason}&error={Uri.EscapeDataString(providerError)}";
    }
}
