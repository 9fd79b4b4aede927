namespace DestinationKit.Simulator.Tests.Pebble;

/// <summary>Pebble's default autoescaping (html strategy), which we assume AEP's engine keeps.</summary>
public class AutoescapeTests
{
    private const string Context = """{"v":"<b class=\"c\">Tom & Jerry's</b>","n":5,"flag":true,"m":{"a":"<x>"},"l":[1,"two"]}""";

    [Theory]
    [InlineData("{{ v }}", "&lt;b class=&quot;c&quot;&gt;Tom &amp; Jerry&#39;s&lt;/b&gt;")]
    [InlineData("{{ \"<literal>\" }}", "<literal>")]
    [InlineData("{{ \"<a>\" ~ \"<b>\" }}", "<a><b>")]
    [InlineData("{{ \"<a>\" ~ n }}", "&lt;a&gt;5")]
    [InlineData("{{ flag ? \"<yes>\" : v }}", "<yes>")]
    [InlineData("{{ n }} {{ flag }} {{ 2.50 }}", "5 true 2.5")]
    [InlineData("{{ v | raw }}", "<b class=\"c\">Tom & Jerry's</b>")]
    [InlineData("{% set s = v | raw %}{{ s }}", "<b class=\"c\">Tom & Jerry's</b>")]
    [InlineData("{{ v | escape }}", "&lt;b class=&quot;c&quot;&gt;Tom &amp; Jerry&#39;s&lt;/b&gt;")]
    public void PrintsAreHtmlEscapedUnlessLiteralOrSafe(string template, string expected)
    {
        Assert.Equal(expected, TemplateKit.Render(template, Context));
    }

    [Fact]
    public void MapsAndListsPrintAsJsonWhichIsEscapedUnlessRaw()
    {
        // Our choice: Pebble would print Java's toString ({a=<x>}); JSON is what Adobe's render API shows.
        Assert.Equal("""{&quot;a&quot;:&quot;&lt;x&gt;&quot;}""", TemplateKit.Render("{{ m }}", Context));
        Assert.Equal("""{"a":"<x>"}|[1,"two"]""", TemplateKit.Render("{{ m | raw }}|{{ l | raw }}", Context));
    }

    [Fact]
    public void OnlyEscapeKeepsOutputSafeThroughAnotherFilter()
    {
        // Pebble hands every filter but escape a plain String, so upper's result is escaped again.
        Assert.Equal("&amp;LT;I&amp;GT;", TemplateKit.RenderWithValue("{{ v | escape | upper }}", "<i>"));
    }

    [Fact]
    public void EscapeLeavesSafeStringsAloneWhateverTheStrategy()
    {
        // The escape filter returns a SafeString input untouched: raw first means no json escaping at all.
        Assert.Equal("a\"b", TemplateKit.RenderWithValue("{{ v | raw | escape(strategy=\"json\") }}", "a\"b"));
    }
}
