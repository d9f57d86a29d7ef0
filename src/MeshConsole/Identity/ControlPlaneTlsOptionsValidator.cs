using Mesh.Policy.Validation;
using Microsoft.Extensions.Options;

namespace MeshConsole.Identity;

/// <summary>Checks <see cref="ControlPlaneTlsOptions"/> at start; each failure names its key.</summary>
internal sealed class ControlPlaneTlsOptionsValidator : IValidateOptions<ControlPlaneTlsOptions>
{
    public ValidateOptionsResult Validate(string? name, ControlPlaneTlsOptions options)
    {
        var failures = new List<string>();
        var key = $"{ControlPlaneTlsOptions.Section}:HostNames";
        if (options.HostNames is { Length: 0 })
            failures.Add($"{key}: empty; name at least one DNS name or IP address sidecars reach the console by");
        for (var i = 0; i < (options.HostNames?.Length ?? 0); i++)
        {
            var host = options.HostNames![i];
            if (string.IsNullOrWhiteSpace(host))
                failures.Add($"{key}:{i}: empty");
            else if (FieldRules.HostName(host) is { } error)
                failures.Add($"{key}:{i}: {error}");
        }

        if (options.CertificateLifetime < TimeSpan.FromSeconds(2) || options.CertificateLifetime > TimeSpan.FromDays(397))
            failures.Add($"{ControlPlaneTlsOptions.Section}:CertificateLifetime: must be between 2 s and 397 days, was {options.CertificateLifetime}");
        if (options.CaFile is { } file && string.IsNullOrWhiteSpace(file))
            failures.Add($"{ControlPlaneTlsOptions.Section}:CaFile: empty; give a path or leave the key out");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
