using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MeshCtl.Connection;

/// <summary>
/// The console's REST API as meshctl uses it: JSON in and out with the token on every call. A refusal
/// becomes a <see cref="MeshCtlException"/> carrying the problem's title, detail and field errors and the
/// exit code of its status; an unreachable server is a failure naming the address.
/// </summary>
public sealed class MeshApi : IDisposable
{
    private readonly HttpClient _http;

    public MeshApi(Target target)
    {
        ArgumentNullException.ThrowIfNull(target);
        Target = target;
        _http = new HttpClient { BaseAddress = target.Server, Timeout = TimeSpan.FromSeconds(60) };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", target.Token);
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("meshctl", "1.0"));
        _http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
    }

    public Target Target { get; }

    public async Task<JsonNode> GetAsync(string path, CancellationToken ct) =>
        await SendAsync(HttpMethod.Get, path, null, ct).ConfigureAwait(false);

    public async Task<JsonNode> PostAsync(string path, JsonNode? body, CancellationToken ct) =>
        await SendAsync(HttpMethod.Post, path, body, ct).ConfigureAwait(false);

    public void Dispose() => _http.Dispose();

    private async Task<JsonNode> SendAsync(HttpMethod method, string path, JsonNode? body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, ct).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new MeshCtlException(ExitCodes.Failure, $"cannot reach the console at {Target.Server}: {ex.Message}");
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new MeshCtlException(ExitCodes.Failure, $"the console at {Target.Server} did not answer {method} /{path} within {_http.Timeout.TotalSeconds:0} s");
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
                throw Refusal(method, path, response, text);
            try
            {
                return JsonNode.Parse(text.Length == 0 ? "null" : text) ?? new JsonObject();
            }
            catch (JsonException)
            {
                throw new MeshCtlException(ExitCodes.Failure, $"{method} /{path}: the answer is not JSON: {Clip(text)}");
            }
        }
    }

    private MeshCtlException Refusal(HttpMethod method, string path, HttpResponseMessage response, string text)
    {
        var status = (int)response.StatusCode;
        var problem = TryParse(text) as JsonObject;
        var title = problem?["title"]?.GetValue<string>() ?? response.ReasonPhrase ?? "refused";
        var detail = problem?["detail"]?.GetValue<string>();
        var details = new List<string>();
        if (problem?["errors"] is JsonObject errors && errors.Count > 0)
        {
            foreach (var (field, reasons) in errors)
            {
                foreach (var reason in reasons is JsonArray list ? list : [reasons])
                    details.Add($"{field}: {reason?.GetValue<string>()}");
            }
        }
        else if (!string.IsNullOrEmpty(detail))
        {
            details.Add(detail);
        }
        else if (problem is null && text.Length > 0)
        {
            details.Add(Clip(text));
        }

        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            // RFC 6750: the reason a token was refused is in the challenge too (and is all there is without a body).
            var challenge = response.Headers.WwwAuthenticate.ToString();
            if (details.Count == 0 && challenge.Length > 0)
                details.Add(challenge);
            details.Add($"the token came from {Target.TokenSource}");
        }
        else if (response.StatusCode == HttpStatusCode.Forbidden)
        {
            details.Add($"the token from {Target.TokenSource} lacks the role for {method} /{path}");
        }

        return new MeshCtlException(ExitCodes.ForStatus(status), $"{title} ({status})", details);
    }

    private static JsonNode? TryParse(string text)
    {
        try
        {
            return text.Length == 0 ? null : JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Clip(string text) => text.Length <= 300 ? text.Trim() : text[..300].Trim() + " …";
}
