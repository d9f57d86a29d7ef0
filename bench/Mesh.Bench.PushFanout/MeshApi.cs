using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Mesh.Bench.PushFanout;

/// <summary>The few REST calls the driver makes: create the service, commit a routes revision.</summary>
internal sealed class MeshApi : IDisposable
{
    public const string Service = "bench";

    private readonly HttpClient _http;

    /// <summary>Calls <paramref name="api"/> with <paramref name="token"/>, an API token with the operator role or above.</summary>
    public MeshApi(Uri api, string token)
    {
        _http = new HttpClient { BaseAddress = api, Timeout = TimeSpan.FromSeconds(60) };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    public void Dispose() => _http.Dispose();

    /// <summary>Creates the service unless it exists; the revision it wrote, or null when it was there.</summary>
    public async Task<long?> EnsureServiceAsync(CancellationToken ct)
    {
        using var existing = await _http.GetAsync(new Uri($"api/services/{Service}", UriKind.Relative), ct).ConfigureAwait(false);
        if (existing.IsSuccessStatusCode)
            return null;
        if (existing.StatusCode != HttpStatusCode.NotFound)
            throw new HttpRequestException($"GET api/services/{Service}: {(int)existing.StatusCode}");
        var (revision, _) = await PutAsync($"api/services/{Service}", new { owner = "bench", description = "push fan-out benchmark", version = 0 }, ct).ConfigureAwait(false);
        return revision;
    }

    /// <summary>Reads the routes' version, then writes a routes document that differs from any earlier one.</summary>
    public async Task<long> ReadRoutesVersionAsync(CancellationToken ct)
    {
        using var response = await _http.GetAsync(new Uri($"api/services/{Service}/routes", UriKind.Relative), ct).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
            return 0;
        response.EnsureSuccessStatusCode();
        using var body = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false), cancellationToken: ct).ConfigureAwait(false);
        return body.RootElement.GetProperty("version").GetInt64();
    }

    /// <summary>The commit being measured: a routes document (named by the time, so it always changes something).</summary>
    public Task<(long Revision, string Status)> CommitRoutesAsync(long version, CancellationToken ct)
    {
        var rule = "push-" + DateTime.UtcNow.ToString("HHmmssfff", CultureInfo.InvariantCulture);
        return PutAsync($"api/services/{Service}/routes", new
        {
            subsets = new[] { new { name = "v1", labels = new Dictionary<string, string> { ["version"] = "v1" } } },
            rules = new[] { new { name = rule, destinations = new[] { new { subset = "v1", weight = 100 } } } },
            version,
            reason = "push fan-out benchmark",
        }, ct);
    }

    /// <summary>
    /// The console's Prometheus metrics, each name summed over its labels; empty when /metrics does
    /// not answer. The driver reads the runtime's GC figures from it.
    /// </summary>
    public async Task<Dictionary<string, double>> MetricsAsync(CancellationToken ct)
    {
        var sums = new Dictionary<string, double>(StringComparer.Ordinal);
        try
        {
            var text = await _http.GetStringAsync(new Uri("metrics", UriKind.Relative), ct).ConfigureAwait(false);
            foreach (var line in text.Split('\n'))
            {
                if (line.Length == 0 || line[0] == '#')
                    continue;
                var space = line.LastIndexOf(' ');
                var brace = line.IndexOf('{', StringComparison.Ordinal);
                var name = line[..(brace > 0 && brace < space ? brace : space)];
                if (space > 0 && double.TryParse(line[(space + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                    sums[name] = sums.GetValueOrDefault(name) + value;
            }
        }
        catch (HttpRequestException)
        {
        }

        return sums;
    }

    private async Task<(long Revision, string Status)> PutAsync(string path, object body, CancellationToken ct)
    {
        using var response = await _http.PutAsJsonAsync(new Uri(path, UriKind.Relative), body, ct).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException($"PUT {path}: {(int)response.StatusCode} {text}");
        using var json = JsonDocument.Parse(text);
        var status = json.RootElement.TryGetProperty("status", out var s) ? s.GetString() ?? "" : "";
        return json.RootElement.TryGetProperty("revision", out var revision) && revision.ValueKind == JsonValueKind.Number
            ? (revision.GetInt64(), status)
            : throw new HttpRequestException($"PUT {path}: no revision in {text}");
    }
}
