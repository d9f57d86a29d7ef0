using System.Net;
using MeshSidecar.Traffic;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace MeshSidecar.Tests.Traffic;

public sealed class RequestOutcomeTests
{
    private sealed class TrailersFeature : IHttpResponseTrailersFeature
    {
        public IHeaderDictionary Trailers { get; set; } = new HeaderDictionary();
    }

    private static DefaultHttpContext Exchange(string method = "GET", int status = 200, string? contentType = null)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.ContentType = contentType;
        context.Response.StatusCode = status;
        return context;
    }

    [Theory]
    [InlineData(0, "0xx")]
    [InlineData(99, "0xx")]
    [InlineData(100, "1xx")]
    [InlineData(199, "1xx")]
    [InlineData(200, "2xx")]
    [InlineData(204, "2xx")]
    [InlineData(302, "3xx")]
    [InlineData(404, "4xx")]
    [InlineData(499, "4xx")]
    [InlineData(500, "5xx")]
    [InlineData(599, "5xx")]
    [InlineData(600, "0xx")]
    [InlineData(-1, "0xx")]
    public void Class_Status_IsItsHundred(int status, string expected) =>
        Assert.Equal(expected, RequestOutcome.Class(status));

    [Theory]
    [InlineData("GET")]
    [InlineData("HEAD")]
    [InlineData("POST")]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    [InlineData("OPTIONS")]
    [InlineData("TRACE")]
    [InlineData("PATCH")]
    [InlineData("CONNECT")]
    public void Of_KnownMethod_KeepsIt(string method) =>
        Assert.Equal(method, RequestOutcome.Of(Exchange(method)).Method);

    [Theory]
    [InlineData("PROPFIND")]
    [InlineData("FOO")]
    [InlineData("get")]
    [InlineData("")]
    public void Of_UnknownMethod_IsOther(string method) =>
        Assert.Equal("_OTHER", RequestOutcome.Of(Exchange(method)).Method);

    [Fact]
    public void Of_PlainHttp_HasStatusClassAndNoGrpcCode()
    {
        var context = Exchange("POST", status: 503);
        context.Response.Headers[GrpcStatus.StatusHeader] = "14";

        var outcome = RequestOutcome.Of(context);

        Assert.Equal(new RequestOutcome("POST", 503, "5xx", null), outcome);
    }

    [Fact]
    public void Of_GrpcStatusInResponseHeaders_ReadsIt()
    {
        var context = Exchange("POST", contentType: "application/grpc");
        context.Response.Headers[GrpcStatus.StatusHeader] = "14";

        var outcome = RequestOutcome.Of(context);

        Assert.Equal(new RequestOutcome("POST", 200, "2xx", GrpcStatus.Unavailable), outcome);
    }

    [Fact]
    public void Of_GrpcStatusInTrailers_PrefersTrailers()
    {
        var context = Exchange("POST", contentType: "application/grpc+proto");
        var trailers = new TrailersFeature();
        trailers.Trailers[GrpcStatus.StatusHeader] = "0";
        context.Features.Set<IHttpResponseTrailersFeature>(trailers);
        context.Response.Headers[GrpcStatus.StatusHeader] = "14";

        Assert.Equal(0, RequestOutcome.Of(context).GrpcCode);
    }

    [Fact]
    public void Of_TrailersFeatureWithoutStatus_FallsBackToHeaders()
    {
        var context = Exchange("POST", contentType: "application/grpc");
        context.Features.Set<IHttpResponseTrailersFeature>(new TrailersFeature());
        context.Response.Headers[GrpcStatus.StatusHeader] = "8";

        Assert.Equal(GrpcStatus.ResourceExhausted, RequestOutcome.Of(context).GrpcCode);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("unavailable")]
    public void Of_GrpcWithoutNumericStatus_HasNoGrpcCode(string? status)
    {
        var context = Exchange("POST", contentType: "application/grpc");
        if (status is not null)
            context.Response.Headers[GrpcStatus.StatusHeader] = status;

        Assert.Null(RequestOutcome.Of(context).GrpcCode);
    }

    [Theory]
    [InlineData("application/grpc", true)]
    [InlineData("application/grpc+proto", true)]
    [InlineData("APPLICATION/GRPC", true)]
    [InlineData("application/json", false)]
    [InlineData("text/plain", false)]
    [InlineData(null, false)]
    public void IsGrpc_ContentType_IsGrpcWhenApplicationGrpc(string? contentType, bool expected) =>
        Assert.Equal(expected, GrpcStatus.IsGrpc(Exchange("POST", contentType: contentType).Request));

    [Theory]
    [InlineData(400, 13)]
    [InlineData(401, 16)]
    [InlineData(403, GrpcStatus.PermissionDenied)]
    [InlineData(404, 12)]
    [InlineData(429, GrpcStatus.Unavailable)]
    [InlineData(502, GrpcStatus.Unavailable)]
    [InlineData(503, GrpcStatus.Unavailable)]
    [InlineData(504, GrpcStatus.Unavailable)]
    [InlineData(500, 2)]
    [InlineData(409, 2)]
    [InlineData(200, 2)]
    public void FromHttp_HttpStatus_IsGrpcsMapping(int http, int expected) =>
        Assert.Equal(expected, GrpcStatus.FromHttp(http));

    [Theory]
    [InlineData(1, 499)]
    [InlineData(2, 500)]
    [InlineData(3, 400)]
    [InlineData(GrpcStatus.DeadlineExceeded, 504)]
    [InlineData(5, 404)]
    [InlineData(6, 409)]
    [InlineData(GrpcStatus.PermissionDenied, 403)]
    [InlineData(GrpcStatus.ResourceExhausted, 429)]
    [InlineData(9, 400)]
    [InlineData(10, 409)]
    [InlineData(11, 400)]
    [InlineData(12, 501)]
    [InlineData(13, 500)]
    [InlineData(GrpcStatus.Unavailable, 503)]
    [InlineData(15, 500)]
    [InlineData(16, 401)]
    [InlineData(99, 500)]
    public void ToHttp_GrpcStatus_IsGooglesMapping(int grpc, int expected) =>
        Assert.Equal(expected, GrpcStatus.ToHttp(grpc));

    [Fact]
    public async Task StatusMessage_Status_IsTrailersOnlyGrpcAnswer()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "http://orders/orders.v1.Orders/Get") { Version = HttpVersion.Version20 };

        using var response = GrpcStatus.StatusMessage(request, GrpcStatus.Unavailable, "no healthy upstream");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Same(request, response.RequestMessage);
        Assert.Equal(HttpVersion.Version20, response.Version);
        Assert.Equal("application/grpc", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(["14"], response.Headers.GetValues(GrpcStatus.StatusHeader));
        Assert.Equal(["no%20healthy%20upstream"], response.Headers.GetValues(GrpcStatus.MessageHeader));
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task WriteStatusAsync_GrpcCall_IsReadBackByOf()
    {
        var context = Exchange("POST", status: 0, contentType: "application/grpc");

        await GrpcStatus.WriteStatusAsync(context.Response, GrpcStatus.DeadlineExceeded, "deadline exceeded");

        Assert.Equal("application/grpc", context.Response.ContentType);
        Assert.Equal("deadline%20exceeded", context.Response.Headers[GrpcStatus.MessageHeader].ToString());
        Assert.Equal(new RequestOutcome("POST", 200, "2xx", GrpcStatus.DeadlineExceeded), RequestOutcome.Of(context));
    }
}
