using System.Globalization;
using System.Text.RegularExpressions;

namespace Mesh.Policy.Validation;

/// <summary>Checks shared by every policy kind, each returning a reason or null when the value is fine.</summary>
public static partial class FieldRules
{
    /// <summary>How long one regex match may run in a sidecar before it counts as no match.</summary>
    public static readonly TimeSpan RegexMatchTimeout = TimeSpan.FromMilliseconds(50);

    /// <summary>Longest regex pattern accepted from an operator.</summary>
    public const int MaxPatternLength = 1024;

    /// <summary>The standard HTTP methods a policy may name, in the order forms offer them.</summary>
    // Declared before the set made from it: static initializers run in textual order.
    public static IReadOnlyList<string> HttpMethods { get; } =
        ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT"];

    private static readonly HashSet<string> _httpMethods = [.. HttpMethods];

    /// <summary>The methods whose requests may be retried without being marked: RFC 9110 idempotent ones.</summary>
    public static IReadOnlySet<string> IdempotentMethods { get; } =
        new HashSet<string>(["GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE"]);

    /// <summary>A lower-case RFC 1123 DNS label, 1–63 characters: how services, subsets and rules are named.</summary>
    public static string? DnsLabel(string? value)
    {
        if (string.IsNullOrEmpty(value))
            return "required";
        if (value.Length > 63)
            return $"\"{Shorten(value)}\" is {value.Length} characters, at most 63 allowed";
        return DnsLabelPattern().IsMatch(value)
            ? null
            : $"\"{Shorten(value)}\" is not a DNS label (lower-case letters, digits and '-', starting and ending with a letter or digit)";
    }

    /// <summary>An instance label key such as <c>version</c> or <c>topology.kubernetes.io/zone</c>.</summary>
    public static string? LabelKey(string? value)
    {
        if (string.IsNullOrEmpty(value))
            return "label key is empty";
        return value.Length <= 253 && LabelKeyPattern().IsMatch(value)
            ? null
            : $"\"{Shorten(value)}\" is not a label key (letters, digits, '.', '_', '-', '/', at most 253 characters)";
    }

    /// <summary>An instance label value: empty, or up to 63 letters, digits, '.', '_', '-'.</summary>
    public static string? LabelValue(string? value)
    {
        if (value is null)
            return "must not be null";
        return value.Length <= 63 && LabelValuePattern().IsMatch(value)
            ? null
            : $"\"{Shorten(value)}\" is not a label value (letters, digits, '.', '_', '-', at most 63 characters)";
    }

    /// <summary>An HTTP header name (an RFC 9110 token).</summary>
    public static string? HeaderName(string? value)
    {
        if (string.IsNullOrEmpty(value))
            return "header name is empty";
        return HeaderNamePattern().IsMatch(value) ? null : $"\"{Shorten(value)}\" is not a valid header name";
    }

    /// <summary>An upper-case standard HTTP method.</summary>
    public static string? HttpMethod(string? value)
    {
        if (string.IsNullOrEmpty(value))
            return "method is empty";
        return _httpMethods.Contains(value)
            ? null
            : $"\"{Shorten(value)}\" is not one of {string.Join(", ", _httpMethods)} (upper case)";
    }

    /// <summary>A path prefix: starts with '/', no query, no white space.</summary>
    public static string? PathPrefix(string? value)
    {
        if (string.IsNullOrEmpty(value))
            return "required";
        if (value[0] != '/')
            return $"\"{Shorten(value)}\" must start with '/'";
        return value.Any(c => char.IsWhiteSpace(c) || c is '?' or '#')
            ? $"\"{Shorten(value)}\" must not contain white space, '?' or '#'"
            : null;
    }

    /// <summary>A host name or IP address where a sidecar can be reached.</summary>
    public static string? HostName(string? value) =>
        !string.IsNullOrEmpty(value) && Uri.CheckHostName(value) != UriHostNameType.Unknown
            ? null
            : $"\"{Shorten(value ?? "")}\" is not a host name or IP address";

    /// <summary>True for a TCP port, 1–65535.</summary>
    public static bool IsPort(long value) => value is > 0 and <= 65_535;

    /// <summary>A percentage above 0 and at most 100.</summary>
    public static string? Percent(double value) =>
        value is > 0 and <= 100 ? null : $"{value.ToString(CultureInfo.InvariantCulture)} is not above 0 and at most 100";

    /// <summary>An integer within [min, max].</summary>
    public static string? Range(int value, int min, int max) =>
        value >= min && value <= max ? null : $"{value} is outside {min}–{max}";

    /// <summary>
    /// Compiles an operator's pattern the way a sidecar will run it: non-backtracking (linear time in
    /// the input, so no catastrophic backtracking) and with a match timeout as a second guard.
    /// </summary>
    public static Regex CompilePattern(string pattern) =>
        new(pattern, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant, RegexMatchTimeout);

    /// <summary>Why a pattern cannot be used, or null.</summary>
    public static string? Pattern(string? value)
    {
        if (string.IsNullOrEmpty(value))
            return "pattern is empty";
        if (value.Length > MaxPatternLength)
            return $"pattern is {value.Length} characters, at most {MaxPatternLength} allowed";
        try
        {
            CompilePattern(value);
            return null;
        }
        catch (ArgumentException ex)
        {
            // NonBacktracking refuses backreferences and lookarounds with a NotSupportedException
            // subclass of ArgumentException; both read as an invalid pattern to the operator.
            return $"invalid pattern ({ex.Message})";
        }
        catch (NotSupportedException ex)
        {
            return $"invalid pattern ({ex.Message})";
        }
    }

    private static string Shorten(string value) => value.Length <= 80 ? value : value[..77] + "...";

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex DnsLabelPattern();

    [GeneratedRegex("^[A-Za-z0-9]([-A-Za-z0-9_./]*[A-Za-z0-9])?$")]
    private static partial Regex LabelKeyPattern();

    [GeneratedRegex("^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$")]
    private static partial Regex LabelValuePattern();

    [GeneratedRegex("^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")]
    private static partial Regex HeaderNamePattern();
}
