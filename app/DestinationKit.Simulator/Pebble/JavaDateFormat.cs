using System.Globalization;
using System.Text;

namespace DestinationKit.Simulator.Pebble;

/// <summary>The subset of java.text.SimpleDateFormat that Pebble's date filter needs for AEP's timestamps
/// ("2022-02-08T18:34:24.000+0000", "2024-03-02T10:15:00Z"): pattern letters y M d H h k K m s S E a z Z X and quoted
/// literals. Parsing is lenient like Java's default (fields overflow into the next unit, digits are read greedily
/// unless the next pattern field is numeric too, trailing text is ignored); the JVM time zone is taken to be UTC.</summary>
internal static class JavaDateFormat
{
    private const string JavaLetters = "GyMdkHmsSEDFwWahKzZYuXL";
    private const string SupportedLetters = "yMdkHmsSEahKzZX";

    private static readonly string[] Months =
    [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
        "November", "December",
    ];

    private static readonly string[] Days = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

    private abstract record Element;

    private sealed record Literal(string Text) : Element;

    private sealed record Field(char Letter, int Count) : Element
    {
        /// <summary>SimpleDateFormat.shouldObeyCount: a numeric field right after another limits its width.</summary>
        public bool IsNumeric => Letter == 'M' ? Count <= 2 : "ydkHmsShK".Contains(Letter, StringComparison.Ordinal);
    }

    public static DateTimeOffset Parse(string text, string pattern)
    {
        var elements = Compile(pattern);
        var fields = new ParsedFields();
        var pos = 0;
        for (var i = 0; i < elements.Count; i++)
        {
            if (elements[i] is Literal literal)
            {
                if (string.CompareOrdinal(text, pos, literal.Text, 0, literal.Text.Length) != 0)
                {
                    throw Unparseable(text, pattern);
                }

                pos += literal.Text.Length;
                continue;
            }

            var field = (Field)elements[i];
            var obeyCount = i + 1 < elements.Count && elements[i + 1] is Field { IsNumeric: true };
            pos = ParseField(text, pos, field, obeyCount, fields) ?? throw Unparseable(text, pattern);
        }

        return fields.ToInstant() ?? throw Unparseable(text, pattern);
    }

    public static string Format(DateTimeOffset instant, string pattern, TimeZoneInfo zone)
    {
        var offset = zone.GetUtcOffset(instant);
        var local = instant.ToOffset(offset);
        var sb = new StringBuilder();
        foreach (var element in Compile(pattern))
        {
            if (element is Literal literal)
            {
                sb.Append(literal.Text);
                continue;
            }

            var (letter, count) = (Field)element;
            switch (letter)
            {
                case 'y':
                    sb.Append(count == 2 ? Pad(local.Year % 100, 2) : Pad(local.Year, count));
                    break;
                case 'M':
                    sb.Append(count >= 4 ? Months[local.Month - 1]
                        : count == 3 ? Months[local.Month - 1][..3] : Pad(local.Month, count));
                    break;
                case 'd':
                    sb.Append(Pad(local.Day, count));
                    break;
                case 'H':
                    sb.Append(Pad(local.Hour, count));
                    break;
                case 'k':
                    sb.Append(Pad(local.Hour == 0 ? 24 : local.Hour, count));
                    break;
                case 'h':
                    sb.Append(Pad(local.Hour % 12 == 0 ? 12 : local.Hour % 12, count));
                    break;
                case 'K':
                    sb.Append(Pad(local.Hour % 12, count));
                    break;
                case 'm':
                    sb.Append(Pad(local.Minute, count));
                    break;
                case 's':
                    sb.Append(Pad(local.Second, count));
                    break;
                case 'S':
                    sb.Append(Pad(local.Millisecond, count));
                    break;
                case 'E':
                    var day = Days[(int)local.DayOfWeek];
                    sb.Append(count >= 4 ? day : day[..3]);
                    break;
                case 'a':
                    sb.Append(local.Hour < 12 ? "AM" : "PM");
                    break;
                case 'z':
                    sb.Append(ZoneName(zone, offset));
                    break;
                case 'Z':
                    var minutes = (int)offset.TotalMinutes;
                    sb.Append(minutes < 0 ? '-' : '+').Append(Pad((Math.Abs(minutes) / 60 * 100) + (Math.Abs(minutes) % 60), 4));
                    break;
                default:
                    sb.Append(IsoOffset(offset, count));
                    break;
            }
        }

        return sb.ToString();
    }

    private static string IsoOffset(TimeSpan offset, int count)
    {
        if (count > 3)
        {
            throw new PebbleRuntimeException("date pattern: 'X' may repeat at most 3 times");
        }

        var minutes = (int)offset.TotalMinutes;
        if (minutes == 0)
        {
            return "Z";
        }

        var sign = minutes < 0 ? "-" : "+";
        minutes = Math.Abs(minutes);
        return count switch
        {
            1 => $"{sign}{Pad(minutes / 60, 2)}",
            2 => $"{sign}{Pad(minutes / 60, 2)}{Pad(minutes % 60, 2)}",
            _ => $"{sign}{Pad(minutes / 60, 2)}:{Pad(minutes % 60, 2)}",
        };
    }

