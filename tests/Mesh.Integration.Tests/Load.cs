using System.Net;

namespace Mesh.Integration.Tests;

/// <summary>An answer as a load loop keeps it.</summary>
public sealed record Answer(HttpStatusCode Status, string Body, TimeSpan Elapsed, string? RetryAfter);

/// <summary>Bounded load through a caller's sidecar: a fixed number of requests, a fixed concurrency.</summary>
public static class Load
{
    /// <summary>A GET (or another method) to a mesh service named by header.</summary>
    public static HttpRequestMessage To(string service, string path, HttpMethod? method = null, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(method ?? HttpMethod.Get, path) { Headers = { { "X-Mesh-Service", service } } };
        foreach (var (name, value) in headers)
            request.Headers.Add(name, value);
        return request;
    }

    /// <summary>Sends <paramref name="count"/> requests, at most <paramref name="concurrency"/> at a time; returns every answer in order.</summary>
    public static async Task<Answer[]> SendAsync(HttpClient client, int count, int concurrency, Func<int, HttpRequestMessage> request)
    {
        var answers = new Answer[count];
        var next = -1;
        var workers = Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
                answers[i] = await SendOneAsync(client, request(i));
        });
        await Task.WhenAll(workers);
        return answers;
    }

    public static async Task<Answer> SendOneAsync(HttpClient client, HttpRequestMessage request)
    {
        using (request)
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            using var response = await client.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            return new Answer(response.StatusCode, body, System.Diagnostics.Stopwatch.GetElapsedTime(started), response.Headers.RetryAfter?.ToString());
        }
    }

    /// <summary>
    /// The admin /metrics text of one or more sidecars (concatenated) once it matches
    /// <paramref name="pattern"/>, polled for at most 10 s because the exporter serves a scrape from
    /// its cache for a moment; else the last text.
    /// </summary>
    public static async Task<string> MetricsMatchingAsync(string pattern, params MeshSidecar.Configuration.SidecarOptions[] sidecars)
    {
        var admins = sidecars.Select(s => new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{s.AdminPort}/") }).ToList();
        try
        {
            var text = "";
            for (var attempt = 0; attempt < 50; attempt++)
            {
                text = string.Concat(await Task.WhenAll(admins.Select(a => a.GetStringAsync("metrics"))));
                if (System.Text.RegularExpressions.Regex.IsMatch(text, pattern))
                    break;
                await Task.Delay(200);
            }

            return text;
        }
        finally
        {
            admins.ForEach(a => a.Dispose());
        }
    }

    public static Task<string> MetricsMatchingAsync(MeshSidecar.Configuration.SidecarOptions sidecar, string pattern) =>
        MetricsMatchingAsync(pattern, sidecar);
}
