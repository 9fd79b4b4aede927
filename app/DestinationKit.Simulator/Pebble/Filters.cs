using System.Text;
using System.Text.RegularExpressions;

namespace DestinationKit.Simulator.Pebble;

internal delegate object? FilterFunc(object? input, IReadOnlyDictionary<string, object?> args);

/// <summary>A filter and the argument names Pebble declares for it (null: it declares none and ignores any).</summary>
internal sealed record FilterSpec(IReadOnlyList<string>? ArgumentNames, FilterFunc Apply);

/// <summary>The filters: Pebble's core and escaper filters with their Java behaviour, plus Adobe's added/removed.</summary>
internal static partial class Filters
{
    private const string DefaultDatePattern = "yyyy-MM-dd'T'HH:mm:ssZ";

    public static readonly IReadOnlyDictionary<string, FilterSpec> All = new Dictionary<string, FilterSpec>(StringComparer.Ordinal)
    {
        ["abs"] = new(null, (input, _) => Abs(input)),
        ["added"] = new(null, (input, _) => Segments.Filter(input, "added", Segments.IsAdded)),
        ["capitalize"] = new(null, (input, _) => Capitalize(input, "capitalize", everyWord: false)),
        ["date"] = new(["format", "existingFormat", "timeZone"], Date),
        ["default"] = new(["default"], (input, args) => Tests.IsEmpty(input) ? args.GetValueOrDefault("default") : input),
        ["escape"] = new(["strategy"], Escape),
        ["first"] = new(null, (input, _) => FirstOrLast(input, "first", first: true)),
        ["join"] = new(["separator"], Join),
        ["last"] = new(null, (input, _) => FirstOrLast(input, "last", first: false)),
        ["length"] = new(null, (input, _) => Length(input)),
        ["lower"] = new(null, (input, _) => input is null ? null : Values.ToJavaString(input).ToLowerInvariant()),
        ["raw"] = new(null, (input, _) => input is null ? null : new SafeString(Values.ToJavaString(input))),
        ["removed"] = new(null, (input, _) => Segments.Filter(input, "removed", Segments.IsRemoved)),
        ["replace"] = new(["replace_pairs"], Replace),
        ["title"] = new(null, (input, _) => Capitalize(input, "title", everyWord: true)),
        ["trim"] = new(null, (input, _) => input is null ? null : JavaChars.Trim(RequireString(input, "trim"))),
        ["upper"] = new(null, (input, _) => input is null ? null : Values.ToJavaString(input).ToUpperInvariant()),
    };

    private static object? Escape(object? input, IReadOnlyDictionary<string, object?> args)
    {
        // Already-safe output passes untouched, whatever the strategy: {{ x | raw | escape(strategy="json") }}
        // is NOT json-escaped in Pebble.
        if (input is null or SafeString)
        {
            return input;
        }

        var strategy = args.GetValueOrDefault("strategy") is { } s ? RequireString(s, "escape", "strategy") : "html";
        var text = Values.ToJavaString(input);
        return new SafeString(strategy switch
        {
            "html" => Escapers.Html(text),
            "json" => Escapers.Json(text),
            "js" => Escapers.JavaScript(text),
            "css" or "url_param" => throw new PebbleRuntimeException(
                $"escape: strategy '{strategy}' is a Pebble strategy that this simulator does not implement (implemented: html, js, json)"),
            _ => throw new PebbleRuntimeException(
                $"escape: unknown escaping strategy '{strategy}' (Pebble's: html, js, css, url_param, json)"),
        });
    }

    private static object Abs(object? input) => input switch
    {
        null => throw new PebbleRuntimeException("abs: can not pass null value to the 'abs' filter"),
        // Boxed per arm: a switch over long and double would otherwise widen the long to double.
        long l => (object)(l == long.MinValue ? l : Math.Abs(l)),
        double d => (object)Math.Abs(d),
        _ => throw new PebbleRuntimeException($"abs: needs a number, not {Values.TypeName(input)}"),
    };

    private static string? Capitalize(object? input, string name, bool everyWord)
    {
        if (input is null)
        {
            return null;
        }

        var chars = RequireString(input, name).ToCharArray();
        var atWordStart = true;
        for (var i = 0; i < chars.Length; i++)
        {
            if (JavaChars.IsWhitespace(chars[i]))
            {
                atWordStart = true;
                continue;
            }

            if (atWordStart)
            {
                chars[i] = char.ToUpperInvariant(chars[i]);
                if (!everyWord)
                {
                    break;
                }
            }

            atWordStart = false;
        }

        return new string(chars);
    }

