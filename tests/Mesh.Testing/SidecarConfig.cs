using System.Text.Json;

namespace Mesh.Testing;

/// <summary>A running sidecar's applied configuration, read from its admin port's <c>/config</c>.</summary>
public static class SidecarConfig
{
    /// <summary>Polls <c>/config</c> until it satisfies the predicate; bounded to 15 s.</summary>
    public static async Task<JsonElement> WaitForAsync(int adminPort, string instanceId, Func<JsonElement, bool> predicate)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        using var admin = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{adminPort}/") };
        var last = "";
        for (var attempt = 0; attempt < 150; attempt++)
        {
            var response = await admin.GetAsync(new Uri("config", UriKind.Relative));
            if (response.IsSuccessStatusCode)
            {
                last = await response.Content.ReadAsStringAsync();
                var config = JsonDocument.Parse(last).RootElement.Clone();
                if (predicate(config))
                    return config;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"sidecar {instanceId} never got there; last config: {last}");
    }
}
