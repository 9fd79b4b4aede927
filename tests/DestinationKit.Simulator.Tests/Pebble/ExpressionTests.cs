namespace DestinationKit.Simulator.Tests.Pebble;

/// <summary>Printing, literals, operators and attribute access, with Pebble's (Java's) results.</summary>
public class ExpressionTests
{
    [Fact]
    public void PrintsVariablesAndNothingForMissingOnes()
    {
        var output = TemplateKit.Render("Hello {{ name }}![{{ missing }}][{{ input.nope.deeper }}]", """{"name":"Ada"}""");

        Assert.Equal("Hello Ada![][]", output);
    }

    [Fact]
    public void NumbersAndBooleansPrintAsJavaPrintsThem()
    {
        var output = TemplateKit.Render(
            "{{ 1 }} {{ 1.0 }} {{ 2.5 }} {{ 10 / 4 }} {{ 10.0 / 4 }} {{ 7 % 3 }} {{ true }} {{ false }} [{{ null }}]"
            + " {{ i }} {{ d }} {{ e }} {{ big }} {{ small }} {{ -i }}",
            """{"i": 42, "d": 1.5, "e": 1.0, "big": 1e21, "small": 0.0001}""");

        Assert.Equal("1 1.0 2.5 2 2.5 1 true false [] 42 1.5 1.0 1.0E21 1.0E-4 -42", output);
    }

    [Fact]
    public void ContextValuesBuiltInDotNetKeepTheirNumericKind()
    {
        var context = new System.Text.Json.Nodes.JsonObject
        {
            ["i"] = 5,
            ["d"] = 1.0,
            ["m"] = 2.5m,
            ["g"] = Guid.Empty,
            ["b"] = false,
        };

        Assert.Equal("5 1.0 2.5 00000000-0000-0000-0000-000000000000 false",
            TemplateKit.Render("{{ i }} {{ d }} {{ m }} {{ g }} {{ b }}", context));
    }

    [Fact]
    public void CommentsAreDropped()
    {
        Assert.Equal("ab", TemplateKit.Render("a{# a comment with {{ tags }} and {% if %} #}b"));
    }

    [Fact]
    public void StringLiteralsUnescapeOnlyTheirOwnQuote()
    {
        // Pebble's lexer removes the backslash before the enclosing quote and keeps every other backslash.
        var output = TemplateKit.Render("""{{ 'it\'s' }}|{{ "say \"hi\"" }}|{{ 'a\nb' }}""");

        Assert.Equal("""it's|say "hi"|a\nb""", output);
    }

    [Fact]
    public void ADoubleQuotedStringWithAHashKeepsItsBackslashes()
    {
        // Pebble lexes a "..." containing '#' as a possibly interpolated string, whose parts it never unescapes.
        Assert.Equal("""a#b\"c|a"b""", TemplateKit.Render("""{{ "a#b\"c" }}|{{ "a\"b" }}"""));
    }

    [Fact]
    public void DoubleQuotedStringsInterpolate()
    {
        var output = TemplateKit.Render("""{{ "Hi #{name}, #{1 + 1}!" }}|{{ "#{n}" + 1 }}""", """{"name":"<Ada>","n":41}""");

        // "#{n}" alone is n itself (a number, so + adds); interpolated text is autoescaped.
        Assert.Equal("Hi &lt;Ada&gt;, 2!|42", output);
    }

    [Theory]
    [InlineData("{{ 1 + 2 * 3 }}", "7")]
    [InlineData("{{ (1 + 2) * 3 }}", "9")]
    [InlineData("{{ 7 / 2 }}|{{ 7 / 2.0 }}|{{ -7 % 3 }}", "3|3.5|-1")]
    [InlineData("{{ \"5\" + 1 }}|{{ 5 - \"1\" }}", "51|4")]
    [InlineData("{{ \"a\" ~ 1 ~ true ~ null ~ 2.0 }}", "a1true2.0")]
    [InlineData("{{ [1, 2] + 3 }}|{{ [1, 2, 1] - 1 }}", "[1,2,3]|[2,1]")]
    [InlineData("{{ 1 == 1.0 }} {{ \"1\" == 1 }} {{ \"a\" == \"a\" }} {{ null == null }} {{ 1 != 2 }}", "true false true true true")]
    [InlineData("{{ 2 > 1 }} {{ 2 >= 2 }} {{ 1 < 1 }} {{ 1 <= 1.5 }} {{ null > 1 }}", "true true false true false")]
    [InlineData("{{ true and not false }} {{ \"\" or \"x\" }} {{ 0 or null }} {{ not null }}", "true true false true")]
    [InlineData("{{ [1, 2, 3] contains 2 }} {{ [1, 2] contains [2, 1] }} {{ [1, 2] contains 2.0 }}", "true true false")]
    [InlineData("{{ {\"a\": 1} contains \"a\" }} {{ \"hello\" contains \"ell\" }} {{ null contains 1 }}", "true true false")]
    [InlineData("{{ 2 equals 2 }}", "true")]
    public void OperatorsFollowPebble(string template, string expected)
    {
        Assert.Equal(expected, TemplateKit.Render(template));
    }

