using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace MeshConsole.Identity;

/// <summary>Checks <see cref="IdentityOptions"/> at start; each failure names its key.</summary>
internal sealed partial class IdentityOptionsValidator : IValidateOptions<IdentityOptions>
{
    public ValidateOptionsResult Validate(string? name, IdentityOptions options)
    {
        var failures = new List<string>();
        if (!TrustDomainPattern().IsMatch(options.TrustDomain ?? ""))
            failures.Add($"{IdentityOptions.Section}:TrustDomain: \"{options.TrustDomain}\" is not a trust domain (lower-case letters, digits, '.', '-', '_'; at most 255)");
        if (options.CertificateLifetime < TimeSpan.FromSeconds(1) || options.CertificateLifetime > TimeSpan.FromDays(365))
            failures.Add($"{IdentityOptions.Section}:CertificateLifetime: must be between 1 s and 365 days, was {options.CertificateLifetime}");
        if (options.CaLifetime < 2 * options.CertificateLifetime || options.CaLifetime > TimeSpan.FromDays(3650 * 2))
            failures.Add($"{IdentityOptions.Section}:CaLifetime: must be at least twice the certificate lifetime and at most 20 years, was {options.CaLifetime}");
        if (options.RotationOverlap < options.CertificateLifetime || options.RotationOverlap >= options.CaLifetime)
            failures.Add($"{IdentityOptions.Section}:RotationOverlap: must be at least the certificate lifetime ({options.CertificateLifetime}) and less than the CA lifetime, was {options.RotationOverlap}");
        // Checked once the lifetimes it derives from are valid, so one mistake gives one message.
        var renew = options.EffectiveRenewCaBefore;
        if (failures.Count == 0 && (renew < options.RotationOverlap + options.CertificateLifetime || renew > options.CaLifetime / 2))
            failures.Add($"{IdentityOptions.Section}:RenewCaBefore: must be at least the rotation overlap plus the certificate lifetime ({options.RotationOverlap + options.CertificateLifetime}) and at most half the CA lifetime ({options.CaLifetime / 2}), was {renew}");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    [GeneratedRegex("^[a-z0-9]([a-z0-9._-]{0,253}[a-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex TrustDomainPattern();
}
