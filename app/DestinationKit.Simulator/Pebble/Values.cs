using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DestinationKit.Simulator.Pebble;

// The values a template computes with, modelled on the Java objects Pebble sees in AEP: String, Long, Double,
// Boolean, null, List and Map (a JSON object, in key order), plus Pebble's own SafeString, Map.Entry and loop.

/// <summary>Pebble's SafeString: what escape, raw and date return. Autoescaping leaves it alone, and like in Java it is
/// not a string: it never equals one, and if/and/or/not/contains/is-empty treat it as an object.</summary>
internal sealed class SafeString(string content)
{
    public string Content { get; } = content;

    public override string ToString() => Content;

    public override bool Equals(object? obj) => obj is SafeString other && other.Content == Content;

    public override int GetHashCode() => Content.GetHashCode(StringComparison.Ordinal);
}

/// <summary>A map that iterates in insertion order and compares keys with Java's equals (1L is not 1.0, "1" is not 1).
/// Maps from the context and from Adobe's segment helpers keep JSON order; literal maps keep source order, where
/// Java's HashMap would use hash order.</summary>
internal sealed class PebbleMap
{
    private readonly OrderedDictionary<object, object?> entries = new(JavaEquality.Comparer);

    public int Count => entries.Count;

    public object? FirstKey => entries.Count == 0 ? null : entries.GetAt(0).Key;

    public IEnumerable<MapEntry> Entries => entries.Select(e => new MapEntry(e.Key, e.Value));

    public void Put(object key, object? value) => entries[key] = value;

    public bool ContainsKey(object? key) => key is not null && entries.ContainsKey(key);

    public object? Get(object? key) => key is not null && entries.TryGetValue(key, out var value) ? value : null;
}

/// <summary>java.util.Map.Entry, what <c>for</c> yields when iterating a map: <c>.key</c> and <c>.value</c>.</summary>
internal sealed class MapEntry(object key, object? value)
{
    public object Key { get; } = key;

    public object? Value { get; } = value;

    public override bool Equals(object? obj) =>
        obj is MapEntry other && JavaEquality.AreEqual(Key, other.Key) && JavaEquality.AreEqual(Value, other.Value);

    public override int GetHashCode() => JavaEquality.HashOf(Key) ^ JavaEquality.HashOf(Value);
}

/// <summary>The <c>loop</c> variable. Pebble reuses one instance for the whole loop, so a copy kept with <c>set</c>
/// follows the loop; we do the same.</summary>
internal sealed class LoopInfo(long length)
{
    public long Index { get; set; }

    public long Length { get; } = length;

    public long RevIndex => Length - Index - 1;

    public bool First { get; set; }

    public bool Last { get; set; }

    public object? Attribute(string name) => name switch
    {
        "index" => Index,
        "revindex" => RevIndex,
        "first" => First,
        "last" => Last,
        "length" => Length,
        _ => null,
    };

    public override string ToString() =>
        $"{{last={Values.Bool(Last)}, length={Length}, index={Index}, revindex={RevIndex}, first={Values.Bool(First)}}}";
}

/// <summary>Java's Objects.equals over our value model, deep for lists and maps.</summary>
internal static class JavaEquality
{
    public static readonly IEqualityComparer<object> Comparer = new JavaComparer();

    public static bool AreEqual(object? a, object? b)
    {
        if (ReferenceEquals(a, b))
        {
            return true;
        }

        if (a is null || b is null)
        {
            return false;
        }

        return a switch
        {
            string s => b is string t && s == t,
            long l => b is long m && l == m,
            double d => b is double e && (BitConverter.DoubleToInt64Bits(d) == BitConverter.DoubleToInt64Bits(e)
                || (double.IsNaN(d) && double.IsNaN(e))),
            bool x => b is bool y && x == y,
            List<object?> list => b is List<object?> other && list.Count == other.Count
                && list.Zip(other).All(p => AreEqual(p.First, p.Second)),
            PebbleMap map => b is PebbleMap other && map.Count == other.Count
                && map.Entries.All(e => other.ContainsKey(e.Key) && AreEqual(e.Value, other.Get(e.Key))),
            _ => a.Equals(b),
        };
    }

