using Mesh.Policy.Documents;
using Mesh.Policy.Services;
using Microsoft.Extensions.Time.Testing;

namespace Mesh.Policy.Tests.Documents;

public class ConfigRequestTests
{
    private static readonly ConfigDocuments _documents = new(new FakeTimeProvider());

    [Fact]
    public void Read_DocumentWithEnvelope_SplitsVersionAndReasonFromSpec()
    {
        var result = ConfigRequest.Read(_documents, ConfigKind.Service, """{"owner":"team","version":3,"reason":"new owner"}""");

        var request = Assert.IsType<ConfigRequest>(result.Request);
        Assert.Equal(3, request.ExpectedVersion);
        Assert.Equal("new owner", request.Reason);
        Assert.Equal("team", Assert.IsType<ServiceSpec>(request.Document.Spec).Owner);
        Assert.Equal("""{"owner":"team","description":""}""", request.Document.Json);
    }

    [Fact]
    public void Read_NoReason_EmptyReason()
    {
        var result = ConfigRequest.Read(_documents, ConfigKind.Service, """{"owner":"team","version":0}""");

        Assert.Equal("", result.Request!.Reason);
    }

    [Theory]
    [InlineData("""{"owner":"team"}""", "version", "required")]
    [InlineData("""{"owner":"team","version":"1"}""", "version", "whole number")]
    [InlineData("""{"owner":"team","version":1.5}""", "version", "whole number")]
    [InlineData("""{"owner":"team","version":-2}""", "version", "whole number")]
    [InlineData("""{"owner":"team","version":0,"version":1}""", "version", "appears twice")]
    [InlineData("""{"owner":"team","version":0,"reason":null}""", "reason", "must be a string")]
    [InlineData("""{"owner":"team","version":0,"reason":["a"]}""", "reason", "must be a string")]
    [InlineData("""["owner"]""", "", "must be a JSON object")]
    public void Read_BadEnvelope_NamesTheField(string body, string field, string reasonPart)
    {
        var result = ConfigRequest.Read(_documents, ConfigKind.Service, body);

        Assert.Null(result.Request);
        Assert.False(result.Malformed);
        ErrorAssert.Single(result.Errors, field, reasonPart);
    }

    [Fact]
    public void Read_ReasonTooLong_Refused()
    {
        var body = $$"""{"owner":"team","version":0,"reason":"{{new string('r', ConfigRequest.MaxReasonLength + 1)}}"}""";

        var result = ConfigRequest.Read(_documents, ConfigKind.Service, body);

        ErrorAssert.Single(result.Errors, "reason", "at most 2000");
    }

    [Fact]
    public void Read_EnvelopeAndDocumentErrors_ReportedTogether()
    {
        var result = ConfigRequest.Read(_documents, ConfigKind.Service, """{"owner":5,"colour":"red"}""");

        Assert.Contains(result.Errors, e => e.Field == "version");
        Assert.Contains(result.Errors, e => e.Field == "owner");
    }

    [Theory]
    [InlineData("")]
    [InlineData("{\"version\":")]
    [InlineData("{'version': 0}")]
    public void Read_NotJson_Malformed(string body)
    {
        var result = ConfigRequest.Read(_documents, ConfigKind.Service, body);

        Assert.True(result.Malformed);
        Assert.StartsWith("malformed JSON", Assert.Single(result.Errors).Reason, StringComparison.Ordinal);
    }
}
