using System.Net;
using System.Runtime.ExceptionServices;
using Mesh.Policy.Resilience;
using MeshSidecar.Admin;
using Yarp.ReverseProxy.Model;

namespace MeshSidecar.Traffic;

/// <summary>
/// The last link of YARP's client chain for one destination service: it sends each attempt of a
/// call and applies the resilience policy in force when the call started: the whole-call timeout
/// (until the answer's headers), the per-try timeout, retries on the policy's failure classes to
/// another instance within the retry budget, and outlier reports for every attempt.
/// </summary>
internal sealed class AttemptHandler(HttpMessageHandler inner, OutlierDetector outliers, SidecarMetrics metrics, TimeProvider time)
    : DelegatingHandler(inner)
{
    /// <summary>Bodies up to this size are buffered so they can be sent again; larger ones are never retried.</summary>
    public const int MaxRetriedBody = 64 * 1024;

    private static readonly HashSet<string> _idempotentMethods =
        new(["GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE"], StringComparer.OrdinalIgnoreCase);

    private static readonly ResiliencePolicy _none = new();

    private readonly RetryBudget _budget = new(time);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (!request.Options.TryGetValue(MeshCall.Key, out var call))
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var policy = call.Service.Resilience ?? _none;

        if (policy.Retries is not null)
            _budget.Called();
        var retries = policy.Retries is { } retry && (retry.RetryNonIdempotent || _idempotentMethods.Contains(request.Method.Method))
            && await MakeResendableAsync(request, cancellationToken).ConfigureAwait(false)
            ? retry
            : null;

        // Cancelling a token given to SendAsync may cut a response still streaming, so the timers are
        // stopped once an answer's headers are in and the sources live as long as the exchange.
        var timeoutMs = call.RouteTimeoutMs ?? policy.TimeoutMs;
        var whole = Timer(timeoutMs, call, cancellationToken);
        var destination = call.FirstDestination;
        // Only a retry needs to know where earlier attempts went: most calls never allocate it.
        List<DestinationState>? tried = null;
        for (var attempt = 0; ; attempt++)
        {
            var perTry = Timer(retries?.PerTryTimeoutMs, call, whole?.Token ?? cancellationToken);
            HttpResponseMessage? response = null;
            ExceptionDispatchInfo? error = null;
            string? failure;
            try
            {
                response = await base.SendAsync(request, perTry?.Token ?? whole?.Token ?? cancellationToken).ConfigureAwait(false);
                failure = (int)response.StatusCode >= 500 ? ((int)response.StatusCode is 502 or 503 or 504 ? "gateway-error" : "5xx") : null;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && whole?.IsCancellationRequested == true)
            {
                return TimedOut(request, call, timeoutMs!.Value);
            }
            catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested && perTry?.IsCancellationRequested == true)
            {
                failure = "per-try-timeout";
                error = ExceptionDispatchInfo.Capture(ex);
            }
            catch (HttpRequestException ex) when (!cancellationToken.IsCancellationRequested)
            {
                failure = ex.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError
                    ? "connect-failure"
                    : "reset";
                error = ExceptionDispatchInfo.Capture(ex);
            }

            perTry?.CancelAfter(Timeout.Infinite);
            if (destination is not null)
                outliers.Report(call, destination, failure);

            var retryable = failure is not null && retries is not null && attempt < retries.Attempts && Covers(retries.RetryOn, failure);
            if (retryable && !_budget.TryRetry(retries!.Budget?.Percent ?? 20, retries.Budget?.MinRetriesPerSecond ?? 3))
            {
                metrics.RetryDenied(call.Service.Name, call.Route);
                retryable = false;
            }

            if (!retryable)
            {
                whole?.CancelAfter(Timeout.Infinite);
                if (response is not null)
                    return response;
                if (failure == "per-try-timeout")
                    return TimedOut(request, call, retries!.PerTryTimeoutMs!.Value);
                error!.Throw();
            }

            response?.Dispose();
            metrics.Retry(call.Service.Name, call.Route, failure!);
            if (destination is not null)
                (tried ??= []).Add(destination);
            destination = call.NextDestination(tried ?? [], outliers.IsEjected) ?? destination;
            if (destination is not null)
                request.RequestUri = new Uri(destination.Model.Config.Address.TrimEnd('/') + request.RequestUri!.PathAndQuery);
            try
            {
                await Backoff(attempt, whole?.Token ?? cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && whole?.IsCancellationRequested == true)
            {
                return TimedOut(request, call, timeoutMs!.Value);
            }
        }
    }

    /// <summary>Whether the retry-on classes cover a failure, with Envoy's meanings: 5xx covers every class.</summary>
    private static bool Covers(IReadOnlyList<RetryOn> retryOn, string failure) => retryOn.Any(on => on switch
    {
        RetryOn.ServerError => true,
        RetryOn.GatewayError => failure is "gateway-error" or "per-try-timeout",
        RetryOn.ConnectFailure => failure is "connect-failure",
        RetryOn.Reset => failure is "reset",
        _ => false,
    });

    /// <summary>Buffers a small body so every attempt sends it whole; false when it is too large or of unknown length.</summary>
    private static async Task<bool> MakeResendableAsync(HttpRequestMessage request, CancellationToken ct)
    {
        if (request.Content is not { } content)
            return true;
        if (content.Headers.ContentLength is not (>= 0 and <= MaxRetriedBody))
            return false;
        var buffered = new ByteArrayContent(await content.ReadAsByteArrayAsync(ct).ConfigureAwait(false));
        foreach (var header in content.Headers)
            buffered.Headers.TryAddWithoutValidation(header.Key, header.Value);
        request.Content = buffered;
        return true;
    }

    /// <summary>A timer source that lives as long as the exchange; null when there is no timeout.</summary>
    private static CancellationTokenSource? Timer(int? milliseconds, MeshCall call, CancellationToken parent)
    {
        if (milliseconds is not { } ms)
            return null;
        var source = CancellationTokenSource.CreateLinkedTokenSource(parent);
        source.CancelAfter(ms);
        call.Context.Response.RegisterForDispose(source);
        return source;
    }

    /// <summary>Envoy's default back-off between retries: 25 ms doubling, fully jittered.</summary>
    private static Task Backoff(int attempt, CancellationToken ct) =>
        Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 25 << Math.Min(attempt, 4))), ct);

    private static HttpResponseMessage TimedOut(HttpRequestMessage request, MeshCall call, int milliseconds)
    {
        var reason = $"upstream request timeout: {call.Service.Name} gave no answer within {milliseconds} ms";
        if (GrpcStatus.IsGrpc(call.Context.Request))
            return GrpcStatus.StatusMessage(request, GrpcStatus.DeadlineExceeded, reason);
        return new HttpResponseMessage(HttpStatusCode.GatewayTimeout) { RequestMessage = request, Content = new StringContent(reason) };
    }
}