    [Theory]
    [InlineData("{{ flag ? \"yes\" : \"no\" }}", """{"flag":true}""", "yes")]
    [InlineData("{{ flag ? \"yes\" : \"no\" }}", """{"flag":""}""", "no")]
    [InlineData("{{ missing ? \"yes\" : \"no\" }}", "{}", "no")]
    [InlineData("{{ n > 1 ? (n > 5 ? \"many\" : \"some\") : \"one\" }}", """{"n":3}""", "some")]
    public void Ternary(string template, string context, string expected)
    {
        Assert.Equal(expected, TemplateKit.Render(template, context));
    }

    [Theory]
    [InlineData("x is null", "false")]
    [InlineData("missing is null", "true")]
    [InlineData("x is not null", "true")]
    [InlineData("missing is defined", "false")]
    [InlineData("x is defined", "true")]
    [InlineData("blank is empty", "true")]
    [InlineData("emptyMap is empty", "true")]
    [InlineData("emptyList is empty", "true")]
    [InlineData("missing is empty", "true")]
    [InlineData("x is not empty", "true")]
    [InlineData("list is not empty", "true")]
    [InlineData("2 is even", "true")]
    [InlineData("3 is odd", "true")]
    [InlineData("3 is not even", "true")]
    [InlineData("map is map", "true")]
    [InlineData("list is map", "false")]
    [InlineData("list is iterable", "true")]
    [InlineData("map is iterable", "false")]
    [InlineData("x is iterable", "false")]
    public void Tests(string test, string expected)
    {
        var context = """{"x":"a","blank":"  ","emptyMap":{},"emptyList":[],"list":[1],"map":{"k":1}}""";

        Assert.Equal(expected, TemplateKit.Render("{{ " + test + " }}", context));
    }

    [Fact]
    public void NotBindsTighterThanIsAsInPebble()
    {
        // Pebble gives unary 'not' precedence 500: "not x is empty" is "(not x) is empty", a boolean, never empty.
        // Templates must write "x is not empty" (or "not (x is empty)").
        var output = TemplateKit.Render(
            "[{% if not x is empty %}A{% endif %}][{% if x is not empty %}B{% endif %}][{% if not (x is empty) %}C{% endif %}]",
            """{"x":"value"}""");

        Assert.Equal("[][B][C]", output);
    }

    [Fact]
    public void AttributeAccessOnMapsListsAndSubscripts()
    {
        var context = """
            {"p": {"name": "Ada", "key with space": "k", "ids": ["a", "b", "c"], "nested": {"deep": {"er": 1}}},
             "which": "name", "i": 2}
            """;
        var output = TemplateKit.Render(
            "{{ p.name }}|{{ p[\"key with space\"] }}|{{ p.ids[0] }}|{{ p.ids[\"1\"] }}|{{ p.ids[i] }}|[{{ p.ids[3] }}]"
            + "|[{{ p.ids[-1] }}]|{{ p[which] }}|{{ p.nested.deep.er }}|{{ p[\"nested\"][\"deep\"][\"er\"] }}|[{{ p.ids.name }}]",
            context);

        Assert.Equal("Ada|k|a|b|c|[]|[]|Ada|1|1|[]", output);
    }

    [Fact]
    public void ListAndMapLiterals()
    {
        var output = TemplateKit.Render(
            "{% set m = {\"b\": 1, \"a\": [true, null, 2.5]} %}{{ m | raw }}|{{ m.a[2] }}|{{ [] | length }}|{{ {} | length }}");

        Assert.Equal("""{"b":1,"a":[true,null,2.5]}|2.5|0|0""", output);
    }

    [Fact]
    public void AStringKeyedMapCanNotBeIndexedWithANumber()
    {
        var error = TemplateKit.RenderError("{{ m[0] }}", """{"m":{"0":"zero"}}""");

        Assert.Contains("can not be indexed with the number 0", error.Message);
        Assert.Equal("zero", TemplateKit.Render("{{ m[\"0\"] }}", """{"m":{"0":"zero"}}"""));
    }
}
