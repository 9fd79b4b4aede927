using System.Globalization;
using System.Text;
using DestinationKit.Model.Spec;

namespace DestinationKit.Simulator.Exports;

/// <summary>
/// How Spark's CSV writer, which AEP's exports follow, turns a value into the text of a field (shared/AEP.md §4.3):
/// null is written as <c>nullValue</c> and the empty string as <c>emptyValue</c>, both as they are; leading and
/// trailing whitespace is dropped (<c>ignoreLeadingWhiteSpace</c>/<c>ignoreTrailingWhiteSpace</c> default to true for
/// writing); a value is quoted when <c>quoteAll</c> is set or it contains the separator, the quote or a line break;
/// inside quotes the quote is written as <c>escape</c> + quote, and an escape character that precedes a quote or an
/// escape character, or ends the value, is itself escaped (<c>charToEscapeQuoteEscaping</c> defaults to the escape
/// character). A quote of <c>\u0000</c> turns quoting off.
/// </summary>
public sealed class SparkCsvEncoder
{
    private readonly CsvOptions _options;
    private readonly char _quote;
    private readonly char _escape;
    private readonly bool _quoting;

    public SparkCsvEncoder(CsvOptions options)
    {
        _options = options;
        _quote = options.Quote.Length > 0 ? options.Quote[0] : '\0';
        _escape = options.Escape.Length > 0 ? options.Escape[0] : '\\';
        _quoting = _quote != '\0';
    }

    public string Encode(string? value)
    {
        if (value is null)
        {
            return _options.NullValue;
        }
        value = value.Trim();
        if (value.Length == 0)
        {
            return _options.EmptyValue;
        }
        if (!_quoting)
        {
            return value;
        }
        var needsQuotes = _options.QuoteAll
            || value.Contains(_options.Sep, StringComparison.Ordinal)
            || value.Contains(_quote, StringComparison.Ordinal)
            || value.Contains('\n', StringComparison.Ordinal)
            || value.Contains('\r', StringComparison.Ordinal);
        if (!needsQuotes)
        {
            return value;
        }
        var sb = new StringBuilder(value.Length + 8).Append(_quote);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == _quote)
            {
                sb.Append(_escape).Append(_quote);
            }
            else if (c == _escape && _escape != _quote && (i + 1 == value.Length || value[i + 1] == _quote || value[i + 1] == _escape))
            {
                sb.Append(_escape).Append(_escape);
            }
            else
            {
                sb.Append(c);
            }
        }
        return sb.Append(_quote).ToString();
    }
}

/// <summary>
/// Formats dates and timestamps with the subset of java.time's DateTimeFormatter patterns that Spark's
/// <c>dateFormat</c>/<c>timestampFormat</c> use: <c>y M d H h m s S a</c>, offsets <c>X XX XXX x xx xxx Z</c>,
/// quoted literals and optional sections in brackets (printed, since every field of a UTC instant is known).
/// </summary>
public static class SparkDateFormat
{
    public static string Format(DateTimeOffset value, string pattern) => FormatCore(value.ToUniversalTime(), pattern, hasTime: true);

    public static string Format(DateOnly value, string pattern) =>
        FormatCore(new DateTimeOffset(value.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero), pattern, hasTime: false);

    private static string FormatCore(DateTimeOffset t, string pattern, bool hasTime)
    {
        var sb = new StringBuilder();
        var i = 0;
        Append(sb, t, pattern, ref i, hasTime, topLevel: true);
        return sb.ToString();
    }

    /// <summary>Appends the pattern from <paramref name="i"/> to the end of the current optional section.</summary>
    private static bool Append(StringBuilder sb, DateTimeOffset t, string p, ref int i, bool hasTime, bool topLevel)
    {
        var start = sb.Length;
        var complete = true;
        while (i < p.Length)
        {
            var c = p[i];
            if (c == '[')
            {
                i++;
                var mark = sb.Length;
                if (!Append(sb, t, p, ref i, hasTime, topLevel: false))
                {
                    sb.Length = mark; // an optional section whose fields are unknown is left out
                }
                continue;
            }
            if (c == ']')
            {
                i++;
                if (!topLevel)
                {
                    return complete;
                }
                continue;
            }
            if (c == '\'')
            {
                var end = p.IndexOf('\'', i + 1);
                if (end == i + 1)
                {
                    sb.Append('\'');
                }
                else
                {
                    sb.Append(p, i + 1, (end < 0 ? p.Length : end) - i - 1);
                }
                i = end < 0 ? p.Length : end + 1;
                continue;
            }
            if (!char.IsAsciiLetter(c))
            {
                sb.Append(c);
                i++;
                continue;
            }
            var n = 1;
            while (i + n < p.Length && p[i + n] == c)
            {
                n++;
            }
            i += n;
            if (!hasTime && c is 'H' or 'h' or 'm' or 's' or 'S' or 'a' or 'X' or 'x' or 'Z')
            {
                complete = false;
                continue;
            }
            sb.Append(c switch
            {
                'y' or 'u' => n == 2 ? (t.Year % 100).ToString("D2", CultureInfo.InvariantCulture) : t.Year.ToString("D" + n, CultureInfo.InvariantCulture),
                'M' => n switch
                {
                    1 => t.Month.ToString(CultureInfo.InvariantCulture),
                    2 => t.Month.ToString("D2", CultureInfo.InvariantCulture),
                    3 => CultureInfo.InvariantCulture.DateTimeFormat.GetAbbreviatedMonthName(t.Month),
                    _ => CultureInfo.InvariantCulture.DateTimeFormat.GetMonthName(t.Month),
                },
                'd' => t.Day.ToString("D" + n, CultureInfo.InvariantCulture),
                'H' => t.Hour.ToString("D" + n, CultureInfo.InvariantCulture),
                'h' => ((t.Hour + 11) % 12 + 1).ToString("D" + n, CultureInfo.InvariantCulture),
                'm' => t.Minute.ToString("D" + n, CultureInfo.InvariantCulture),
                's' => t.Second.ToString("D" + n, CultureInfo.InvariantCulture),
                'S' => (t.Ticks % TimeSpan.TicksPerSecond).ToString("D7", CultureInfo.InvariantCulture)[..Math.Min(n, 7)].PadRight(n, '0'),
                'a' => t.Hour < 12 ? "AM" : "PM",
                'X' => "Z", // the instant is in UTC
                'x' => n switch { 1 => "+00", 2 => "+0000", _ => "+00:00" },
                'Z' => "+0000",
                _ => throw new FormatException($"Pattern letter '{c}' is not supported in '{p}'."),
            });
        }
        return complete && sb.Length >= start;
    }
}
