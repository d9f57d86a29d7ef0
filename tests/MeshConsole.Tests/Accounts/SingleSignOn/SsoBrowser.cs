using System.Net;
using System.Text.RegularExpressions;

namespace MeshConsole.Tests.Accounts.SingleSignOn;

/// <summary>
/// A browser made of an HttpClient with a cookie jar: it presses the login page's SSO button and
/// follows every redirect by hand (console → provider → console), recording the hops.
/// </summary>
internal sealed partial class SsoBrowser : IDisposable
{
    private const int MaxRedirects = 10;

    private readonly CookieContainer _cookies = new();
    private readonly Uri _console;

    public SsoBrowser(Uri console)
    {
        _console = console;
        Http = new HttpClient(new HttpClientHandler { CookieContainer = _cookies, AllowAutoRedirect = false })
        {
            BaseAddress = console,
            Timeout = TimeSpan.FromSeconds(30),
        };
    }

    public HttpClient Http { get; }

    /// <summary>The Cookie header this browser sends to the console.</summary>
    public string ConsoleCookies => _cookies.GetCookieHeader(_console);

    /// <summary>Every Set-Cookie header the last <see cref="SignInAsync"/> received.</summary>
    public List<string> SetCookies { get; } = [];

    /// <summary>Every URL visited by the last <see cref="SignInAsync"/>, the first being the button's post.</summary>
    public List<Uri> Hops { get; } = [];

    /// <summary>Presses the SSO button and follows the redirects to the page they end on.</summary>
    public async Task<HttpResponseMessage> SignInAsync(string? returnUrl = null)
    {
        var login = await Http.GetStringAsync(returnUrl is null ? "/account/login" : $"/account/login?returnUrl={Uri.EscapeDataString(returnUrl)}");
        var form = SsoForm().Match(login);
        Assert.True(form.Success, "the login page has no SSO form");
        var fields = LoginForm.HiddenFields(form.Value);
        Hops.Clear();
        SetCookies.Clear();
        var response = await Http.PostAsync("/account/sso", new FormUrlEncodedContent(fields));
        Hops.Add(new Uri(Http.BaseAddress!, "/account/sso"));
        Assert.True(response.StatusCode == HttpStatusCode.Found, $"the SSO button answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await FollowAsync(response);
    }

    /// <summary>Follows redirects from <paramref name="response"/> to a page that is not one.</summary>
    public async Task<HttpResponseMessage> FollowAsync(HttpResponseMessage response)
    {
        Record(response);
        for (var hop = 0; hop < MaxRedirects && response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Found or HttpStatusCode.SeeOther; hop++)
        {
            var next = new Uri(response.RequestMessage!.RequestUri!, response.Headers.Location!);
            Hops.Add(next);
            response.Dispose();
            response = await Http.GetAsync(next);
            Record(response);
        }

        return response;
    }

    public void Dispose() => Http.Dispose();

    private void Record(HttpResponseMessage response)
    {
        if (response.Headers.TryGetValues("Set-Cookie", out var cookies))
            SetCookies.AddRange(cookies);
    }

    [GeneratedRegex("<form[^>]*data-testid=\"sso-form\"[^>]*>.*?</form>", RegexOptions.Singleline)]
    private static partial Regex SsoForm();
}
