using Mesh.Store.Accounts;
using Microsoft.Extensions.Options;

namespace MeshConsole.Accounts;

/// <summary>Refuses bootstrap values the console would have to reject later, naming the key.</summary>
internal sealed class BootstrapOptionsValidator : IValidateOptions<BootstrapOptions>
{
    public ValidateOptionsResult Validate(string? name, BootstrapOptions options)
    {
        var failures = new List<string>();
        if (options.AdminPassword is { } password && password.Length < AccountRules.MinPasswordLength)
            failures.Add($"Mesh:Bootstrap:AdminPassword must be at least {AccountRules.MinPasswordLength} characters, was {password.Length}.");
        if (!string.IsNullOrEmpty(options.ApiToken) && !TokenFormat.IsWellFormed(options.ApiToken, TokenFormat.ApiTokenPrefix))
        {
            failures.Add($"Mesh:Bootstrap:ApiToken must be '{TokenFormat.ApiTokenPrefix}' followed by 43 base64url characters "
                + "(32 random bytes), e.g. \"mat_$(head -c 32 /dev/urandom | basenc --base64url | tr -d '=')\".");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
