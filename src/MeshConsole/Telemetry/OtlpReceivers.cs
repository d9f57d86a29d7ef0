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
internal sealed class OtlpMetricsReceiver(TelemetryIngest ingest, CumulativeStreams cumulative) : MetricsService.MetricsServiceBase
{
    public override Task<ExportMetricsServiceResponse> Export(ExportMetricsServiceRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Accept(request) is { } response
            ? Task.FromResult(response)
            : throw new RpcException(new Status(StatusCode.ResourceExhausted, OtlpHttp.QueueFull));
    }

    /// <summary>Reads and queues an export; null when the queue is full.</summary>
    public ExportMetricsServiceResponse? Accept(ExportMetricsServiceRequest request)
    {
        var (observations, rejected, error) = MetricEdges.Read(request.ResourceMetrics, cumulative);
        if (!ingest.TryEnqueue(new IngestBatch(observations, [])))
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
        var (body, json, refusal) = await OtlpHttp.ReadAsync(context, options.Value.MaxMessageBytes).ConfigureAwait(false);
        if (refusal is not null)
            return refusal;
        using var buffer = body!;

        ExportMetricsServiceRequest export;
        if (json)
        {
            if (!OtlpJson.TryParseMetrics(OtlpHttp.Bytes(buffer), out var parsed, out var error))
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

        return OtlpHttp.Answer(context, receiver.Accept(export), json);
    }
}
