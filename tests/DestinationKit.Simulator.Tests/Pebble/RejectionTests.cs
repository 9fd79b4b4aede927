namespace DestinationKit.Simulator.Tests.Pebble;

/// <summary>What AEP's Destination SDK does not allow, and syntax errors: each is a PebbleTemplateException naming
/// the construct, with the line and column where it is.</summary>
public class RejectionTests
{
    [Theory]
    [InlineData("{% macro m(x) %}{{ x }}{% endmacro %}", "macro")]
    [InlineData("{% include \"other.peb\" %}", "include")]
    [InlineData("{% block body %}x{% endblock %}", "block")]
    [InlineData("{% extends \"base.peb\" %}", "extends")]
    [InlineData("{% import \"macros.peb\" %}", "import")]
    [InlineData("{% from \"macros.peb\" import m %}", "from")]
    [InlineData("{% autoescape false %}x{% endautoescape %}", "autoescape")]
    [InlineData("{% verbatim %}{{ unlexable {% endverbatim %}", "verbatim")]
    [InlineData("{% parallel %}x{% endparallel %}", "parallel")]
    [InlineData("{% cache \"k\" %}x{% endcache %}", "cache")]
    [InlineData("{% flush %}", "flush")]
    [InlineData("{% embed \"x.peb\" %}{% endembed %}", "embed")]
    [InlineData("{% spaceless %}x{% endspaceless %}", "spaceless")]
    public void TagsOtherThanForIfSetFilterAreRejected(string tag, string name)
    {
        var error = TemplateKit.ParseError("line one\n  " + tag);

        Assert.Equal($"tag '{name}' is not allowed by AEP's Destination SDK (allowed: for, if, set, filter)", error.Reason);
        Assert.Equal((2, 6), (error.Line, error.Column));
        Assert.EndsWith("(line 2, column 6)", error.Message);
    }

    [Fact]
    public void TheRangeFunctionIsRejected()
    {
        var error = TemplateKit.ParseError("{% for i in range(0, 3) %}{{ i }}{% endfor %}");

        Assert.Equal("function 'range' is not supported by AEP's Destination SDK", error.Reason);
        Assert.Equal((1, 13), (error.Line, error.Column));
    }

    [Fact]
    public void TheRangeOperatorIsRejected()
    {
        var error = TemplateKit.ParseError("{% for i in 0..3 %}{% endfor %}");

        Assert.Contains("'range' function, which Adobe does not support", error.Reason);
        Assert.Equal((1, 14), (error.Line, error.Column));
    }

    [Theory]
    [InlineData("{{ x | frobnicate }}", "filter 'frobnicate' does not exist in Pebble or in Adobe's additions")]
    [InlineData("{{ x | e }}", "filter 'e' does not exist in Pebble ('e' is Twig's alias): use 'escape'")]
    [InlineData("{{ x | keys }}", "filter 'keys' does not exist in Pebble")]
    [InlineData("{{ x | sort }}", "filter 'sort' is a Pebble filter that AEP allows, but this simulator does not implement it yet")]
    [InlineData("{{ x | toJson }}", "filter 'toJson' is not a Pebble filter")]
    [InlineData("{{ frobnicate(x) }}", "function 'frobnicate' does not exist")]
    [InlineData("{{ block(\"x\") }}", "function 'block' belongs to template inheritance")]
    [InlineData("{{ x is frobnicated }}", "test 'frobnicated' does not exist in Pebble")]
    [InlineData("{{ x | date(pattern=\"yyyy\") }}", "filter 'date' has no argument named 'pattern' (its arguments: format, existingFormat, timeZone)")]
    [InlineData("{{ x | default(1, 2) }}", "filter 'default' takes at most 1 argument(s): default")]
    public void UnknownFiltersFunctionsTestsAndArgumentsAreNamed(string template, string message)
    {
        var error = TemplateKit.ParseError(template);

        Assert.StartsWith(message, error.Reason);
        Assert.Equal(1, error.Line);
    }

