namespace Mesh.Demo;

/// <summary>A steady trickle of calls into the shop's frontend, sent through a sidecar's outbound listener.</summary>
public sealed partial class DemoTraffic(Uri sidecarOutbound, ILogger logger)
{
    /// <summary>The service every call names: the shop's entry point.</summary>
    public const string EntryService = "frontend";

    /// <summary>Calls the frontend through the mesh, <paramref name="perSecond"/> times a second, until cancelled.</summary>
    public async Task SendAsync(double perSecond, CancellationToken ct)
    {
        using var client = new HttpClient { BaseAddress = sidecarOutbound, Timeout = TimeSpan.FromSeconds(10) };
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1 / perSecond));
        long sent = 0, failed = 0;
        while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, "/") { Headers = { { "X-Mesh-Service", EntryService } } };
                using var response = await client.SendAsync(request, ct).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                    failed++;
            }
            catch (HttpRequestException)
            {
                failed++;
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
                // A call that outlived the client's timeout; the next tick goes on.
                failed++;
            }

            if (++sent % 300 == 0)
                LogTraffic(logger, sent, failed);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo traffic: {Sent} requests sent, {Failed} failed")]
    private static partial void LogTraffic(ILogger logger, long sent, long failed);
}
