using System.Globalization;
using System.Text;

namespace DestinationKit.Simulator.Pebble;

/// <summary>The escaping strategies of Pebble's escape filter, which delegates to unbescape 1.1.6 (the version Pebble
/// depends on): html = HtmlEscape.escapeHtml4Xml, js = JavaScriptEscape.escapeJavaScript, json = JsonEscape.escapeJson,
/// each with its default type and level.</summary>
internal static class Escapers
{
    /// <summary>Level 1 (markup-significant only): &amp; &lt; &gt; " and ' become references; nothing else changes.</summary>
    public static string Html(string text)
    {
        if (text.AsSpan().IndexOfAny("&<>\"'") < 0)
        {
            return text;
        }

        var sb = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            sb.Append(c switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&#39;",
                _ => null,
            } ?? c.ToString());
        }

        return sb.ToString();
    }

    /// <summary>Level 2 (basic escape set plus all non-ASCII) with single-escape chars, else \uXXXX: " \ control chars,
    /// &amp;, U+007F..U+009F and every non-ASCII char are escaped; '/' only right after '&lt;' (to break
    /// "&lt;/script"). Supplementary chars become a surrogate pair of escapes.</summary>
    public static string Json(string text) => Escape(text, javaScript: false);

    /// <summary>Like <see cref="Json"/> plus ' and NUL as single escapes (\' \0) and \xHH for chars up to U+00FF.</summary>
    public static string JavaScript(string text) => Escape(text, javaScript: true);

    private static string Escape(string text, bool javaScript)
    {
        StringBuilder? sb = null;
        var copiedUpTo = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var pair = char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]);
            if (!pair && !NeedsEscape(c, javaScript, i > 0 ? text[i - 1] : '\0', i))
            {
                continue;
            }

            sb ??= new StringBuilder(text.Length + 20);
            sb.Append(text, copiedUpTo, i - copiedUpTo);
            if (pair)
            {
                AppendUHexa(sb, c);
                AppendUHexa(sb, text[i + 1]);
                i++;
            }
            else if (SingleEscape(c, javaScript) is { } single)
            {
                sb.Append('\\').Append(single);
            }
            else if (javaScript && c <= 0xFF)
            {
                sb.Append("\\x").Append(((int)c).ToString("X2", CultureInfo.InvariantCulture));
            }
            else
            {
                AppendUHexa(sb, c);
            }

            copiedUpTo = i + 1;
        }

        return sb is null ? text : sb.Append(text, copiedUpTo, text.Length - copiedUpTo).ToString();
    }

    private static bool NeedsEscape(char c, bool javaScript, char previous, int index)
    {
        if (c == '/')
        {
            return index > 0 && previous == '<';
        }

        return c < 0x20 || c is '"' or '\\' or '&' || (javaScript && c == '\'') || c >= 0x7F;
    }

    private static char? SingleEscape(char c, bool javaScript) => c switch
    {
        '\b' => 'b',
        '\t' => 't',
        '\n' => 'n',
        '\f' => 'f',
        '\r' => 'r',
        '"' => '"',
        '\\' => '\\',
        '/' => '/',
        '\'' when javaScript => '\'',
        '\0' when javaScript => '0',
        _ => null,
    };

    private static void AppendUHexa(StringBuilder sb, char c) =>
        sb.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
}