    private static object? FirstOrLast(object? input, string name, bool first) => input switch
    {
        null => null,
        string { Length: 0 } => throw new PebbleRuntimeException($"{name}: the string is empty"),
        string s => (first ? s[0] : s[^1]).ToString(),
        List<object?> list => list.Count == 0 ? null : first ? list[0] : list[^1],
        _ => throw new PebbleRuntimeException($"{name}: needs a list or a string, not {Values.TypeName(input)}"),
    };

    private static string? Join(object? input, IReadOnlyDictionary<string, object?> args)
    {
        if (input is null)
        {
            return null;
        }

        var separator = args.GetValueOrDefault("separator") is { } s ? RequireString(s, "join", "separator") : "";
        return input is List<object?> list
            ? string.Join(separator, list.Select(Values.StringValueOf))
            : throw new PebbleRuntimeException($"join: needs a list, not {Values.TypeName(input)}");
    }

    private static long Length(object? input) => input switch
    {
        string s => s.Length,
        List<object?> list => list.Count,
        PebbleMap map => map.Count,
        _ => 0,
    };

    private static string? Replace(object? input, IReadOnlyDictionary<string, object?> args)
    {
        if (input is null)
        {
            return null;
        }

        if (args.GetValueOrDefault("replace_pairs") is not { } pairs)
        {
            throw new PebbleRuntimeException("replace: the argument 'replace_pairs' is required, e.g. replace({\"a\": \"b\"})");
        }

        if (pairs is not PebbleMap map)
        {
            throw new PebbleRuntimeException($"replace: 'replace_pairs' must be a map, not {Values.TypeName(pairs)}");
        }

        var data = Values.ToJavaString(input);
        foreach (var entry in map.Entries)
        {
            var replacement = entry.Value is null
                ? throw new PebbleRuntimeException($"replace: the replacement for '{Values.ToJavaString(entry.Key)}' is null")
                : Values.ToJavaString(entry.Value);
            data = JavaReplace(data, Values.ToJavaString(entry.Key), replacement);
        }

        return data;
    }

    /// <summary>java.lang.String.replace(CharSequence, CharSequence): an empty target inserts between every char.</summary>
    private static string JavaReplace(string data, string target, string replacement)
    {
        if (target.Length > 0)
        {
            return data.Replace(target, replacement, StringComparison.Ordinal);
        }

        var sb = new StringBuilder(replacement);
        foreach (var c in data)
        {
            sb.Append(c).Append(replacement);
        }

        return sb.ToString();
    }

    private static object? Date(object? input, IReadOnlyDictionary<string, object?> args)
    {
        if (input is null)
        {
            return null;
        }

        var format = OptionalString(args, "format") ?? DefaultDatePattern;
        var existingFormat = OptionalString(args, "existingFormat") ?? DefaultDatePattern;
        var timeZone = OptionalString(args, "timeZone");
        var instant = input switch
        {
            long l => DateTimeOffset.FromUnixTimeMilliseconds(l),
            double d => DateTimeOffset.FromUnixTimeMilliseconds((long)d),
            string s => JavaDateFormat.Parse(s, existingFormat),
            _ => throw new PebbleRuntimeException(
                $"date: needs a date string or epoch milliseconds, not {Values.TypeName(input)}"),
        };
        return new SafeString(JavaDateFormat.Format(instant, format, FindZone(timeZone)));
    }

    /// <summary>java.util.TimeZone.getTimeZone: ids and GMT+hh:mm; an unknown id silently means GMT.</summary>
    private static TimeZoneInfo FindZone(string? id)
    {
        if (id is null)
        {
            return TimeZoneInfo.Utc;
        }

        var custom = CustomZoneRegex().Match(id);
        if (custom.Success)
        {
            var minutes = (int.Parse(custom.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture) * 60)
                + (custom.Groups[3].Success ? int.Parse(custom.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture) : 0);
            var offset = TimeSpan.FromMinutes(custom.Groups[1].Value == "-" ? -minutes : minutes);
            return TimeZoneInfo.CreateCustomTimeZone(id, offset, id, id);
        }

        return TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : TimeZoneInfo.Utc;
    }

    private static string? OptionalString(IReadOnlyDictionary<string, object?> args, string name) =>
        args.GetValueOrDefault(name) is { } value ? RequireString(value, "date", name) : null;