    /// <summary>Java's short names for UTC and GMT; other zones print as GMT+hh:mm (Java would print e.g. "CET").</summary>
    private static string ZoneName(TimeZoneInfo zone, TimeSpan offset)
    {
        if (zone.Id is "UTC" or "Etc/UTC" or "GMT" or "Etc/GMT")
        {
            return zone.Id.EndsWith("GMT", StringComparison.Ordinal) ? "GMT" : "UTC";
        }

        var minutes = (int)offset.TotalMinutes;
        return $"GMT{(minutes < 0 ? '-' : '+')}{Pad(Math.Abs(minutes) / 60, 2)}:{Pad(Math.Abs(minutes) % 60, 2)}";
    }

    private static string Pad(int value, int width) =>
        value.ToString(CultureInfo.InvariantCulture).PadLeft(width, '0');

    private static PebbleRuntimeException Unparseable(string text, string pattern) =>
        new($"date: could not parse the string '{text}' into a date, with formatting: {pattern}");

    private static List<Element> Compile(string pattern)
    {
        var elements = new List<Element>();
        var literal = new StringBuilder();
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\'')
            {
                if (i + 1 < pattern.Length && pattern[i + 1] == '\'')
                {
                    literal.Append('\'');
                    i++;
                    continue;
                }

                var close = i + 1;
                while (true)
                {
                    if (close >= pattern.Length)
                    {
                        throw new PebbleRuntimeException($"date pattern \"{pattern}\": unfinished quote");
                    }

                    if (pattern[close] == '\'')
                    {
                        if (close + 1 < pattern.Length && pattern[close + 1] == '\'')
                        {
                            literal.Append('\'');
                            close += 2;
                            continue;
                        }

                        break;
                    }

                    literal.Append(pattern[close]);
                    close++;
                }

                i = close;
                continue;
            }

            if (!char.IsAsciiLetter(c))
            {
                literal.Append(c);
                continue;
            }

            if (!JavaLetters.Contains(c, StringComparison.Ordinal))
            {
                throw new PebbleRuntimeException($"date pattern \"{pattern}\": illegal pattern character '{c}'");
            }

            if (!SupportedLetters.Contains(c, StringComparison.Ordinal))
            {
                throw new PebbleRuntimeException(
                    $"date pattern \"{pattern}\": pattern letter '{c}' is valid Java but not implemented by this "
                    + $"simulator (implemented: {string.Join(' ', SupportedLetters.ToCharArray())} and 'quoted text')");
            }

            var count = 1;
            while (i + 1 < pattern.Length && pattern[i + 1] == c)
            {
                count++;
                i++;
            }

            if (literal.Length > 0)
            {
                elements.Add(new Literal(literal.ToString()));
                literal.Clear();
            }

