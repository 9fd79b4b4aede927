namespace DestinationKit.Simulator.Tests.Pebble;

/// <summary>The four tags AEP allows (for, if, set, filter) and whitespace control.</summary>
public class TagTests
{
    private const string Letters = """{"xs":["a","b","c"]}""";

    [Fact]
    public void ForExposesLoopVariablesZeroBased()
    {
        var output = TemplateKit.Render(
            "{% for x in xs %}{{ loop.index }}/{{ loop.revindex }}/{{ loop.length }}/{{ loop.first }}/{{ loop.last }}={{ x }};{% endfor %}",
            Letters);

        Assert.Equal("0/2/3/true/false=a;1/1/3/false/false=b;2/0/3/false/true=c;", output);
    }

    [Fact]
    public void LoopLastSeparatesItems()
    {
        var output = TemplateKit.Render(
            "[{% for x in xs %}\"{{ x }}\"{% if not loop.last %},{% endif %}{% endfor %}]", Letters);

        Assert.Equal("""["a","b","c"]""", output);
    }

    [Fact]
    public void ForElseRendersForAnEmptyListButNotForAMissingOne()
    {
        // Pebble's ForNode returns early on null: neither the body nor the else branch renders.
        var template = "[{% for x in xs %}{{ x }}{% else %}none{% endfor %}]";

        Assert.Equal("[none]", TemplateKit.Render(template, """{"xs":[]}"""));
        Assert.Equal("[none]", TemplateKit.Render(template, """{"xs":{}}"""));
        Assert.Equal("[]", TemplateKit.Render(template, "{}"));
        Assert.Equal("[a]", TemplateKit.Render(template, """{"xs":["a"]}"""));
    }

    [Fact]
    public void IteratingAMapYieldsEntriesInKeyOrder()
    {
        var output = TemplateKit.Render(
            "{% for e in m %}{{ e.key }}={{ e.value }}{% if not loop.last %},{% endif %}{% endfor %}",
            """{"m":{"z":1,"a":2,"m":{"nested":true}}}""");

        Assert.Equal("""z=1,a=2,m={&quot;nested&quot;:true}""", output);
    }

    [Fact]
    public void NestedLoopsEachHaveTheirOwnLoopVariable()
    {
        var output = TemplateKit.Render(
            "{% for row in rows %}{% for cell in row %}{{ loop.index }}{% endfor %}:{{ loop.index }} {% endfor %}",
            """{"rows":[[1,2],[3]]}""");

        Assert.Equal("01:0 0:1 ", output);
    }

    [Fact]
    public void SetInsideALoopFollowsPebbleScoping()
    {
        // A variable set before the loop is updated by the loop; one first set inside the loop lives in the loop's
        // scope: it survives from one iteration to the next but not past the loop.
        var output = TemplateKit.Render(
            "{% set n = 0 %}{% for x in xs %}{% set n = n + 1 %}{{ previous }}{% set previous = x %}{% endfor %}"
            + "|n={{ n }}|previous=[{{ previous }}]",
            Letters);

        Assert.Equal("ab|n=3|previous=[]", output);
    }

    [Fact]
    public void SetAssignsAnyExpression()
    {
        var output = TemplateKit.Render(
            "{% set name = p.first ~ \" \" ~ p.last | upper %}{% set ids = [1, 2] %}{{ name }} {{ ids | length }}",
            """{"p":{"first":"ada","last":"lovelace"}}""");

        // '~' binds tighter than '|', so upper applies to the whole concatenation.
        Assert.Equal("ADA LOVELACE 2", output);
    }

    [Theory]
    [InlineData(5, "big")]
    [InlineData(2, "small-even")]
    [InlineData(1, "small-odd")]
    [InlineData(0, "zero")]
    public void IfElseIfElseNest(int n, string expected)
    {
        var template = """
            {%- if n > 3 -%}big
            {%- elseif n > 0 -%}
                {%- if n is even -%}small-even{%- else -%}small-odd{%- endif -%}
            {%- else -%}zero
            {%- endif -%}
            """;

        Assert.Equal(expected, TemplateKit.Render(template, $$"""{"n":{{n}}}"""));
    }

    [Theory]
    [InlineData("\"text\"", "yes")]
    [InlineData("\"\"", "no")]
    [InlineData("1", "yes")]
    [InlineData("0", "no")]
    [InlineData("0.0", "no")]
    [InlineData("null", "no")]
    [InlineData("true", "yes")]
    public void IfConditionsAcceptBooleansNumbersAndStrings(string value, string expected)
    {
        Assert.Equal(expected, TemplateKit.Render("{% if v %}yes{% else %}no{% endif %}", $$"""{"v":{{value}}}"""));
    }

    [Fact]
    public void IfRejectsAMapAsCondition()
    {
        var error = TemplateKit.RenderError("\n{% if m %}x{% endif %}", """{"m":{"a":1}}""");

        Assert.Contains("an 'if' condition needs a boolean, a number or a string, not a map", error.Message);
        Assert.Equal((2, 7), (error.Line, error.Column));
    }

    [Fact]
    public void FilterTagAppliesItsFiltersToTheRenderedBody()
    {
        var output = TemplateKit.Render(
            "{% filter upper %}hello {{ name }}{% endfilter %}|{% filter lower | escape(strategy=\"json\") %}A\"B{% endfilter %}",
            """{"name":"ada"}""");

        Assert.Equal("""HELLO ADA|a\"b""", output);
    }

    [Fact]
    public void FilterTagOutputIsAutoescapedAsAWholeButItsBodyIsNot()
    {
        // Pebble's escaper does not descend into the filter tag's body; it escapes the tag's result instead.
        var context = """{"name":"<i>"}""";

        Assert.Equal("&lt;B&gt;&lt;I&gt;", TemplateKit.Render("{% filter upper %}<b>{{ name }}{% endfilter %}", context));
        Assert.Equal("<b><i>", TemplateKit.Render("{% filter raw %}<b>{{ name }}{% endfilter %}", context));
    }

    [Fact]
    public void WhitespaceControlTrimsIncludingNewlines()
    {
        var template = "a\n\n  {%- if true -%}\n  b  \n{%- endif -%}\n\n c {{- \" d \" -}}  \n e {#- comment -#}  f";

        Assert.Equal("abc d ef", TemplateKit.Render(template));
    }

    [Fact]
    public void OneNewlineAfterATagIsDroppedAsWithPebblesDefaultNewLineTrimming()
    {
        var template = "{% if true %}\nyes\n{% endif %}\nend\n{{ a }}\n{{ b }}\n\n{# c #}\nz";

        Assert.Equal("yes\nend\nAB\nz", TemplateKit.Render(template, """{"a":"A","b":"B"}"""));
    }

    [Fact]
    public void WhitespaceControlNeedsASpaceAfterTheDashOnTheLeft()
    {
        // "{{-x}}" is "{{ -x }}" (unary minus) in Pebble: the left trim marker is "-" followed by whitespace.
        Assert.Equal(" -2", TemplateKit.Render(" {{-x}}", """{"x":2}"""));
        Assert.Equal("-2", TemplateKit.Render(" {{- -x}}", """{"x":2}"""));
    }
}
