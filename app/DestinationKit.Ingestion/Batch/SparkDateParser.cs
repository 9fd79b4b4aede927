using System.Globalization;

namespace DestinationKit.Ingestion.Batch;

/// <summary>
/// Parses dates and timestamps written with Spark's <c>dateFormat</c>/<c>timestampFormat</c> (java.time
/// DateTimeFormatter patterns): <c>y M d H m s S</c>, offsets <c>X XX XXX x xx xxx Z</c> (<c>Z</c> for UTC where
/// <c>X</c> allows it), quoted literals and optional sections in brackets. A value without an offset is UTC.
/// </summary>
public sealed class SparkDateParser
{
    private abstract record Element;
    private sealed record Literal(string Text) : Element;
    private sealed record Field(char Letter, int Count) : Element;
    private sealed record Optional(List<Element> Elements) : Element;

    private readonly List<Element> _elements;

    public SparkDateParser(string pattern)
    {
        Pattern = pattern;
        var i = 0;
        _elements = ParseSequence(pattern, ref i);
    }

    public string Pattern { get; }

    private static List<Element> ParseSequence(string p, ref int i)
    {
        var list = new List<Element>();
        while (i < p.Length)
        {
            var c = p[i];
            if (c == '[')
            {
                i++;
                list.Add(new Optional(ParseSequence(p, ref i)));
            }
            else if (c == ']')
            {
                i++;
                return list;
            }
            else if (c == '\'')
            {
                var end = p.IndexOf('\'', i + 1);
                list.Add(new Literal(end == i + 1 ? "'" : p[(i + 1)..(end < 0 ? p.Length : end)]));
                i = end < 0 ? p.Length : end + 1;
            }
            else if (char.IsAsciiLetter(c))
            {
                var n = 1;
                while (i + n < p.Length && p[i + n] == c)
                {
                    n++;
                }
                if ("yuMdHmsSXxZ".IndexOf(c, StringComparison.Ordinal) < 0)
                {
                    throw new FormatException($"Pattern letter '{c}' of '{p}' is not supported.");
                }
                list.Add(new Field(c, n));
                i += n;
            }
            else
            {
                list.Add(new Literal(c.ToString()));
                i++;
            }
        }
        return list;
    }

    private struct State
    {
        public int Year, Month, Day, Hour, Minute, Second;
        public long FractionTicks;
        public int OffsetMinutes;
    }

    public bool TryParse(ReadOnlySpan<char> text, out DateTimeOffset value)
    {
        var s = new State { Year = 1970, Month = 1, Day = 1 };
        value = default;
        if (!Match(_elements, 0, text, ref s, out var consumed) || consumed != text.Length)
        {
            return false;
        }
        if (s.Month is < 1 or > 12 || s.Day < 1 || s.Day > DateTime.DaysInMonth(s.Year, s.Month) || s.Hour > 23 || s.Minute > 59 || s.Second > 59)
        {
            return false;
        }
        var local = new DateTime(s.Year, s.Month, s.Day, s.Hour, s.Minute, s.Second, DateTimeKind.Unspecified).AddTicks(s.FractionTicks);
        value = new DateTimeOffset(local, TimeSpan.FromMinutes(s.OffsetMinutes)).ToUniversalTime();
        return true;
    }

    /// <summary>Matches elements from <paramref name="index"/> on, backtracking over optional sections.</summary>
    private static bool Match(List<Element> elements, int index, ReadOnlySpan<char> text, ref State s, out int consumed)
    {
        consumed = 0;
        if (index == elements.Count)
        {
            return true;
        }
        var e = elements[index];
        if (e is Optional opt)
        {
            var saved = s;
            var combined = new List<Element>(opt.Elements);
            combined.AddRange(elements.Skip(index + 1));
            if (Match(combined, 0, text, ref s, out consumed))
            {
                return true;
            }
            s = saved;
            return Match(elements, index + 1, text, ref s, out consumed);
        }
        var used = MatchOne(e, text, ref s);
        if (used < 0)
        {
            return false;
        }
        if (!Match(elements, index + 1, text[used..], ref s, out var rest))
        {
            return false;
        }
        consumed = used + rest;
        return true;
    }

    private static int MatchOne(Element e, ReadOnlySpan<char> text, ref State s)
    {
        if (e is Literal lit)
        {
            return text.StartsWith(lit.Text, StringComparison.Ordinal) ? lit.Text.Length : -1;
        }
        var f = (Field)e;
        switch (f.Letter)
        {
            case 'X' or 'x' or 'Z':
                return MatchOffset(f, text, ref s);
            case 'S':
                {
                    var n = Digits(text, f.Count, f.Count);
                    if (n < 0)
                    {
                        return -1;
                    }
                    long ticks = 0;
                    long scale = TimeSpan.TicksPerSecond;
                    for (var i = 0; i < n; i++)
                    {
                        scale /= 10;
                        ticks += (text[i] - '0') * scale;
                    }
                    s.FractionTicks = ticks;
                    return n;
                }
            default:
                {
                    var (min, max) = f.Letter is 'y' or 'u' ? (f.Count == 2 ? (2, 2) : (Math.Max(4, f.Count), 9)) : (f.Count, Math.Max(2, f.Count));
                    var n = Digits(text, min, max);
                    if (n < 0)
                    {
                        return -1;
                    }
                    var v = int.Parse(text[..n], NumberStyles.None, CultureInfo.InvariantCulture);
                    switch (f.Letter)
                    {
                        case 'y' or 'u': s.Year = f.Count == 2 ? 2000 + v : v; break;
                        case 'M': s.Month = v; break;
                        case 'd': s.Day = v; break;
                        case 'H': s.Hour = v; break;
                        case 'm': s.Minute = v; break;
                        case 's': s.Second = v; break;
                    }
                    return n;
                }
        }
    }

    private static int Digits(ReadOnlySpan<char> text, int min, int max)
    {
        var n = 0;
        while (n < text.Length && n < max && char.IsAsciiDigit(text[n]))
        {
            n++;
        }
        return n >= min ? n : -1;
    }

    private static int MatchOffset(Field f, ReadOnlySpan<char> text, ref State s)
    {
        if (text.Length == 0)
        {
            return -1;
        }
        if (text[0] == 'Z' && f.Letter == 'X')
        {
            s.OffsetMinutes = 0;
            return 1;
        }
        if (text[0] is not ('+' or '-'))
        {
            return -1;
        }
        var sign = text[0] == '-' ? -1 : 1;
        var t = text[1..];
        int hours, minutes = 0, used;
        if (t.Length >= 5 && t[2] == ':' && Digits(t, 2, 2) == 2 && Digits(t[3..], 2, 2) == 2)
        {
            hours = int.Parse(t[..2], CultureInfo.InvariantCulture);
            minutes = int.Parse(t[3..5], CultureInfo.InvariantCulture);
            used = 6;
        }
        else if (t.Length >= 4 && Digits(t, 4, 4) == 4)
        {
            hours = int.Parse(t[..2], CultureInfo.InvariantCulture);
            minutes = int.Parse(t[2..4], CultureInfo.InvariantCulture);
            used = 5;
        }
        else if (Digits(t, 2, 2) == 2)
        {
            hours = int.Parse(t[..2], CultureInfo.InvariantCulture);
            used = 3;
        }
        else
        {
            return -1;
        }
        s.OffsetMinutes = sign * (hours * 60 + minutes);
        return used;
    }
}
