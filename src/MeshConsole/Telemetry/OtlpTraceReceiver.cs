using Google.Protobuf;
using Grpc.Core;
using Mesh.Contracts.Otlp.Collector.Trace.V1;

namespace MeshConsole.Telemetry;

/// <summary>
/// OTLP traces in, over gRPC (<c>opentelemetry.proto.collector.trace.v1.TraceService/Export</c>,
/// port 4317) and HTTP (<c>POST /v1/traces</c>, protobuf or JSON, port 4318). Spans that cannot be
/// read are reported through the export's partial success; the rest of the export is kept.
/// </summary>
internal sealed class OtlpTraceReceiver(TelemetryIngest ingest) : TraceService.TraceServiceBase
{
    public override Task<ExportTraceServiceResponse> Export(ExportTraceServiceRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Accept(request) is { } response
            ? Task.FromResult(response)
            : throw new RpcException(new Status(StatusCode.ResourceExhausted, OtlpHttp.QueueFull));
    }

    /// <summary>Reads and queues an export; null when the queue is full.</summary>
    public ExportTraceServiceResponse? Accept(ExportTraceServiceRequest request)
    {
        var (calls, rejected, error) = SpanEdges.Read(request.ResourceSpans);
        if (!ingest.TryEnqueue(new IngestBatch([], calls)))
            return null;
        var response = new ExportTraceServiceResponse();
        if (rejected > 0)
            response.PartialSuccess = new ExportTracePartialSuccess { RejectedSpans = rejected, ErrorMessage = error ?? "" };
        return response;
    }

    /// <summary><c>POST /v1/traces</c>, answered like <c>POST /v1/metrics</c>.</summary>
    public static async Task<IResult> PostAsync(HttpContext context, OtlpTraceReceiver receiver, Microsoft.Extensions.Options.IOptions<OtlpOptions> options)
    {
        var (body, json, refusal) = await OtlpHttp.ReadAsync(context, options.Value.MaxMessageBytes).ConfigureAwait(false);
        if (refusal is not null)
            return refusal;
        using var buffer = body!;

        ExportTraceServiceRequest export;
        if (json)
        {
            if (!OtlpJson.TryParseTraces(OtlpHttp.Bytes(buffer), out var parsed, out var error))
                return Results.Text(error, statusCode: StatusCodes.Status400BadRequest);
            export = parsed;
        }
        else
        {
            try
            {
                export = ExportTraceServiceRequest.Parser.ParseFrom(buffer.GetBuffer(), 0, (int)buffer.Length);
            }
            catch (InvalidProtocolBufferException ex)
            {
                return Results.Text($"the body is not an ExportTraceServiceRequest: {ex.Message}", statusCode: StatusCodes.Status400BadRequest);
            }
        }

        return OtlpHttp.Answer(context, receiver.Accept(export), json);
    }
}
