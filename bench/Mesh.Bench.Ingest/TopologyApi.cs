using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Mesh.Bench.Ingest;

/// <summary>The console's HTTP side as the driver reads it: the live topology and the Prometheus metrics.</summary>
internal sealed class TopologyApi : IDisposable
{
    private readonly HttpClient _http;

    public TopologyApi(Uri api, string token)
    {
        _http = new HttpClient { BaseAddress = api, Timeout = TimeSpan.FromSeconds(30) };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    public void Dispose() => _http.Dispose();

    /// <summary>The edges of <c>GET /api/topology?window=</c>, as (source, destination, requests).</summary>
    public async Task<List<(string Source, string Destination, double Requests)>> EdgesAsync(string window, CancellationToken ct)
    {
        await using var body = await _http.GetStreamAsync(new Uri($"api/topology?window={window}", UriKind.Relative), ct).ConfigureAwait(false);
        using var json = await JsonDocument.ParseAsync(body, cancellationToken: ct).ConfigureAwait(false);
        return [.. json.RootElement.GetProperty("edges").EnumerateArray().Select(e => (
            e.GetProperty("source").GetString() ?? "",
            e.GetProperty("destination").GetString() ?? "",
            e.GetProperty("requests").GetDouble()))];
    }

    /// <summary>Whether <c>GET /api/topology/spans</c> lists any span on the (http) edge.</summary>
    public async Task<bool> HasRecentSpansAsync(string source, string destination, CancellationToken ct)
    {
        var query = $"api/topology/spans?source={Uri.EscapeDataString(source)}&destination={Uri.EscapeDataString(destination)}";
        await using var body = await _http.GetStreamAsync(new Uri(query, UriKind.Relative), ct).ConfigureAwait(false);
        using var json = await JsonDocument.ParseAsync(body, cancellationToken: ct).ConfigureAwait(false);
        return json.RootElement.GetArrayLength() > 0;
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
}
