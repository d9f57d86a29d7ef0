using Mesh.Policy.Access;
using Mesh.Policy.Documents;

namespace Mesh.Policy.Tests.Access;

public class MtlsPolicyTests
{
    private static readonly ConfigDocuments _documents = new(TimeProvider.System);

    private static AccessPolicy Policy(MtlsPolicy? mtls) => new() { DefaultAction = AccessAction.Allow, Mtls = mtls };

    [Fact]
    public void MtlsModeOf_NoMtlsSection_Permissive()
    {
        var policy = Policy(null);

        Assert.Equal(MtlsMode.Permissive, policy.MtlsModeOf("orders"));
    }

    [Fact]
    public void MtlsModeOf_ServiceNamed_ItsOwnMode()
    {
        var policy = Policy(new MtlsPolicy { Mode = MtlsMode.Permissive, Services = new Dictionary<string, MtlsMode> { ["payments"] = MtlsMode.Strict } });

        Assert.Equal(MtlsMode.Strict, policy.MtlsModeOf("payments"));
        Assert.Equal(MtlsMode.Permissive, policy.MtlsModeOf("orders"));
    }

    [Fact]
    public void MtlsModeOf_StrictMeshWideWithPermissiveException_ExceptionWins()
    {
        var policy = Policy(new MtlsPolicy { Mode = MtlsMode.Strict, Services = new Dictionary<string, MtlsMode> { ["legacy"] = MtlsMode.Permissive } });

        Assert.Equal(MtlsMode.Permissive, policy.MtlsModeOf("legacy"));
        Assert.Equal(MtlsMode.Strict, policy.MtlsModeOf("orders"));
    }

    [Fact]
    public void Read_MtlsSection_CanonicalJsonWithSortedServices()
    {
        const string json = """{"defaultAction":"allow","mtls":{"services":{"payments":"strict","legacy":"permissive"},"mode":"strict"}}""";

        var result = _documents.Read(ConfigKind.Access, json);

        Assert.Empty(result.Errors);
        Assert.Equal("""{"defaultAction":"allow","mtls":{"mode":"strict","services":{"legacy":"permissive","payments":"strict"}}}""", result.Document!.Json);
    }

    [Fact]
    public void Read_MtlsWithoutMode_PermissiveWrittenOut()
    {
        const string json = """{"defaultAction":"deny","mtls":{"services":{"payments":"strict"}}}""";

        var result = _documents.Read(ConfigKind.Access, json);

        Assert.Equal("""{"defaultAction":"deny","mtls":{"mode":"permissive","services":{"payments":"strict"}}}""", result.Document?.Json);
    }

    [Fact]
    public void Read_NoMtls_LeftOut()
    {
        var result = _documents.Read(ConfigKind.Access, """{"defaultAction":"deny"}""");

        Assert.Equal("""{"defaultAction":"deny"}""", result.Document?.Json);
    }

    [Fact]
    public void Read_UnknownMode_ReportsModeAndAllowedWords()
    {
        var result = _documents.Read(ConfigKind.Access, """{"defaultAction":"deny","mtls":{"mode":"required"}}""");

        ErrorAssert.Single(result.Errors, "mtls.mode", "\"required\" is not one of permissive, strict");
    }

    [Fact]
    public void Read_UnknownServiceMode_ReportsServiceKey()
    {
        var result = _documents.Read(ConfigKind.Access, """{"defaultAction":"deny","mtls":{"services":{"payments":"on"}}}""");

        var error = Assert.Single(result.Errors);
        Assert.StartsWith("mtls.services", error.Field, StringComparison.Ordinal);
        Assert.Contains("\"on\" is not one of permissive, strict", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_UnknownFieldInMtls_ReportsIt()
    {
        var result = _documents.Read(ConfigKind.Access, """{"defaultAction":"deny","mtls":{"mode":"strict","ports":[1]}}""");

        ErrorAssert.Single(result.Errors, "mtls.ports", "unknown field");
    }

    [Fact]
    public void Read_NullServices_ReportsServices()
    {
        var result = _documents.Read(ConfigKind.Access, """{"defaultAction":"deny","mtls":{"services":null}}""");

        var error = Assert.Single(result.Errors);
        Assert.StartsWith("mtls.services", error.Field, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Payments")]
    [InlineData("pay_ments")]
    [InlineData("*")]
    public void Validate_BadServiceName_ReportsServiceKey(string service)
    {
        var policy = Policy(new MtlsPolicy { Services = new Dictionary<string, MtlsMode> { [service] = MtlsMode.Strict } });

        var errors = AccessPolicyValidator.Validate(policy);

        ErrorAssert.Single(errors, $"mtls.services[\"{service}\"]", "is not a DNS label");
    }

    [Fact]
    public void Validate_UndefinedMode_ReportsMode()
    {
        var policy = Policy(new MtlsPolicy { Mode = (MtlsMode)7 });

        var errors = AccessPolicyValidator.Validate(policy);

        ErrorAssert.Single(errors, "mtls.mode", "must be strict or permissive");
    }

    [Fact]
    public void Validate_UndefinedServiceMode_ReportsServiceKey()
    {
        var policy = Policy(new MtlsPolicy { Services = new Dictionary<string, MtlsMode> { ["orders"] = (MtlsMode)7 } });

        var errors = AccessPolicyValidator.Validate(policy);

        ErrorAssert.Single(errors, "mtls.services[\"orders\"]", "must be strict or permissive");
    }

    [Fact]
    public void Validate_NullServicesMap_ReportsServices()
    {
        var policy = Policy(new MtlsPolicy { Services = null! });

        var errors = AccessPolicyValidator.Validate(policy);

        ErrorAssert.Single(errors, "mtls.services", "must not be null");
    }

    [Fact]
    public void Evaluate_UnauthenticatedSource_OnlyWildcardSourceRulesMatch()
    {
        var policy = new AccessPolicy
        {
            DefaultAction = AccessAction.Deny,
            Rules =
            [
                new AccessRule { Source = "web", Destination = "orders", Action = AccessAction.Allow },
                new AccessRule { Source = "*", Destination = "orders", PathPrefixes = ["/public"], Action = AccessAction.Allow },
            ],
        };

        var privatePath = AccessEvaluator.Evaluate(policy, new AccessRequest(AccessEvaluator.Unauthenticated, "orders", "GET", "/orders"));
        var publicPath = AccessEvaluator.Evaluate(policy, new AccessRequest(AccessEvaluator.Unauthenticated, "orders", "GET", "/public/x"));

        Assert.Equal(AccessAction.Deny, privatePath.Action);
        Assert.Null(privatePath.RuleIndex);
        Assert.Equal(AccessAction.Allow, publicPath.Action);
        Assert.Equal(1, publicPath.RuleIndex);
    }
}