    public static int HashOf(object? value) => value switch
    {
        null => 0,
        string s => s.GetHashCode(StringComparison.Ordinal),
        double d => double.IsNaN(d) ? 0x7ff8 : BitConverter.DoubleToInt64Bits(d).GetHashCode(),
        List<object?> list => list.Aggregate(1, (h, item) => (31 * h) + HashOf(item)),
        PebbleMap map => map.Entries.Sum(e => e.GetHashCode()),
        _ => value.GetHashCode(),
    };

    private sealed class JavaComparer : IEqualityComparer<object>
    {
        public new bool Equals(object? x, object? y) => AreEqual(x, y);

        public int GetHashCode(object obj) => HashOf(obj);
    }
}

internal static class Values
{
    public static string Bool(bool b) => b ? "true" : "false";

    /// <summary>Converts the JSON context: integral numbers become Long and others Double, as Jackson reads them.
    /// (Integers beyond Long range become Double here; Jackson would make them BigInteger.)</summary>
    public static object? FromJson(JsonNode? node)
    {
        switch (node)
        {
            case null:
                return null;
            case JsonObject obj:
                var map = new PebbleMap();
                foreach (var (key, value) in obj)
                {
                    map.Put(key, FromJson(value));
                }

                return map;
            case JsonArray array:
                return array.Select(FromJson).ToList();
            default:
                var json = (JsonValue)node;
                switch (json.GetValueKind())
                {
                    case JsonValueKind.String:
                        // A JsonValue built from a char, Guid or date is a JSON string too, but not a .NET string.
                        return json.TryGetValue<string>(out var s) ? s : JsonNode.Parse(json.ToJsonString())!.GetValue<string>();
                    case JsonValueKind.True:
                        return true;
                    case JsonValueKind.False:
                        return false;
                    case JsonValueKind.Number:
                        // Parsed JSON decides by its text ("1.0" is a Double); a value built in .NET by its CLR type.
                        var text = json.ToJsonString();
                        var floating = !json.TryGetValue<JsonElement>(out _)
                            && (json.TryGetValue<double>(out _) || json.TryGetValue<float>(out _) || json.TryGetValue<decimal>(out _));
                        return !floating && text.AsSpan().IndexOfAny('.', 'e', 'E') < 0
                            && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)
                                ? l
                                : (object)double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
                    default:
                        return null;
                }
        }
    }

    /// <summary>What Java's toString gives for the value, i.e. what Pebble prints. Maps and lists print as JSON
    /// (our choice: Java's Map.toString would print {k=v}); that is what <c>{{ profile | raw }}</c> shows in
    /// Adobe's render API.</summary>
    public static string ToJavaString(object value) => value switch
    {
        string s => s,
        SafeString safe => safe.Content,
        long l => l.ToString(CultureInfo.InvariantCulture),
        double d => JavaDouble(d),
        bool b => Bool(b),
        LoopInfo loop => loop.ToString(),
        _ => ToJson(value),
    };

    /// <summary>Java's String.valueOf: "null" for null.</summary>
    public static string StringValueOf(object? value) => value is null ? "null" : ToJavaString(value);

    public static string TypeName(object? value) => value switch
    {
        null => "null",
        string => "a string",
        SafeString => "a safe string (the output of escape, raw or date)",
        long or double => "a number",
        bool => "a boolean",
        List<object?> => "a list",
        PebbleMap => "a map",
        MapEntry => "a map entry",
        LoopInfo => "the loop variable",
        _ => value.GetType().Name,
    };

    public static string ToJson(object? value)
    {
        var sb = new StringBuilder();
        WriteJson(sb, value);
        return sb.ToString();
    }

    private static void WriteJson(StringBuilder sb, object? value)
    {
        switch (value)
        {
            case null:
                sb.Append("null");
                break;
            case string or SafeString:
                WriteJsonString(sb, value.ToString()!);
                break;
            case List<object?> list:
                sb.Append('[');
                for (var i = 0; i < list.Count; i++)
                {
                    if (i > 0)
                    {
                        sb.Append(',');
                    }

                    WriteJson(sb, list[i]);
                }

                sb.Append(']');
                break;
            case PebbleMap map:
                sb.Append('{');
                var first = true;
                foreach (var entry in map.Entries)
                {
                    if (!first)
                    {
                        sb.Append(',');
                    }

                    first = false;
                    WriteJsonString(sb, ToJavaString(entry.Key));
                    sb.Append(':');
                    WriteJson(sb, entry.Value);
                }

                sb.Append('}');
                break;
            case MapEntry e:
                sb.Append("{\"key\":");
                WriteJson(sb, e.Key);
                sb.Append(",\"value\":");
                WriteJson(sb, e.Value);
                sb.Append('}');
                break;
            case LoopInfo loop:
                WriteJsonString(sb, loop.ToString());
                break;
            default:
                sb.Append(ToJavaString(value));
                break;
        }
    }

    private static void WriteJsonString(StringBuilder sb, string s)
    {
        sb.Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"':
                    sb.Append("\\\"");
                    break;
                case '\\':
                    sb.Append("\\\\");
                    break;
                case '\n':
                    sb.Append("\\n");
                    break;
                case '\r':
                    sb.Append("\\r");
                    break;
                case '\t':
                    sb.Append("\\t");
                    break;
                case < ' ':
                    sb.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
                    break;
                default:
                    sb.Append(c);
                    break;
            }
        }

        sb.Append('"');
    }

    /// <summary>Java's Double.toString: shortest digits that round-trip, plain between 10^-3 and 10^7 and always with
    /// a fractional digit ("1.0"), computerized scientific notation outside that range ("1.0E10", "1.5E-5").</summary>
    public static string JavaDouble(double d)
    {
        if (double.IsNaN(d))
        {
            return "NaN";
        }

        if (double.IsInfinity(d))
        {
            return d > 0 ? "Infinity" : "-Infinity";
        }

        if (d == 0)
        {
            return double.IsNegative(d) ? "-0.0" : "0.0";
        }

        var r = Math.Abs(d).ToString("R", CultureInfo.InvariantCulture);
        var exponentAt = r.IndexOf('E', StringComparison.Ordinal);
        var exponent = exponentAt < 0 ? 0 : int.Parse(r[(exponentAt + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var mantissa = exponentAt < 0 ? r : r[..exponentAt];
        var point = mantissa.IndexOf('.', StringComparison.Ordinal);
        var digits = point < 0 ? mantissa : mantissa.Remove(point, 1);
        var pointAt = point < 0 ? mantissa.Length : point;
        var leadingZeros = digits.Length - digits.TrimStart('0').Length;
        digits = digits.TrimStart('0').TrimEnd('0');
        if (digits.Length == 0)
        {
            digits = "0";
        }

        var scientific = pointAt - leadingZeros - 1 + exponent;
        var sign = d < 0 ? "-" : "";
        if (scientific is >= -3 and < 7)
        {
            if (scientific < 0)
            {
                return $"{sign}0.{new string('0', -scientific - 1)}{digits}";
            }

            var whole = digits.Length > scientific + 1 ? digits[..(scientific + 1)] : digits.PadRight(scientific + 1, '0');
            var fraction = digits.Length > scientific + 1 ? digits[(scientific + 1)..] : "0";
            return $"{sign}{whole}.{fraction}";
        }

        var rest = digits.Length > 1 ? digits[1..] : "0";
        return $"{sign}{digits[0]}.{rest}E{scientific.ToString(CultureInfo.InvariantCulture)}";
    }
}
