using Microsoft.AspNetCore.Http.Features;

namespace MeshSidecar.Traffic;

/// <summary>How a request ended, in the few words metrics carry.</summary>
internal readonly record struct RequestOutcome(string Method, int StatusCode, string StatusClass, int? GrpcCode)
{
    private static readonly HashSet<string> _knownMethods =
        new(["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "TRACE", "PATCH", "CONNECT"], StringComparer.Ordinal);

    /// <summary>Reads a finished exchange; a method outside HTTP's own is <c>_OTHER</c>, as the conventions say, to bound cardinality.</summary>
    public static RequestOutcome Of(HttpContext context)
    {
        var method = _knownMethods.Contains(context.Request.Method) ? context.Request.Method : "_OTHER";
        var status = context.Response.StatusCode;
        return new RequestOutcome(method, status, Class(status), GrpcStatus.Of(context));
    }

    /// <summary><c>2xx</c>, <c>4xx</c>, ...; <c>0xx</c> when no status was set.</summary>
    public static string Class(int status) => status switch
    {
        >= 100 and < 200 => "1xx",
        >= 200 and < 300 => "2xx",
        >= 300 and < 400 => "3xx",
        >= 400 and < 500 => "4xx",
        >= 500 and < 600 => "5xx",
        _ => "0xx",
    };
}

/// <summary>gRPC's status as the sidecar writes and reads it.</summary>
internal static class GrpcStatus
{
    public const string StatusHeader = "grpc-status";
    public const string MessageHeader = "grpc-message";
    public const int DeadlineExceeded = 4;
    public const int PermissionDenied = 7;
    public const int ResourceExhausted = 8;
    public const int Unavailable = 14;

    public static bool IsGrpc(HttpRequest request) =>
        request.ContentType is { } type && type.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase);

    /// <summary>The call's status from its trailers, or from its headers in a trailers-only answer; null for plain HTTP.</summary>
    public static int? Of(HttpContext context)
    {
        if (!IsGrpc(context.Request))
            return null;
        var value = context.Features.Get<IHttpResponseTrailersFeature>()?.Trailers[StatusHeader] is { Count: > 0 } trailer
            ? trailer.ToString()
            : context.Response.Headers[StatusHeader].ToString();
        return int.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out var status) ? status : null;
    }

    /// <summary>The gRPC status for an HTTP status, as gRPC's own mapping reads an HTTP failure.</summary>
    public static int FromHttp(int httpStatus) => httpStatus switch
    {
        400 => 13,
        401 => 16,
        403 => PermissionDenied,
        404 => 12,
        429 or 502 or 503 or 504 => Unavailable,
        _ => 2,
    };

    /// <summary>The HTTP status a plain HTTP caller gets for a gRPC status, after Google's API mapping.</summary>
    public static int ToHttp(int grpcStatus) => grpcStatus switch
    {
        1 => 499,
        3 or 9 or 11 => 400,
        DeadlineExceeded => 504,
        5 => 404,
        6 or 10 => 409,
        PermissionDenied => 403,
        ResourceExhausted => 429,
        12 => 501,
        Unavailable => 503,
        16 => 401,
        _ => 500,
    };

    /// <summary>
    /// Answers a gRPC call with a status and no message: a trailers-only response, the shape gRPC
    /// servers use for an immediate error (HTTP 200, the status in the one header block).
    /// </summary>
    public static Task WriteStatusAsync(HttpResponse response, int status, string message)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/grpc";
        response.Headers[StatusHeader] = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        response.Headers[MessageHeader] = Uri.EscapeDataString(message);
        return response.CompleteAsync();
    }

    /// <summary>The same trailers-only answer as a response message, for a handler in YARP's client chain.</summary>
    public static HttpResponseMessage StatusMessage(HttpRequestMessage request, int status, string message)
    {
        var response = new HttpResponseMessage(System.Net.HttpStatusCode.OK)
        {
            RequestMessage = request,
            Version = request.Version,
            Content = new ByteArrayContent([]),
        };
        response.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/grpc");
        response.Headers.TryAddWithoutValidation(StatusHeader, status.ToString(System.Globalization.CultureInfo.InvariantCulture));
        response.Headers.TryAddWithoutValidation(MessageHeader, Uri.EscapeDataString(message));
        return response;
    }
}
