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
    [InlineData(null, "1.00:00:00", "2.00:00:00", "1.00:00:00", "Mesh:Identity:RenewCaBefore")]
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

    [Theory]
    [InlineData("1.00:00:00", "Mesh:Identity:RenewCaBefore")]
    [InlineData("200.00:00:00", "Mesh:Identity:RenewCaBefore")]
    public void Validate_RenewCaBeforeOutsideItsRange_FailureNamesTheKey(string renew, string key)
    {
        var options = new IdentityOptions { RenewCaBefore = TimeSpan.Parse(renew, System.Globalization.CultureInfo.InvariantCulture) };

        var result = new IdentityOptionsValidator().Validate(null, options);

        Assert.StartsWith(key + ":", Assert.Single(result.Failures!), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("365.00:00:00", "1.00:00:00", "30.00:00:00")]
    [InlineData("20.00:00:00", "1.00:00:00", "10.00:00:00")]
    [InlineData("365.00:00:00", "60.00:00:00", "61.00:00:00")]
    public void EffectiveRenewCaBefore_Unset_ThirtyDaysWithinItsBounds(string ca, string overlap, string expected)
    {
        var options = new IdentityOptions
        {
            CaLifetime = TimeSpan.Parse(ca, System.Globalization.CultureInfo.InvariantCulture),
            RotationOverlap = TimeSpan.Parse(overlap, System.Globalization.CultureInfo.InvariantCulture),
        };

        Assert.Equal(TimeSpan.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), options.EffectiveRenewCaBefore);
    }
}
