using System.Net;
using System.Text.RegularExpressions;

namespace MeshConsole.Tests.Accounts;

/// <summary>Fills in the login page the way a browser does: hidden fields (antiforgery, form name) read from the form.</summary>
internal static partial class LoginForm
{
    public static async Task<HttpResponseMessage> SignInAsync(HttpClient client, string user, string password, string? returnUrl = null)
    {
        var path = returnUrl is null ? "/account/login" : $"/account/login?returnUrl={Uri.EscapeDataString(returnUrl)}";
        var page = await client.GetStringAsync(path);
        var fields = HiddenFields(page);
        fields["Input.UserName"] = user;
        fields["Input.Password"] = password;
        return await client.PostAsync(path, new FormUrlEncodedContent(fields));
    }

    /// <summary>Every hidden input of the page by name (the antiforgery token among them).</summary>
    public static Dictionary<string, string> HiddenFields(string html)
    {
        var fields = new Dictionary<string, string>();
        foreach (Match input in HiddenInput().Matches(html))
            fields[WebUtility.HtmlDecode(input.Groups["name"].Value)] = WebUtility.HtmlDecode(input.Groups["value"].Value);
        return fields;
    }

    [GeneratedRegex("<input type=\"hidden\" name=\"(?<name>[^\"]+)\" value=\"(?<value>[^\"]*)\"")]
    private static partial Regex HiddenInput();
}
