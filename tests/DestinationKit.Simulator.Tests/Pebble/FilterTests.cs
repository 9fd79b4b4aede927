namespace DestinationKit.Simulator.Tests.Pebble;

/// <summary>Pebble's filters with their Java behaviour, and the escaping strategies byte for byte.</summary>
public class FilterTests
{
    [Theory]
    [InlineData("<a href=\"x\">Tom & Jerry's</a>", "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;")]
    [InlineData("é 中文 😀 \n", "é 中文 😀 \n")]
    public void EscapeHtmlIsTheDefaultStrategy(string value, string expected)
    {
        Assert.Equal(expected, TemplateKit.RenderWithValue("{{ v | escape }}", value));
        Assert.Equal(expected, TemplateKit.RenderWithValue("{{ v | escape(\"html\") }}", value));
    }

    [Theory]
    [InlineData("plain ASCII text 123", "plain ASCII text 123")]
    [InlineData("say \"hi\"", "say \\\"hi\\\"")]
    [InlineData("back\\slash", "back\\\\slash")]
    [InlineData("a\nb\rc\td\be\ff", "a\\nb\\rc\\td\\be\\ff")]
    [InlineData("nul\0end", "nul\\u0000end")]
    [InlineData("\u0001\u001F\u007F\u0085", "\\u0001\\u001F\\u007F\\u0085")]
    [InlineData("</script> a/b", "<\\/script> a/b")]
    [InlineData("Tom & Jerry's", "Tom \\u0026 Jerry's")]
    [InlineData("é中文", "\\u00E9\\u4E2D\\u6587")]
    [InlineData("😀", "\\uD83D\\uDE00")]
    [InlineData("\u2028\u2029", "\\u2028\\u2029")]
    public void EscapeJsonMatchesUnbescapesEscapeJson(string value, string expected)
    {
        Assert.Equal(expected, TemplateKit.RenderWithValue("{{ v | escape(strategy=\"json\") }}", value));
    }

    [Theory]
    [InlineData("it's \"q\"", "it\\'s \\\"q\\\"")]
    [InlineData("nul\0\u0001", "nul\\0\\x01")]
    [InlineData("é & 中 😀", "\\xE9 \\x26 \\u4E2D \\uD83D\\uDE00")]
    [InlineData("</script>", "<\\/script>")]
    public void EscapeJsMatchesUnbescapesEscapeJavaScript(string value, string expected)
    {
        Assert.Equal(expected, TemplateKit.RenderWithValue("{{ v | escape(strategy=\"js\") }}", value));
    }

    [Theory]
    [InlineData("escape(strategy=\"xml\")", "escape: unknown escaping strategy 'xml'")]
    [InlineData("escape(strategy=\"css\")", "escape: strategy 'css' is a Pebble strategy that this simulator does not implement")]
    [InlineData("escape(strategy=1)", "escape: 'strategy' must be a string, not a number")]
    public void EscapeRejectsStrategiesItCanNotApply(string filter, string message)
    {
        var error = TemplateKit.RenderError("{{ v | " + filter + " }}", """{"v":"x"}""");

        Assert.StartsWith(message, error.Reason);
        Assert.Equal((1, 8), (error.Line, error.Column));
    }

    [Theory]
    [InlineData("{{ missing | default(\"none\") }}", "none")]
    [InlineData("{{ blank | default(\"blank\") }}", "blank")]
    [InlineData("{{ emptyList | default(\"empty\") }}", "empty")]
    [InlineData("{{ x | default(default=\"named\") }}", "a")]
    [InlineData("{{ missing | default(default=\"named\") }}", "named")]
    [InlineData("{{ x | length }} {{ list | length }} {{ map | length }} {{ missing | length }} {{ 5 | length }}", "1 3 2 0 0")]
    [InlineData("{{ \"MiXeD\" | lower }} {{ \"MiXeD\" | upper }} [{{ \"  pad \t\" | trim }}]", "mixed MIXED [pad]")]
    [InlineData("{{ \"  hello world\" | capitalize }}|{{ \"hello big world\" | title }}", "  Hello world|Hello Big World")]
    [InlineData("{{ list | join(\", \") }}|{{ list | join(separator=\"-\") }}|{{ list | join }}", "1, 2, 3|1-2-3|123")]
    [InlineData("{{ list | first }} {{ list | last }} {{ \"abc\" | first }} {{ \"abc\" | last }} [{{ [] | first }}]", "1 3 a c []")]
    [InlineData("{{ -5 | abs }} {{ -2.5 | abs }} {{ 3 | abs }}", "5 2.5 3")]
    [InlineData("{{ \"a-b-c\" | replace({\"-\": \"+\", \"a\": \"A\"}) }}|{{ \"x\" | replace(replace_pairs={\"x\": \"y\"}) }}", "A+b+c|y")]
    [InlineData("{{ \"<b>\" | raw }}{{ v | raw }}", "<b><i>")]
    public void CoreFilters(string template, string expected)
    {
        var context = """{"x":"a","v":"<i>","blank":"   ","emptyList":[],"list":[1,2,3],"map":{"a":1,"b":2}}""";

        Assert.Equal(expected, TemplateKit.Render(template, context));
    }

