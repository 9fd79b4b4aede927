using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DestinationKit.Simulator.Tests.Pebble;

/// <summary>Values that break naive JSON templating, rendered through escape(strategy="json") inside a JSON template
/// shaped like our streaming contract: the output must parse and give back every value byte for byte.</summary>
public class HostileValueTests
{
    // The contract's shape (docs/contract/profiles-v1.md): identities and attributes as objects, every printed value
    // json-escaped inside quotes.
    private const string ContractTemplate = """
        {"schemaVersion":1,"profiles":[
        {%- for p in input.profiles -%}
        {"identities":{
          {%- for ns in p.identityMap -%}
          "{{ ns.key | escape(strategy="json") }}":[
            {%- for i in ns.value -%}"{{ i.id | escape(strategy="json") }}"{%- if not loop.last -%},{%- endif -%}{%- endfor -%}]
          {%- if not loop.last -%},{%- endif -%}
          {%- endfor -%}},
         "attributes":{
          {%- for a in p.attributes -%}
          "{{ a.key | escape(strategy="json") }}":
            {%- if a.value.value is null -%}null{%- else -%}"{{ a.value.value | escape(strategy="json") }}"{%- endif -%}
          {%- if not loop.last -%},{%- endif -%}
          {%- endfor -%}}}
        {%- if not loop.last -%},{%- endif -%}
        {%- endfor -%}]}
        """;

    public static TheoryData<string> HostileValues() => new()
    {
        "\"",
        "\\",
        "\\\"",
        "\"},{\"injected\":true",
        "</script><script>alert(1)</script>",
        "line1\nline2\r\nline3\rend",
        "tab\there",
        "nul\0byte",
        string.Concat(Enumerable.Range(0, 0x20).Select(c => (char)c)),
        "\u007F\u0080\u0085\u009F\u00A0",
        "emoji 😀 👍🏽 🏳️‍🌈",
        "é è ü ß Å",
        "中文 日本語 한국어",
        "line separators \u2028 \u2029",
        "'single' and `back`",
        "&amp; <> & < >",
        "{{ not a tag }} {% if %} #{interp}",
        "",
        "  leading and trailing  ",
        "zero\u200Dwidth and BOM \uFEFF",
        "a/b<\\/c</",
    };

    [Theory]
    [MemberData(nameof(HostileValues))]
    public void JsonEscapedValuesRoundTripByteForByte(string value)
    {
        var context = new JsonObject
        {
            ["input"] = new JsonObject
            {
                ["profiles"] = new JsonArray(new JsonObject
                {
                    ["identityMap"] = new JsonObject
                    {
                        [value] = new JsonArray(new JsonObject { ["id"] = value }, new JsonObject { ["id"] = "second" }),
                        ["acme_id"] = new JsonArray(new JsonObject { ["id"] = value }),
                    },
                    ["attributes"] = new JsonObject
                    {
                        ["firstName"] = new JsonObject { ["value"] = value },
                        ["birthDate"] = new JsonObject(),
                        [value + "!"] = new JsonObject { ["value"] = "plain" },
                    },
                }),
            },
        };

        var output = TemplateKit.Render(ContractTemplate, context);

        using var document = JsonDocument.Parse(output);
        var profile = document.RootElement.GetProperty("profiles")[0];
        var identities = profile.GetProperty("identities");
        AssertSameBytes(value, identities.EnumerateObject().First().Name);
        AssertSameBytes(value, identities.GetProperty(value)[0].GetString()!);
        AssertSameBytes(value, identities.GetProperty("acme_id")[0].GetString()!);
        var attributes = profile.GetProperty("attributes");
        AssertSameBytes(value, attributes.GetProperty("firstName").GetString()!);
        Assert.Equal(JsonValueKind.Null, attributes.GetProperty("birthDate").ValueKind);
        Assert.Equal("plain", attributes.GetProperty(value + "!").GetString());
    }

    [Fact]
    public void JsonEscapedOutputIsPureAscii()
    {
        var output = TemplateKit.RenderWithValue("{{ v | escape(strategy=\"json\") }}", "é中😀\u2028");

        Assert.All(output, c => Assert.InRange(c, ' ', '~'));
    }

    [Fact]
    public void PlainPrintIsHtmlEscapedSoQuotesDoNotRoundTrip()
    {
        // This is why our template escapes with the json strategy: autoescaping is html, not JSON.
        var output = TemplateKit.RenderWithValue("{\"id\":\"{{ v }}\"}", "say \"hi\" & bye");

        Assert.Equal("{\"id\":\"say &quot;hi&quot; &amp; bye\"}", output);
        Assert.NotEqual("say \"hi\" & bye", JsonNode.Parse(output)!["id"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("line\nbreak")]
    [InlineData("back\\slash")]
    [InlineData("tab\there")]
    public void PlainPrintOfControlCharsAndBackslashesBreaksTheJson(string value)
    {
        var output = TemplateKit.RenderWithValue("{\"id\":\"{{ v }}\"}", value);

        Assert.ThrowsAny<JsonException>(() => JsonDocument.Parse(output));
    }

    private static void AssertSameBytes(string expected, string actual) =>
        Assert.Equal(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(actual));
}
