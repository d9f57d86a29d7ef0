using Mesh.Policy.Services;

namespace Mesh.Policy.Tests.Services;

public class ServiceSpecValidatorTests
{
    [Fact]
    public void Validate_Null_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => ServiceSpecValidator.Validate(null!));
    }

    [Fact]
    public void Validate_EmptyOwnerAndDescription_NoErrors()
    {
        var errors = ServiceSpecValidator.Validate(new ServiceSpec());

        Assert.Empty(errors);
    }

    [Fact]
    public void Validate_OwnerAndDescriptionAtMaxLength_NoErrors()
    {
        var spec = new ServiceSpec { Owner = new string('o', 200), Description = new string('d', 2000) };

        var errors = ServiceSpecValidator.Validate(spec);

        Assert.Empty(errors);
    }

    [Fact]
    public void Validate_OwnerTooLong_ReportsOwner()
    {
        var spec = new ServiceSpec { Owner = new string('o', 201) };

        var errors = ServiceSpecValidator.Validate(spec);

        var error = Assert.Single(errors);
        Assert.Equal("owner", error.Field);
        Assert.Equal("must be a string of at most 200 characters", error.Reason);
    }

    [Fact]
    public void Validate_DescriptionTooLong_ReportsDescription()
    {
        var spec = new ServiceSpec { Description = new string('d', 2001) };

        var errors = ServiceSpecValidator.Validate(spec);

        ErrorAssert.Single(errors, "description", "at most 2000 characters");
    }

    [Fact]
    public void Validate_NullOwnerAndDescription_ReportsBoth()
    {
        var spec = new ServiceSpec { Owner = null!, Description = null! };

        var errors = ServiceSpecValidator.Validate(spec);

        Assert.Equal(["owner", "description"], errors.Select(e => e.Field));
    }
}
