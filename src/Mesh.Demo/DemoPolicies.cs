using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Mesh.Demo;

/// <summary>
/// Writes the shop's services and policies through the console's REST API with an admin's API token:
/// the services, the orders canary (90% v1, 10% v2), the payments resilience policy and the access
/// policy (strict mTLS; only orders pays). Each is written only when absent, so running it again changes nothing.
/// </summary>
public sealed partial class DemoPolicies(Uri console, string apiToken, ILogger logger)
{
    /// <summary>Waits until the console's <c>/healthz</c> answers 200, trying every <paramref name="interval"/> at most <paramref name="attempts"/> times.</summary>
    public async Task<bool> WaitForConsoleAsync(int attempts, TimeSpan interval, CancellationToken ct)
    {
        using var client = new HttpClient { BaseAddress = console, Timeout = TimeSpan.FromSeconds(5) };
        for (var attempt = 1; attempt <= attempts; attempt++)
        {
            try
            {
                using var response = await client.GetAsync("healthz", ct).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                    return true;
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
            }

            if (attempt < attempts)
                await Task.Delay(interval, ct).ConfigureAwait(false);
        }

        return false;
    }

    /// <summary>Writes what is absent; true when every document exists afterwards.</summary>
    public async Task<bool> DeclareAsync(CancellationToken ct)
    {
        using var api = new HttpClient { BaseAddress = console };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiToken);
        var written = true;
        foreach (var name in ShopService.Shop.Select(s => s.Name).Append("loadgen").Distinct())
            written &= await PutIfAbsentAsync(api, $"api/services/{name}", $$"""{"owner":"demo","description":"demo shop: {{name}}","version":0,"reason":"demo mesh"}""", ct);
        written &= await PutIfAbsentAsync(api, "api/services/orders/routes", """
            { "subsets": [ {"name":"v1","labels":{"version":"v1"}}, {"name":"v2","labels":{"version":"v2"}} ],
              "rules": [
                { "name": "beta-users", "match": {"headers": {"x-user-group": {"exact": "beta"}}},
                  "destinations": [ {"subset":"v2","weight":100} ] },
                { "destinations": [ {"subset":"v1","weight":90}, {"subset":"v2","weight":10} ] } ],
              "version": 0, "reason": "demo mesh: canary orders v2 at 10%" }
            """, ct);
        written &= await PutIfAbsentAsync(api, "api/services/payments/resilience", """
            { "timeoutMs": 2000,
              "retries": { "attempts": 2, "perTryTimeoutMs": 800, "retryOn": ["5xx", "connect-failure"], "budget": { "percent": 20, "minRetriesPerSecond": 3 } },
              "circuitBreaker": { "consecutive5xx": 5, "ejectionTimeMs": 10000, "maxEjectedPercent": 50 },
              "version": 0, "reason": "demo mesh: payments retried within a budget, outliers ejected" }
            """, ct);
        written &= await PutIfAbsentAsync(api, "api/access", """
            { "defaultAction": "allow", "mtls": { "mode": "strict" },
              "rules": [ { "source": "frontend", "destination": "payments", "action": "deny" } ],
              "version": 0, "reason": "demo mesh: mutual TLS only; the frontend never calls payments directly" }
            """, ct);
        return written;
    }

    private async Task<bool> PutIfAbsentAsync(HttpClient api, string path, string json, CancellationToken ct)
    {
        // The access policy always answers (the mesh's default at version 0): written means a version above 0.
        using var existing = await api.GetAsync(path, ct).ConfigureAwait(false);
        if (existing.IsSuccessStatusCode && JsonDocument.Parse(await existing.Content.ReadAsStringAsync(ct).ConfigureAwait(false))
                .RootElement.TryGetProperty("version", out var version) && version.GetInt64() > 0)
            return true;
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await api.PutAsync(path, content, ct).ConfigureAwait(false);
        if (response.IsSuccessStatusCode)
            return true;
        LogDeclareFailed(logger, path, (int)response.StatusCode, await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false));
        return false;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not declare {Path}: {Status} {Body}")]
    private static partial void LogDeclareFailed(ILogger logger, string path, int status, string body);
}