    [Theory]
    [InlineData("ok\n{{ name ", 2, 1, "unclosed tag: '{{' opened here has no closing '}}'")]
    [InlineData("ok\n\n  {% if x ", 3, 3, "unclosed tag: '{%' opened here has no closing '%}'")]
    [InlineData("a\n{% for x in xs %}\n{{ x }}", 2, 4, "'for' is never closed: the template ends before its '{% endfor %}'")]
    [InlineData("{% for x in xs %}{% else %}none", 1, 4, "'for' is never closed: the template ends before its '{% endfor %}'")]
    [InlineData("{% if a %}x{% elseif b %}y", 1, 4, "'if' is never closed: the template ends before its '{% endif %}'")]
    [InlineData("{% filter upper %}x", 1, 4, "'filter' is never closed: the template ends before its '{% endfilter %}'")]
    [InlineData("{% for x in xs %}{% endif %}", 1, 21, "unexpected 'endif' inside 'for'")]
    [InlineData("x{% endfor %}", 1, 5, "unexpected 'endfor': no 'for' block is open here")]
    [InlineData("{% if a %}{% else %}{% else %}{% endif %}", 1, 24, "unexpected 'else' inside 'if'")]
    [InlineData("{{ 1 + }}", 1, 8, "expected an expression, found '}}'")]
    [InlineData("{{ }}", 1, 4, "expected an expression, found '}}'")]
    [InlineData("{{ a b }}", 1, 6, "expected '}}', found the name 'b'")]
    [InlineData("{% set = 1 %}", 1, 8, "expected a variable name, found '='")]
    [InlineData("{% set null = 1 %}", 1, 8, "can not assign a value to 'null'")]
    [InlineData("{% for x of xs %}{% endfor %}", 1, 10, "expected 'in' after 'for x', found the name 'of'")]
    [InlineData("{% if %}x{% endif %}", 1, 7, "expected an expression, found '%}'")]
    [InlineData("{{ (1 + 2] }}", 1, 10, "unexpected ']': expected ')' to close the '(' at line 1, column 4")]
    [InlineData("{{ a) }}", 1, 5, "unexpected ')': nothing is open here")]
    [InlineData("{{ f(1 }}", 1, 8, "unexpected '}': expected ')' to close the '(' at line 1, column 5")]
    [InlineData("{{ [1, 2 ", 1, 4, "unclosed '[': expected ']'")]
    [InlineData("text {# never closed", 1, 6, "unclosed comment: '{#' opened here has no closing '#}'")]
    [InlineData("text {#", 1, 6, "unclosed comment: '{#' opened here has no closing '#}'")]
    [InlineData("{{ \"abc }}", 1, 4, "unclosed string: the '\"' opened here has no closing '\"'")]
    [InlineData("{{ 'abc }}", 1, 4, "unclosed string: the ''' opened here has no closing '''")]
    [InlineData("{{ a ! b }}", 1, 6, "unexpected character '!'")]
    [InlineData("{{ list.0 }}", 1, 9, "'.0' is not valid Pebble: index a list with [0]")]
    [InlineData("{{ name.toUpperCase() }}", 1, 9, "method call '.toUpperCase(...)' is not supported")]
    [InlineData("{{ x | default(default=1, 2) }}", 1, 27, "positional arguments must come before named arguments")]
    [InlineData("{% 42 %}", 1, 4, "expected a tag name after '{%', found '42'")]
    [InlineData("{{ 99999999999999999999 }}", 1, 4, "the number 99999999999999999999 does not fit in a Java long")]
    public void SyntaxErrorsReportLineAndColumn(string template, int line, int column, string message)
    {
        var error = TemplateKit.ParseError(template);

        Assert.StartsWith(message, error.Reason);
        Assert.Equal((line, column), (error.Line, error.Column));
    }

    [Theory]
    [InlineData("{% for x in s %}{% endfor %}", 1, 13, "'for' needs a list or a map to iterate, not a string")]
    [InlineData("{{ s < 2 }}", 1, 6, "'<' compares numbers only, not a string with a number")]
    [InlineData("{{ m + 1 }}", 1, 6, "arithmetic needs numbers, not a map")]
    [InlineData("{{ 1 / 0 }}", 1, 6, "integer division by zero")]
    [InlineData("x\n{% if m and true %}{% endif %}", 2, 7, "'and' needs a boolean, a number or a string, not a map")]
    [InlineData("{{ s contains 1 and m contains \"a\" }}{{ 1 contains 1 }}", 1, 43, "'contains' works on lists, maps and strings, not on a number")]
    [InlineData("{{ 1.5 is even }}", 1, 11, "the 'even' test needs an integer, not a number")]
    public void RenderErrorsReportLineAndColumn(string template, int line, int column, string message)
    {
        var error = TemplateKit.RenderError(template, """{"s":"text","m":{"a":1}}""");

        Assert.StartsWith(message, error.Reason);
        Assert.Equal((line, column), (error.Line, error.Column));
    }
}
