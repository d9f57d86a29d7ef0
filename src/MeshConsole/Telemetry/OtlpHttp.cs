using Google.Protobuf;

namespace MeshConsole.Telemetry;

/// <summary>What the OTLP/HTTP receivers share: reading a body within the limit, and answering.</summary>
internal static class OtlpHttp
{
    public const string QueueFull = "the console's telemetry queue is full; retry later";

    /// <summary>
    /// The body, and whether it is JSON; or the refusal: 415 for a type other than
    /// <c>application/x-protobuf</c> or <c>application/json</c>, 413 over the limit.
    /// </summary>
    public static async Task<(MemoryStream? Body, bool Json, IResult? Refusal)> ReadAsync(HttpContext context, int limit)
    {
        var request = context.Request;
        var json = request.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) == true;
        if (!json && request.ContentType?.StartsWith("application/x-protobuf", StringComparison.OrdinalIgnoreCase) != true)
            return (null, false, Results.Text($"Content-Type must be application/x-protobuf or application/json, not \"{request.ContentType}\"", statusCode: StatusCodes.Status415UnsupportedMediaType));
        if (request.ContentLength > limit)
            return (null, json, Results.Text($"the body is {request.ContentLength} bytes; at most {limit} are accepted", statusCode: StatusCodes.Status413PayloadTooLarge));

        var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, context.RequestAborted).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                await buffer.DisposeAsync().ConfigureAwait(false);
                return (null, json, Results.Text($"the body is over {limit} bytes, the most accepted", statusCode: StatusCodes.Status413PayloadTooLarge));
            }

            buffer.Write(chunk, 0, read);
        }

        return (buffer, json, null);
    }

    public static ReadOnlySpan<byte> Bytes(MemoryStream buffer) => buffer.GetBuffer().AsSpan(0, (int)buffer.Length);

    /// <summary>The export's answer in the request's encoding, or 429 with Retry-After when it was not queued.</summary>
    public static IResult Answer(HttpContext context, IMessage? response, bool json)
    {
        if (response is null)
        {
            context.Response.Headers.RetryAfter = "1";
            return Results.Text(QueueFull, statusCode: StatusCodes.Status429TooManyRequests);
        }

        return json
            ? Results.Text(JsonFormatter.Default.Format(response), "application/json")
            : Results.Bytes(response.ToByteArray(), "application/x-protobuf");
    }
}
