using Microsoft.Extensions.Options;

namespace MeshConsole.Identity;

internal sealed class BootstrapJoinTokenOptionsValidator : IValidateOptions<BootstrapJoinTokenOptions>
{
    public ValidateOptionsResult Validate(string? name, BootstrapJoinTokenOptions options) =>
        string.IsNullOrEmpty(options.JoinToken) || JoinTokens.IsWellFormed(options.JoinToken)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"{BootstrapJoinTokenOptions.Section}:JoinToken: must be {JoinTokens.Prefix} followed by 43 base64url characters");
}
