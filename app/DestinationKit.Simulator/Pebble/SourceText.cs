using System.Globalization;

namespace DestinationKit.Simulator.Pebble;

/// <summary>A 1-based line and column in the template source.</summary>
internal readonly record struct Position(int Line, int Column)
{
    public PebbleTemplateException Error(string reason) => new(reason, Line, Column);
}

/// <summary>Maps character offsets to lines and columns. Lines break where Pebble counts them
/// (\r\n, \n, \r, U+0085, U+2028, U+2029), so our line numbers match Pebble's own error messages.</summary>
internal sealed class SourceText
{
    private readonly List<int> lineStarts = [0];

    public SourceText(string text)
    {
        Text = text;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                i++;
                lineStarts.Add(i + 1);
            }
            else if (c is '\n' or '\r' or '\u0085' or '\u2028' or '\u2029')
            {
                lineStarts.Add(i + 1);
            }
        }
    }

    public string Text { get; }

    public Position At(int offset)
    {
        var index = lineStarts.BinarySearch(offset);
        if (index < 0)
        {
            index = ~index - 1;
        }

        return new Position(index + 1, offset - lineStarts[index] + 1);
    }
}

/// <summary>Java's notions of whitespace, which Pebble's lexer and filters rely on and which differ from .NET's.</summary>
internal static class JavaChars
{
    /// <summary>java.lang.Character.isWhitespace: Unicode space separators except no-break spaces, plus the ASCII
    /// controls \t \n \u000B \f \r and the information separators U+001C..U+001F.</summary>
    public static bool IsWhitespace(char c) => c switch
    {
        '\t' or '\n' or '\u000B' or '\f' or '\r' or '\u001C' or '\u001D' or '\u001E' or '\u001F' => true,
        '\u00A0' or '\u2007' or '\u202F' => false,
        _ => char.GetUnicodeCategory(c) is UnicodeCategory.SpaceSeparator or UnicodeCategory.LineSeparator
            or UnicodeCategory.ParagraphSeparator,
    };

    /// <summary>The \s of java.util.regex (ASCII only), used by Pebble's delimiter regexes.</summary>
    public static bool IsRegexSpace(char c) => c is ' ' or '\t' or '\n' or '\u000B' or '\f' or '\r';

    public static string LeftTrim(string s)
    {
        var i = 0;
        while (i < s.Length && IsWhitespace(s[i]))
        {
            i++;
        }

        return s[i..];
    }

    public static string RightTrim(string s)
    {
        var i = s.Length;
        while (i > 0 && IsWhitespace(s[i - 1]))
        {
            i--;
        }

        return s[..i];
    }

    /// <summary>java.lang.String.trim: strips every char up to U+0020, and nothing else.</summary>
    public static string Trim(string s)
    {
        var start = 0;
        var end = s.Length;
        while (start < end && s[start] <= ' ')
        {
            start++;
        }

        while (end > start && s[end - 1] <= ' ')
        {
            end--;
        }

        return s[start..end];
    }
}
