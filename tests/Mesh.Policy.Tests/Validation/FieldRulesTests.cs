using Mesh.Policy.Validation;

namespace Mesh.Policy.Tests.Validation;

public class FieldRulesTests
{
    [Theory]
    [InlineData("v1")]
    [InlineData("a")]
    [InlineData("0")]
    [InlineData("orders-api-2")]
    public void DnsLabel_ValidLabel_ReturnsNull(string value)
    {
        var reason = FieldRules.DnsLabel(value);

        Assert.Null(reason);
    }

    [Fact]
    public void DnsLabel_SixtyThreeCharacters_ReturnsNull()
    {
        var reason = FieldRules.DnsLabel(new string('x', 63));

        Assert.Null(reason);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void DnsLabel_NullOrEmpty_ReturnsRequired(string? value)
    {
        var reason = FieldRules.DnsLabel(value);

        Assert.Equal("required", reason);
    }

    [Theory]
    [InlineData("V1")]
    [InlineData("-v1")]
    [InlineData("v1-")]
    [InlineData("v_1")]
    [InlineData("v 1")]
    [InlineData("ä")]
    public void DnsLabel_NotALabel_ReturnsReasonQuotingValue(string value)
    {
        var reason = FieldRules.DnsLabel(value);

        Assert.Equal(
            $"\"{value}\" is not a DNS label (lower-case letters, digits and '-', starting and ending with a letter or digit)",
            reason);
    }

    [Fact]
    public void DnsLabel_LongValue_ReportsLengthAndShortensQuote()
    {
        var value = new string('a', 100);

        var reason = FieldRules.DnsLabel(value);

        Assert.Equal($"\"{new string('a', 77)}...\" is 100 characters, at most 63 allowed", reason);
    }

    [Theory]
    [InlineData("version")]
    [InlineData("topology.kubernetes.io/zone")]
    [InlineData("app_Name-2")]
    public void LabelKey_ValidKey_ReturnsNull(string value)
    {
        var reason = FieldRules.LabelKey(value);

        Assert.Null(reason);
    }

    [Theory]
    [InlineData("bad key")]
    [InlineData("-version")]
    [InlineData("version/")]
    [InlineData("a=b")]
    public void LabelKey_InvalidKey_ReturnsReason(string value)
    {
        var reason = FieldRules.LabelKey(value);

        Assert.StartsWith($"\"{value}\" is not a label key", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void LabelKey_Empty_ReturnsEmptyReason()
    {
        Assert.Equal("label key is empty", FieldRules.LabelKey(""));
    }

    [Fact]
    public void LabelKey_Over253Characters_ReturnsReason()
    {
        Assert.Null(FieldRules.LabelKey(new string('k', 253)));
        Assert.Contains("is not a label key", FieldRules.LabelKey(new string('k', 254)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("v1")]
    [InlineData("1.2.3_rc-1")]
    public void LabelValue_ValidValue_ReturnsNull(string value)
    {
        var reason = FieldRules.LabelValue(value);

        Assert.Null(reason);
    }

    [Theory]
    [InlineData("v 1")]
    [InlineData("v1-")]
    [InlineData("a/b")]
    public void LabelValue_InvalidValue_ReturnsReason(string value)
    {
        var reason = FieldRules.LabelValue(value);

        Assert.StartsWith($"\"{value}\" is not a label value", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void LabelValue_Null_ReturnsMustNotBeNull()
    {
        Assert.Equal("must not be null", FieldRules.LabelValue(null));
    }

    [Fact]
    public void LabelValue_Over63Characters_ReturnsReason()
    {
        Assert.Null(FieldRules.LabelValue(new string('v', 63)));
        Assert.Contains("is not a label value", FieldRules.LabelValue(new string('v', 64)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("x-user-group")]
    [InlineData("X-Request-Id")]
    [InlineData("x.a_b~!#$%&'*+^`|")]
    public void HeaderName_Token_ReturnsNull(string value)
    {
        var reason = FieldRules.HeaderName(value);

        Assert.Null(reason);
    }

    [Theory]
    [InlineData("x a")]
    [InlineData(":authority")]
    [InlineData("x:a")]
    [InlineData("x\"a")]
    [InlineData("x(a)")]
    public void HeaderName_NotAToken_ReturnsReason(string value)
    {
        var reason = FieldRules.HeaderName(value);

        Assert.Equal($"\"{value}\" is not a valid header name", reason);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void HeaderName_NullOrEmpty_ReturnsEmptyReason(string? value)
    {
        Assert.Equal("header name is empty", FieldRules.HeaderName(value));
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("HEAD")]
    [InlineData("POST")]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    [InlineData("PATCH")]
    [InlineData("OPTIONS")]
    [InlineData("TRACE")]
    [InlineData("CONNECT")]
    public void HttpMethod_StandardUpperCase_ReturnsNull(string value)
    {
        Assert.Null(FieldRules.HttpMethod(value));
    }

    [Theory]
    [InlineData("get")]
    [InlineData("Get")]
    [InlineData("PURGE")]
    [InlineData(" GET")]
    public void HttpMethod_OtherWord_ReturnsReasonListingMethods(string value)
    {
        var reason = FieldRules.HttpMethod(value);

        Assert.Equal($"\"{value}\" is not one of GET, HEAD, POST, PUT, DELETE, PATCH, OPTIONS, TRACE, CONNECT (upper case)", reason);
    }

    [Fact]
    public void HttpMethod_Empty_ReturnsEmptyReason()
    {
        Assert.Equal("method is empty", FieldRules.HttpMethod(""));
    }

    [Fact]
    public void IdempotentMethods_AreTheRfc9110Ones()
    {
        var methods = FieldRules.IdempotentMethods;

        Assert.Equal(["DELETE", "GET", "HEAD", "OPTIONS", "PUT", "TRACE"], methods.Order(StringComparer.Ordinal));
        Assert.DoesNotContain("POST", methods);
        Assert.DoesNotContain("PATCH", methods);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/api/")]
    [InlineData("/package.Service/Method")]
    public void PathPrefix_StartsWithSlash_ReturnsNull(string value)
    {
        Assert.Null(FieldRules.PathPrefix(value));
    }

    [Fact]
    public void PathPrefix_NoLeadingSlash_ReturnsReason()
    {
        Assert.Equal("\"api\" must start with '/'", FieldRules.PathPrefix("api"));
    }

    [Theory]
    [InlineData("/a b")]
    [InlineData("/a\tb")]
    [InlineData("/a?b")]
    [InlineData("/a#b")]
    public void PathPrefix_SpaceQueryOrFragment_ReturnsReason(string value)
    {
        var reason = FieldRules.PathPrefix(value);

        Assert.EndsWith("must not contain white space, '?' or '#'", reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void PathPrefix_NullOrEmpty_ReturnsRequired(string? value)
    {
        Assert.Equal("required", FieldRules.PathPrefix(value));
    }

    [Theory]
    [InlineData(0.001)]
    [InlineData(50)]
    [InlineData(100)]
    public void Percent_AboveZeroUpTo100_ReturnsNull(double value)
    {
        Assert.Null(FieldRules.Percent(value));
    }

    [Theory]
    [InlineData(0, "0 is not above 0 and at most 100")]
    [InlineData(-0.5, "-0.5 is not above 0 and at most 100")]
    [InlineData(100.1, "100.1 is not above 0 and at most 100")]
    [InlineData(double.NaN, "NaN is not above 0 and at most 100")]
    [InlineData(double.PositiveInfinity, "Infinity is not above 0 and at most 100")]
    public void Percent_OutOfBounds_ReturnsReason(double value, string expected)
    {
        Assert.Equal(expected, FieldRules.Percent(value));
    }

    [Theory]
    [InlineData(1, 1, 10, null)]
    [InlineData(10, 1, 10, null)]
    [InlineData(0, 1, 10, "0 is outside 1–10")]
    [InlineData(11, 1, 10, "11 is outside 1–10")]
    [InlineData(-3, -2, 2, "-3 is outside -2–2")]
    public void Range_Value_ReturnsNullInsideElseReason(int value, int min, int max, string? expected)
    {
        Assert.Equal(expected, FieldRules.Range(value, min, max));
    }

    [Theory]
    [InlineData("^beta$")]
    [InlineData("v[0-9]+")]
    [InlineData("(a+)+$")]
    [InlineData("(a|aa)*b")]
    public void Pattern_Supported_ReturnsNull(string value)
    {
        Assert.Null(FieldRules.Pattern(value));
    }

    [Theory]
    [InlineData("(")]
    [InlineData("[a-")]
    [InlineData("a{2,1}")]
    [InlineData("*a")]
    public void Pattern_SyntaxError_ReturnsInvalidPattern(string value)
    {
        var reason = FieldRules.Pattern(value);

        Assert.StartsWith("invalid pattern (", reason, StringComparison.Ordinal);
        Assert.EndsWith(")", reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(@"(a)\1")]
    [InlineData(@"(?<x>a)\k<x>")]
    [InlineData("(?=a)a")]
    [InlineData("(?!a)b")]
    [InlineData("(?<=a)b")]
    [InlineData("(?>a+)b")]
    public void Pattern_BacktrackingOnlyConstruct_ReturnsInvalidPattern(string value)
    {
        var reason = FieldRules.Pattern(value);

        Assert.StartsWith("invalid pattern (", reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Pattern_NullOrEmpty_ReturnsEmptyReason(string? value)
    {
        Assert.Equal("pattern is empty", FieldRules.Pattern(value));
    }

    [Fact]
    public void Pattern_AtMaxLength_ReturnsNull()
    {
        Assert.Null(FieldRules.Pattern(new string('a', FieldRules.MaxPatternLength)));
    }

    [Fact]
    public void Pattern_OverMaxLength_ReturnsLengthReason()
    {
        var reason = FieldRules.Pattern(new string('a', FieldRules.MaxPatternLength + 1));

        Assert.Equal("pattern is 1025 characters, at most 1024 allowed", reason);
    }

    [Fact]
    public void CompilePattern_CatastrophicPatternOnLongNonMatchingInput_ReturnsFalseWithoutThrowing()
    {
        var regex = FieldRules.CompilePattern("(a+)+$");
        var input = new string('a', 50_000) + "!";

        var matched = regex.IsMatch(input);

        Assert.False(matched);
    }

    [Fact]
    public void CompilePattern_UsesNonBacktrackingWithMatchTimeout()
    {
        var regex = FieldRules.CompilePattern("^v[0-9]+$");

        Assert.True(regex.Options.HasFlag(System.Text.RegularExpressions.RegexOptions.NonBacktracking));
        Assert.Equal(FieldRules.RegexMatchTimeout, regex.MatchTimeout);
        Assert.Matches(regex, "v12");
        Assert.DoesNotMatch(regex, "v12x");
    }

    [Fact]
    public void CompilePattern_Backreference_Throws()
    {
        Assert.Throws<NotSupportedException>(() => FieldRules.CompilePattern(@"(a)\1"));
    }

    [Fact]
    public void ValidationError_ToString_JoinsFieldAndReason()
    {
        Assert.Equal("rules[1].destinations: weights sum to 110, must be 100",
            new ValidationError("rules[1].destinations", "weights sum to 110, must be 100").ToString());
        Assert.Equal("the document must be a JSON object, not null",
            new ValidationError("", "the document must be a JSON object, not null").ToString());
    }

    [Fact]
    public void ErrorCollector_PathHelpers_BuildFieldPaths()
    {
        Assert.Equal("rules", ErrorCollector.Join("", "rules"));
        Assert.Equal("rules[0].match", ErrorCollector.Join("rules[0]", "match"));
        Assert.Equal("subsets[2]", ErrorCollector.Index("subsets", 2));
        Assert.Equal("headers[\"x-a\"]", ErrorCollector.Key("headers", "x-a"));
        Assert.Equal("headers[\"x-a\"]", ErrorCollector.Join("headers", "[\"x-a\"]"));
    }

    [Fact]
    public void ErrorCollector_Add_KeepsEveryErrorInOrder()
    {
        var collector = new ErrorCollector();

        collector.Add("a", "first");
        collector.Add("b", "second");

        Assert.Equal([new ValidationError("a", "first"), new ValidationError("b", "second")], collector.Errors);
    }
}
