using System.Diagnostics;
using System.Net.Http.Headers;
using Google.Protobuf;
using Mesh.Contracts.Otlp.Collector.Trace.V1;
using Mesh.Contracts.Otlp.Common.V1;
using Mesh.Contracts.Otlp.Resource.V1;
using Mesh.Contracts.Otlp.Trace.V1;

namespace Mesh.Bench.Render;

/// <summary>
/// Keeps a mesh live in a console: every second, one to three client spans per edge, as the callers' SDKs
/// would export them, POSTed as OTLP/HTTP protobuf to <c>/v1/traces</c> with an API token. The counts vary from second to
/// second, so every refresh of the page has new figures to draw. Bounded by <see cref="MaxDuration"/>
/// whatever the caller does.
/// </summary>
internal sealed class MeshFeeder : IAsyncDisposable
{
    public static readonly TimeSpan MaxDuration = TimeSpan.FromMinutes(20);

    // A few thousand spans per export stays well under the console's 4 MiB limit (about 230 B a span).
    private const int SpansPerExport = 2000;

    private static readonly InstrumentationScope _scope = new() { Name = "Mesh.Bench.Render", Version = "1.0.0" };
    private static readonly KeyValue _method = Text("http.request.method", "GET");
    private static readonly KeyValue _ok = Number("http.response.status_code", 200);
    private static readonly KeyValue _unavailable = Number("http.response.status_code", 503);

    private readonly SyntheticMesh _mesh;
    private readonly HttpClient _http;
    private readonly Dictionary<string, Resource> _resources;
    private readonly Dictionary<string, KeyValue> _peers;
    private readonly Random _random = new(7);
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;
    private long _spansSent;
    private long _failures;

    public MeshFeeder(SyntheticMesh mesh, Uri otlpHttp, string apiToken)
    {
        _mesh = mesh;
        _http = new HttpClient { BaseAddress = otlpHttp, Timeout = TimeSpan.FromSeconds(10) };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiToken);
        _resources = mesh.Services.ToDictionary(s => s, Service, StringComparer.Ordinal);
        _peers = mesh.Services.ToDictionary(s => s, s => Text("peer.service", s), StringComparer.Ordinal);
    }

    // Written by the background loop, read by the run.
    public long SpansSent => Interlocked.Read(ref _spansSent);

    public long Failures => Interlocked.Read(ref _failures);

    public string? FirstFailure { get; private set; }

    /// <summary>Sends one second of calls now and then keeps sending one every second in the background.</summary>
    public async Task StartAsync()
    {
        await SendSecondAsync(_stop.Token).ConfigureAwait(false);
        _loop = LoopAsync(_stop.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
            await _loop.ConfigureAwait(false);
        _stop.Dispose();
        _http.Dispose();
    }

    private async Task LoopAsync(CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (clock.Elapsed < MaxDuration && await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
                await SendSecondAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private async Task SendSecondAsync(CancellationToken ct)
    {
        foreach (var export in Exports())
        {
            try
            {
                using var content = new ByteArrayContent(export.ToByteArray());
                content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
                using var response = await _http.PostAsync(new Uri("v1/traces", UriKind.Relative), content, ct).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                    Interlocked.Add(ref _spansSent, export.ResourceSpans.Sum(r => r.ScopeSpans.Sum(s => s.Spans.Count)));
                else
                    Fail($"POST /v1/traces answered {(int)response.StatusCode}");
            }
            catch (HttpRequestException ex)
            {
                Fail(ex.Message);
            }
            catch (TaskCanceledException ex) when (!ct.IsCancellationRequested)
            {
                Fail($"timed out: {ex.Message}");
            }
        }
    }

    private void Fail(string what)
    {
        Interlocked.Increment(ref _failures);
        FirstFailure ??= what;
    }

    /// <summary>One second of calls, grouped by caller (one resource each) into exports of at most <see cref="SpansPerExport"/> spans.</summary>
    private IEnumerable<ExportTraceServiceRequest> Exports()
    {
        var now = UnixNanos(DateTime.UtcNow);
        var export = new ExportTraceServiceRequest();
        var spans = 0;
        foreach (var caller in _mesh.Edges.GroupBy(e => e.Source, StringComparer.Ordinal))
        {
            var scope = new ScopeSpans { Scope = _scope };
            foreach (var edge in caller)
            {
                for (var n = _random.Next(1, 4); n > 0; n--)
                {
                    // Spread over the last second, 2–40 ms long.
                    var end = now - ((ulong)_random.Next(0, 1_000_000) * 1_000);
                    var duration = (ulong)_random.Next(2_000, 40_001) * 1_000;
                    var span = ClientSpan(end - duration, end);
                    span.Attributes.Add(_peers[edge.Destination]);
                    span.Attributes.Add(_method);
                    span.Attributes.Add(_random.NextDouble() < edge.ErrorRate ? _unavailable : _ok);
                    scope.Spans.Add(span);
                }
            }

            var resource = new ResourceSpans { Resource = _resources[caller.Key] };
            resource.ScopeSpans.Add(scope);
            export.ResourceSpans.Add(resource);
            spans += scope.Spans.Count;
            if (spans >= SpansPerExport)
            {
                yield return export;
                (export, spans) = (new ExportTraceServiceRequest(), 0);
            }
        }

        if (spans > 0)
            yield return export;
    }

    private Span ClientSpan(ulong start, ulong end)
    {
        Span<byte> ids = stackalloc byte[32];
        _random.NextBytes(ids);
        // All-zero ids are invalid in OTLP; a set low bit rules them out.
        ids[0] |= 1;
        ids[16] |= 1;
        ids[24] |= 1;
        return new Span
        {
            TraceId = ByteString.CopyFrom(ids[..16]),
            SpanId = ByteString.CopyFrom(ids[16..24]),
            ParentSpanId = ByteString.CopyFrom(ids[24..]),
            Name = "GET /api/items",
            Kind = Span.Types.SpanKind.Client,
            StartTimeUnixNano = start,
            EndTimeUnixNano = end,
        };
    }

    private static Resource Service(string name) => new()
    {
        Attributes = { Text("service.name", name), Text("service.instance.id", name + "-0"), Text("telemetry.sdk.language", "dotnet") },
    };

    private static KeyValue Text(string key, string value) => new() { Key = key, Value = new AnyValue { StringValue = value } };

    private static KeyValue Number(string key, long value) => new() { Key = key, Value = new AnyValue { IntValue = value } };

    private static ulong UnixNanos(DateTime utc) => (ulong)(utc - DateTime.UnixEpoch).Ticks * 100;
}
