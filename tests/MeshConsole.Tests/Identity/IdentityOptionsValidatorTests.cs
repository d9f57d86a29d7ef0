using MeshConsole.Identity;

namespace MeshConsole.Tests.Identity;

public sealed class IdentityOptionsValidatorTests
{
    [Fact]
    public void Validate_Defaults_Succeed() =>
        Assert.True(new IdentityOptionsValidator().Validate(null, new IdentityOptions()).Succeeded);

    [Theory]
    [InlineData("Mesh.Local", null, null, null, "Mesh:Identity:TrustDomain")]
    [InlineData("", null, null, null, "Mesh:Identity:TrustDomain")]
    [InlineData(null, "00:00:00", null, null, "Mesh:Identity:CertificateLifetime")]
    [InlineData(null, "1.00:00:00", "1.12:00:00", "1.00:00:00", "Mesh:Identity:CaLifetime")]
    [InlineData(null, "1.00:00:00", null, "12:00:00", "Mesh:Identity:RotationOverlap")]
    [InlineData(null, null, "30.00:00:00", "30.00:00:00", "Mesh:Identity:RotationOverlap")]
    public void Validate_BadValue_FailureNamesTheKey(string? domain, string? certificate, string? ca, string? overlap, string key)
    {
        var options = new IdentityOptions();
        if (domain is not null)
            options.TrustDomain = domain;
        if (certificate is not null)
            options.CertificateLifetime = TimeSpan.Parse(certificate, System.Globalization.CultureInfo.InvariantCulture);
        if (ca is not null)
            options.CaLifetime = TimeSpan.Parse(ca, System.Globalization.CultureInfo.InvariantCulture);
        if (overlap is not null)
            options.RotationOverlap = TimeSpan.Parse(overlap, System.Globalization.CultureInfo.InvariantCulture);

        var result = new IdentityOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.StartsWith(key + ":", Assert.Single(result.Failures!), StringComparison.Ordinal);
    }
}
