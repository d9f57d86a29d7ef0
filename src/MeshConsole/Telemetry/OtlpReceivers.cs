using Google.Protobuf;
using Grpc.Core;
using Mesh.Contracts.Otlp.Collector.Metrics.V1;

namespace MeshConsole.Telemetry;

/// <summary>
/// OTLP metrics in, over gRPC (<c>opentelemetry.proto.collector.metrics.v1.MetricsService/Export</c>,
/// port 4317) and HTTP (<c>POST /v1/metrics</c>, protobuf or JSON, port 4318), for any
/// OpenTelemetry SDK or Collector. Points that describe an edge but cannot be read are reported
/// through the export's partial success; the rest of the export is kept.
/// </summary>
internal sealed class OtlpMetricsReceiver(TelemetryIngest ingest) : MetricsService.MetricsServiceBase
{
    public const string QueueFull = "the console's telemetry queue is full; retry later";

    public override Task<ExportMetricsServiceResponse> Export(ExportMetricsServiceRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Accept(request) is { } response
            ? Task.FromResult(response)
            : throw new RpcException(new Status(StatusCode.ResourceExhausted, QueueFull));
    }

    /// <summary>Reads and queues an export; null when the queue is full.</summary>
    public ExportMetricsServiceResponse? Accept(ExportMetricsServiceRequest request)
    {
        var (observations, rejected, error) = MetricEdges.Read(request.ResourceMetrics);
        if (!ingest.TryEnqueue(observations))
            return null;
        var response = new ExportMetricsServiceResponse();
        if (rejected > 0)
            response.PartialSuccess = new ExportMetricsPartialSuccess { RejectedDataPoints = rejected, ErrorMessage = error ?? "" };
        return response;
    }

    /// <summary>
    /// <c>POST /v1/metrics</c>: the body as <c>application/x-protobuf</c> or <c>application/json</c>
    /// (OTLP/JSON, hex ids); the answer in the same encoding. 413 over the size limit, 415 for another
    /// type, 400 for a body that cannot be read (saying where), 429 with Retry-After when the queue is full.
    /// </summary>
    public static async Task<IResult> PostAsync(HttpContext context, OtlpMetricsReceiver receiver, Microsoft.Extensions.Options.IOptions<OtlpOptions> options)
    {
        var request = context.Request;
        var json = request.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) == true;
        if (!json && request.ContentType?.StartsWith("application/x-protobuf", StringComparison.OrdinalIgnoreCase) != true)
            return Results.Text($"Content-Type must be application/x-protobuf or application/json, not \"{request.ContentType}\"", statusCode: StatusCodes.Status415UnsupportedMediaType);

        var limit = options.Value.MaxMessageBytes;
        if (request.ContentLength > limit)
            return Results.Text($"the body is {request.ContentLength} bytes; at most {limit} are accepted", statusCode: StatusCodes.Status413PayloadTooLarge);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, context.RequestAborted).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > limit)
                return Results.Text($"the body is over {limit} bytes, the most accepted", statusCode: StatusCodes.Status413PayloadTooLarge);
            buffer.Write(chunk, 0, read);
        }

        ExportMetricsServiceRequest export;
        if (json)
        {
            if (!OtlpJson.TryParseMetrics(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), out var parsed, out var error))
                return Results.Text(error, statusCode: StatusCodes.Status400BadRequest);
            export = parsed;
        }
        else
        {
            try
            {
                export = ExportMetricsServiceRequest.Parser.ParseFrom(buffer.GetBuffer(), 0, (int)buffer.Length);
            }
            catch (InvalidProtocolBufferException ex)
            {
                return Results.Text($"the body is not an ExportMetricsServiceRequest: {ex.Message}", statusCode: StatusCodes.Status400BadRequest);
            }
        }

        if (receiver.Accept(export) is not { } response)
        {
            context.Response.Headers.RetryAfter = "1";
            return Results.Text(QueueFull, statusCode: StatusCodes.Status429TooManyRequests);
        }

        return json
            ? Results.Text(JsonFormatter.Default.Format(response), "application/json")
            : Results.Bytes(response.ToByteArray(), "application/x-protobuf");
    }
}