            elements.Add(new Field(c, count));
        }

        if (literal.Length > 0)
        {
            elements.Add(new Literal(literal.ToString()));
        }

        return elements;
    }

    private static int? ParseField(string text, int start, Field field, bool obeyCount, ParsedFields fields)
    {
        var pos = start;
        while (pos < text.Length && text[pos] is ' ' or '\t')
        {
            pos++;
        }

        if (pos >= text.Length)
        {
            return null;
        }

        switch (field.Letter)
        {
            case 'M' when field.Count >= 3:
                return MatchName(text, pos, Months, value => fields.Month = value);
            case 'E':
                return MatchName(text, pos, Days, _ => { });
            case 'a':
                return MatchName(text, pos, ["AM", "PM"], value => fields.Pm = value == 1);
            case 'X':
                return ParseIsoZone(text, pos, field.Count, fields);
            case 'Z' or 'z':
                return ParseZone(text, pos, fields);
        }

        var limit = obeyCount ? start + field.Count : text.Length;
        if (limit > text.Length)
        {
            return null;
        }

        var end = pos;
        if (end < limit && text[end] == '-')
        {
            end++;
        }

        var digitsStart = end;
        while (end < limit && char.IsAsciiDigit(text[end]))
        {
            end++;
        }

        if (end == digitsStart || !int.TryParse(text.AsSpan(pos, end - pos), NumberStyles.AllowLeadingSign,
                CultureInfo.InvariantCulture, out var value))
        {
            return null;
        }

        switch (field.Letter)
        {
            case 'y':
                fields.Year = field.Count <= 2 && end - pos == 2 ? TwoDigitYear(value) : value;
                break;
            case 'M':
                fields.Month = value - 1;
                break;
            case 'd':
                fields.Day = value;
                break;
            case 'H':
                fields.HourOfDay = value;
                break;
            case 'k':
                fields.HourOfDay = value == 24 ? 0 : value;
                break;
            case 'h':
                fields.Hour = value == 12 ? 0 : value;
                break;
            case 'K':
                fields.Hour = value;
                break;
            case 'm':
                fields.Minute = value;
                break;
            case 's':
                fields.Second = value;
                break;
            default:
                fields.Millisecond = value;
                break;
        }

        return end;
    }

    /// <summary>Java puts a two-digit year within 80 years before and 20 years after now.</summary>
    private static int TwoDigitYear(int value)
    {
        var startYear = DateTime.UtcNow.Year - 80;
        return value + (startYear / 100 * 100) + (value < startYear % 100 ? 100 : 0);
    }

    private static int? MatchName(string text, int pos, string[] names, Action<int> set)
    {
        var best = -1;
        var bestLength = 0;
        for (var i = 0; i < names.Length; i++)
        {
            foreach (var name in new[] { names[i], names[i][..Math.Min(3, names[i].Length)] })
            {
                if (name.Length > bestLength && string.Compare(text, pos, name, 0, name.Length, StringComparison.OrdinalIgnoreCase) == 0
                    && pos + name.Length <= text.Length)
                {
                    best = i;
                    bestLength = name.Length;
                }
            }
        }

        if (best < 0)
        {
            return null;
        }

        set(best);
        return pos + bestLength;
    }

    private static int? ParseIsoZone(string text, int pos, int count, ParsedFields fields)
    {
        if (text[pos] == 'Z')
        {
            fields.OffsetMinutes = 0;
            return pos + 1;
        }

        if (text[pos] is not ('+' or '-'))
        {
            return null;
        }

        return ParseNumericZone(text, pos + 1, text[pos] == '-' ? -1 : 1, count, colon: count == 3, fields);
    }

    /// <summary>'Z' and 'z' accept +hhmm (no colon: "+01:00" does not parse), GMT[+hh:mm] and UTC; not "Z".</summary>
    private static int? ParseZone(string text, int pos, ParsedFields fields)
    {
        if (text[pos] is '+' or '-')
        {
            return ParseNumericZone(text, pos + 1, text[pos] == '-' ? -1 : 1, 0, colon: false, fields);
        }

        if (string.Compare(text, pos, "GMT", 0, 3, StringComparison.OrdinalIgnoreCase) == 0 && pos + 3 <= text.Length)
        {
            var after = pos + 3;
            if (after < text.Length && text[after] is '+' or '-')
            {
                return ParseNumericZone(text, after + 1, text[after] == '-' ? -1 : 1, 0, colon: true, fields);
            }

            fields.OffsetMinutes = 0;
            return after;
        }

        if (string.Compare(text, pos, "UTC", 0, 3, StringComparison.OrdinalIgnoreCase) == 0 && pos + 3 <= text.Length)
        {
            fields.OffsetMinutes = 0;
            return pos + 3;
        }

        return null;
    }

    /// <summary>SimpleDateFormat.subParseNumericZone.</summary>
    private static int? ParseNumericZone(string text, int pos, int sign, int count, bool colon, ParsedFields fields)
    {
        char? At(int i) => i < text.Length ? text[i] : null;

        if (At(pos) is not { } h1 || !char.IsAsciiDigit(h1))
        {
            return null;
        }

        var hours = h1 - '0';
        pos++;
        if (At(pos) is { } h2 && char.IsAsciiDigit(h2))
        {
            hours = (hours * 10) + (h2 - '0');
            pos++;
        }
        else if (count > 0 || !colon)
        {
            return null;
        }

        if (hours > 23)
        {
            return null;
        }

        var minutes = 0;
        if (count != 1)
        {
            if (colon)
            {
                if (At(pos) != ':')
                {
                    return null;
                }

                pos++;
            }

            if (At(pos) is not { } m1 || !char.IsAsciiDigit(m1) || At(pos + 1) is not { } m2 || !char.IsAsciiDigit(m2))
            {
                return null;
            }

            minutes = ((m1 - '0') * 10) + (m2 - '0');
            if (minutes > 59)
            {
                return null;
            }

            pos += 2;
        }

        fields.OffsetMinutes = sign * ((hours * 60) + minutes);
        return pos;
    }

    private sealed class ParsedFields
    {
        public int Year { get; set; } = 1970;

        public int Month { get; set; }

        public int Day { get; set; } = 1;

        public int? HourOfDay { get; set; }

        public int? Hour { get; set; }

        public bool Pm { get; set; }

        public int Minute { get; set; }

        public int Second { get; set; }

        public int Millisecond { get; set; }

        /// <summary>Null when the text names no zone: the JVM default, taken to be UTC.</summary>
        public int? OffsetMinutes { get; set; }

        /// <summary>A lenient GregorianCalendar: out-of-range fields roll over into the next unit.</summary>
        public DateTimeOffset? ToInstant()
        {
            if (Year is < 1 or > 9999)
            {
                return null;
            }

            try
            {
                var hour = HourOfDay ?? ((Hour ?? 0) + (Pm ? 12 : 0));
                var local = new DateTime(Year, 1, 1, 0, 0, 0, DateTimeKind.Unspecified)
                    .AddMonths(Month).AddDays(Day - 1).AddHours(hour).AddMinutes(Minute).AddSeconds(Second)
                    .AddMilliseconds(Millisecond);
                var utc = local.AddMinutes(-(OffsetMinutes ?? 0));
                return new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc));
            }
            catch (ArgumentOutOfRangeException)
            {
                return null;
            }
        }
    }
}