    [Theory]
    [InlineData("{{ m | first }}", "first: needs a list or a string, not a map")]
    [InlineData("{{ m | join(\",\") }}", "join: needs a list, not a map")]
    [InlineData("{{ missing | abs }}", "abs: can not pass null value to the 'abs' filter")]
    [InlineData("{{ \"x\" | abs }}", "abs: needs a number, not a string")]
    [InlineData("{{ 5 | trim }}", "trim: needs a string, not a number")]
    [InlineData("{{ \"x\" | replace }}", "replace: the argument 'replace_pairs' is required")]
    public void FiltersRejectInputsJavaWouldRejectAtRenderTime(string template, string message)
    {
        var error = TemplateKit.RenderError(template, """{"m":{"a":1}}""");

        Assert.StartsWith(message, error.Reason);
    }

    [Theory]
    // Adobe's documented example (supported-functions.md): "sss" parses the seconds, X the +0000 offset.
    [InlineData("2022-02-08T18:34:24.000+0000", "existingFormat=\"yyyy-MM-dd'T'HH:mm:sss.SSSX\", format=\"yyyy-MM-dd'T'HH:mm:ssX\"", "2022-02-08T18:34:24Z")]
    [InlineData("2024-03-02T10:15:00+01:00", "format=\"yyyy-MM-dd HH:mm:ss.SSS XXX\", existingFormat=\"yyyy-MM-dd'T'HH:mm:ssXXX\"", "2024-03-02 09:15:00.000 Z")]
    [InlineData("2024-03-02T10:15:00Z", "format=\"HH:mm Z\", existingFormat=\"yyyy-MM-dd'T'HH:mm:ssX\", timeZone=\"GMT+02:00\"", "12:15 +0200")]
    [InlineData("2024-03-02T10:15:00+0530", "\"yyyyMMddHHmmss\"", "20240302044500")]
    [InlineData("2024-03-02", "\"d MMMM yyyy, EEEE (MMM, EEE) h a\", existingFormat=\"yyyy-MM-dd\"", "2 March 2024, Saturday (Mar, Sat) 12 AM")]
    [InlineData("20240302", "\"yyyy-MM-dd\", existingFormat=\"yyyyMMdd\"", "2024-03-02")]
    [InlineData("2024-02-30", "\"yyyy-MM-dd\", existingFormat=\"yyyy-MM-dd\"", "2024-03-01")]
    [InlineData("2024-03-02T10:15:00Z", "format=\"''yy'' z\", existingFormat=\"yyyy-MM-dd'T'HH:mm:ssX\"", "'24' UTC")]
    public void DateParsesAndFormatsWithJavaPatterns(string value, string args, string expected)
    {
        Assert.Equal(expected, TemplateKit.RenderWithValue("{{ v | date(" + args + ") }}", value));
    }

    [Fact]
    public void DateAcceptsEpochMillisecondsAndDefaultsToPebblesPattern()
    {
        Assert.Equal("1970-01-01T00:00:01+0000", TemplateKit.Render("{{ 1000 | date }}"));
        Assert.Equal("2024-03-02T10:15:00+0000", TemplateKit.RenderWithValue("{{ v | date }}", "2024-03-02T10:15:00+0000"));
    }

    [Fact]
    public void DatesDefaultPatternDoesNotParseAZuluSuffix()
    {
        // Java's 'Z' pattern letter reads +hhmm, not "Z": AEP's "2024-03-02T10:15:00Z" needs existingFormat with X.
        var error = TemplateKit.RenderError("{{ v | date(\"yyyy\") }}", """{"v":"2024-03-02T10:15:00Z"}""");

        Assert.Contains("could not parse the string '2024-03-02T10:15:00Z' into a date, with formatting: yyyy-MM-dd'T'HH:mm:ssZ", error.Message);
    }

    [Fact]
    public void DateOutputIsSafe()
    {
        Assert.Equal("'24", TemplateKit.RenderWithValue("{{ v | date(\"''yy\", existingFormat=\"yyyy\") }}", "2024"));
    }
}