    private static string RequireString(object value, string filter, string? argument = null) => value is string s
        ? s
        : throw new PebbleRuntimeException(argument is null
            ? $"{filter}: needs a string, not {Values.TypeName(value)}"
            : $"{filter}: '{argument}' must be a string, not {Values.TypeName(value)}");

    [GeneratedRegex(@"^GMT([+-])(\d{1,2})(?::?(\d{2}))?$")]
    private static partial Regex CustomZoneRegex();
}

/// <summary>Pebble's tests (<c>x is empty</c>, <c>x is not null</c>, ...).</summary>
internal static class Tests
{
    public static readonly IReadOnlyDictionary<string, Func<object?, bool>> All = new Dictionary<string, Func<object?, bool>>(StringComparer.Ordinal)
    {
        ["defined"] = value => value is not null,
        ["empty"] = IsEmpty,
        ["even"] = value => IsEven(value, "even"),
        ["iterable"] = value => value is List<object?>,
        ["map"] = value => value is PebbleMap,
        ["null"] = value => value is null,
        ["odd"] = value => !IsEven(value, "odd"),
    };

    /// <summary>Null, a blank string (Java trim), or an empty list or map. A SafeString is never empty.</summary>
    public static bool IsEmpty(object? value) => value switch
    {
        null => true,
        string s => JavaChars.Trim(s).Length == 0,
        List<object?> list => list.Count == 0,
        PebbleMap map => map.Count == 0,
        _ => false,
    };

    private static bool IsEven(object? value, string test) => value switch
    {
        null => throw new PebbleRuntimeException($"can not pass null value to the '{test}' test"),
        long l => l % 2 == 0,
        _ => throw new PebbleRuntimeException($"the '{test}' test needs an integer, not {Values.TypeName(value)}"),
    };
}

internal delegate object? FunctionFunc(IReadOnlyList<object?> positional);

/// <summary>A function; ArgumentCount null means any number of positional arguments (min, max).</summary>
internal sealed record FunctionSpec(int? ArgumentCount, FunctionFunc Apply);

/// <summary>Pebble's min and max, and Adobe's segment helpers.</summary>
internal static class Functions
{
    public static readonly IReadOnlyDictionary<string, FunctionSpec> All = new Dictionary<string, FunctionSpec>(StringComparer.Ordinal)
    {
        ["addedSegments"] = new(1, args => Segments.Filter(args[0], "addedSegments", Segments.IsAdded)),
        ["hasSegments"] = new(1, args => Segments.Any(args[0])),
        ["max"] = new(null, args => Extreme(args, BinaryOp.Greater)),
        ["min"] = new(null, args => Extreme(args, BinaryOp.Less)),
        ["removedSegments"] = new(1, args => Segments.Filter(args[0], "removedSegments", Segments.IsRemoved)),
    };

    private static object? Extreme(IReadOnlyList<object?> args, BinaryOp better)
    {
        object? best = null;
        for (var i = 0; i < args.Count; i++)
        {
            if (i == 0 || best is null)
            {
                best = args[i];
            }
            else if (Operators.Binary(better, args[i], best) is true)
            {
                best = args[i];
            }
        }

        return best;
    }
}

/// <summary>Adobe's audience helpers over a segmentMembership namespace map (audience id -> {status, ...}):
/// "realized" and "existing" mean a member, "exited" a former member. They keep the map's order.</summary>
internal static class Segments
{
    public static bool IsAdded(string status) => status is "realized" or "existing";

    public static bool IsRemoved(string status) => status == "exited";

    public static PebbleMap? Filter(object? input, string name, Func<string, bool> keep)
    {
        if (input is null)
        {
            return null;
        }

        var memberships = RequireMap(input, name);
        var result = new PebbleMap();
        foreach (var entry in memberships.Entries)
        {
            if (entry.Value is PebbleMap membership && membership.Get("status") is string status && keep(status))
            {
                result.Put(entry.Key, entry.Value);
            }
        }

        return result;
    }

    public static bool Any(object? input) => input is not null && RequireMap(input, "hasSegments").Count > 0;

    private static PebbleMap RequireMap(object input, string name) => input as PebbleMap
        ?? throw new PebbleRuntimeException(
            $"{name}: needs a map of audience memberships such as profile.segmentMembership.ups, not {Values.TypeName(input)}");
}
