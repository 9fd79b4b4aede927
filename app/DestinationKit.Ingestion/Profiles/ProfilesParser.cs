using System.Globalization;
using System.Text;
using System.Text.Json;

namespace DestinationKit.Ingestion.Profiles;

/// <summary>Membership status codes, ordered so that a tie on qualification time resolves the same way everywhere.</summary>
public enum MembershipStatus : byte
{
    Existing = 1,
    Realized = 2,
    Exited = 3,
}

public readonly record struct Identity(string Namespace, string Id);

public readonly record struct MembershipUpdate(string AudienceNamespace, string AudienceId, MembershipStatus Status, long? QualifiedAtMs);

/// <summary>An attribute; <see cref="RawJson"/> is the JSON token (<c>"Ada"</c>, <c>12</c>, <c>true</c>, <c>null</c>).</summary>
public readonly record struct AttributeUpdate(string Name, string RawJson);

public sealed class ParsedProfile
{
    public List<Identity> Identities { get; } = [];
    public List<MembershipUpdate> Memberships { get; } = [];
    public List<AttributeUpdate> Attributes { get; } = [];
}

/// <summary>One broken rule of the contract: the JSON path, the rule (as named by the JSON Schema) and a message.</summary>
public sealed record ValidationError(string Path, string Rule, string Message);

/// <summary>
/// Validates (and optionally materialises) a contract-v1 request body in one forward pass over the UTF-8 bytes,
/// without building a DOM. The rules are those of docs/contract/profiles-v1.schema.json, plus what a schema cannot say:
/// the body is valid UTF-8, escapes decode (no lone surrogates), no object names a member twice, and the request's
/// derived state (each identity of a profile gets the profile's memberships and attributes) stays within a budget.
/// </summary>
public static class ProfilesParser
{
    public const int MaxErrors = 20;

    /// <summary>Validates <paramref name="json"/>; fills <paramref name="output"/> when given. Returns the profile count.</summary>
    /// <param name="maxStateRows">Most rows of state (identities × (memberships + attributes), summed over the profiles) the request may derive.</param>
    public static int Parse(ReadOnlySpan<byte> json, int maxProfiles, List<ValidationError> errors, List<ParsedProfile>? output = null, long maxStateRows = long.MaxValue)
    {
        var invalidAt = FirstInvalidUtf8(json);
        if (invalidAt >= 0)
        {
            errors.Add(new("$", "utf8", string.Create(CultureInfo.InvariantCulture, $"The body is not valid UTF-8 (byte {invalidAt}).")));
            return 0;
        }
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 16 });
        var profiles = 0;
        long stateRows = 0;
        try
        {
            if (!reader.Read())
            {
                errors.Add(new("$", "json", "The body is empty."));
                return 0;
            }
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                errors.Add(new("$", "type", "The body must be a JSON object."));
                return 0;
            }
            bool sawVersion = false, sawProfiles = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("schemaVersion"u8))
                {
                    if (Repeated(ref sawVersion))
                    {
                        Add(errors, "$.schemaVersion", "duplicateKey", Twice);
                    }
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.Number || !reader.TryGetDecimal(out var v) || v != 1m)
                    {
                        Add(errors, "$.schemaVersion", "const", "schemaVersion must be the integer 1.");
                        reader.Skip();
                    }
                }
                else if (reader.ValueTextEquals("profiles"u8))
                {
                    if (Repeated(ref sawProfiles))
                    {
                        Add(errors, "$.profiles", "duplicateKey", Twice);
                    }
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.StartArray)
                    {
                        Add(errors, "$.profiles", "type", "profiles must be an array.");
                        reader.Skip();
                        continue;
                    }
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        if (profiles == maxProfiles)
                        {
                            Add(errors, "$.profiles", "maxItems", string.Create(CultureInfo.InvariantCulture, $"profiles may hold at most {maxProfiles} items."));
                        }
                        stateRows += ParseProfile(json, ref reader, profiles, errors, profiles < maxProfiles ? output : null);
                        profiles++;
                    }
                    if (profiles == 0)
                    {
                        Add(errors, "$.profiles", "minItems", "profiles must hold at least 1 item.");
                    }
                }
                else
                {
                    Add(errors, "$" + Prop(ref reader), "additionalProperties", "Unknown property.");
                    reader.Read();
                    reader.Skip();
                }
            }
            if (!sawVersion)
            {
                Add(errors, "$.schemaVersion", "required", "schemaVersion is required.");
            }
            if (!sawProfiles)
            {
                Add(errors, "$.profiles", "required", "profiles is required.");
            }
            if (reader.Read())
            {
                Add(errors, "$", "json", "Unexpected data after the JSON object.");
            }
            if (stateRows > maxStateRows)
            {
                Add(errors, "$.profiles", "maxStateRows", string.Create(CultureInfo.InvariantCulture,
                    $"The request would write {stateRows} rows of state (each identity of a profile gets all of its memberships and attributes); at most {maxStateRows} are allowed. Send fewer profiles per request."));
            }
        }
        catch (JsonException ex)
        {
            errors.Add(new("$", "json", string.Create(CultureInfo.InvariantCulture,
                $"The body is not valid JSON (line {ex.LineNumber ?? 0}, byte {ex.BytePositionInLine ?? 0}).")));
        }
        return profiles;
    }

    /// <summary>Parses one profile; returns the rows of state it derives: ids × (memberships + attributes).</summary>
    private static long ParseProfile(ReadOnlySpan<byte> json, ref Utf8JsonReader reader, int index, List<ValidationError> errors, List<ParsedProfile>? output)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            Add(errors, ProfilePath(index), "type", "A profile must be an object.");
            reader.Skip();
            return 0;
        }
        NameSet.NextProfile();
        var profile = output is null ? null : new ParsedProfile();
        bool sawIdentities = false, sawAudiences = false, sawAttributes = false;
        long ids = 0, memberships = 0, attributes = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("identities"u8))
            {
                if (Repeated(ref sawIdentities))
                {
                    Add(errors, ProfilePath(index) + ".identities", "duplicateKey", Twice);
                }
                reader.Read();
                ids += ParseIdentities(json, ref reader, index, errors, profile);
            }
            else if (reader.ValueTextEquals("audiences"u8))
            {
                if (Repeated(ref sawAudiences))
                {
                    Add(errors, ProfilePath(index) + ".audiences", "duplicateKey", Twice);
                }
                reader.Read();
                memberships += ParseAudiences(json, ref reader, index, errors, profile);
            }
            else if (reader.ValueTextEquals("attributes"u8))
            {
                if (Repeated(ref sawAttributes))
                {
                    Add(errors, ProfilePath(index) + ".attributes", "duplicateKey", Twice);
                }
                reader.Read();
                attributes += ParseAttributes(json, ref reader, index, errors, profile);
            }
            else
            {
                Add(errors, ProfilePath(index) + Prop(ref reader), "additionalProperties", "Unknown property.");
                reader.Read();
                reader.Skip();
            }
        }
        if (!sawIdentities)
        {
            Add(errors, ProfilePath(index) + ".identities", "required", "identities is required.");
        }
        else if (ids == 0)
        {
            Add(errors, ProfilePath(index) + ".identities", "minIds", "A profile needs at least one identity id.");
        }
        if (profile is not null)
        {
            output!.Add(profile);
        }
        return ids * (memberships + attributes);
    }

    private static int ParseIdentities(ReadOnlySpan<byte> json, ref Utf8JsonReader reader, int index, List<ValidationError> errors, ParsedProfile? profile)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            Add(errors, ProfilePath(index) + ".identities", "type", "identities must be an object.");
            reader.Skip();
            return 0;
        }
        var ids = 0;
        var properties = 0;
        var namespaces = new NameSet();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            properties++;
            var ns = NameIfValid(ref reader, 1, 128, errors, index, ".identities", profile is not null, json, ref namespaces);
            reader.Read();
            if (reader.TokenType != JsonTokenType.StartArray)
            {
                Add(errors, ProfilePath(index) + ".identities" + Prop(ns ?? "?"), "type", "An identity namespace must map to an array of ids.");
                reader.Skip();
                continue;
            }
            var i = 0;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (reader.TokenType != JsonTokenType.String)
                {
                    Add(errors, ProfilePath(index) + ".identities" + Prop(ns ?? "?") + Index(i), "type", "An identity id must be a string.");
                    reader.Skip();
                }
                else
                {
                    var len = Length(ref reader);
                    if (len < 0)
                    {
                        Add(errors, ProfilePath(index) + ".identities" + Prop(ns ?? "?") + Index(i), "escape", InvalidEscape);
                    }
                    else if (len is < 1 or > 1024)
                    {
                        Add(errors, ProfilePath(index) + ".identities" + Prop(ns ?? "?") + Index(i), len < 1 ? "minLength" : "maxLength",
                            "An identity id must be 1 to 1024 characters.");
                    }
                    else
                    {
                        ids++;
                        if (profile is not null && ns is not null)
                        {
                            profile.Identities.Add(new Identity(ns, reader.ValueIsEscaped ? reader.GetString()! : Encoding.UTF8.GetString(reader.ValueSpan)));
                        }
                    }
                }
                i++;
            }
        }
        if (properties == 0)
        {
            Add(errors, ProfilePath(index) + ".identities", "minProperties", "identities must name at least one namespace.");
        }
        return ids;
    }

    /// <summary>Returns the number of memberships.</summary>
    private static int ParseAudiences(ReadOnlySpan<byte> json, ref Utf8JsonReader reader, int index, List<ValidationError> errors, ParsedProfile? profile)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            Add(errors, ProfilePath(index) + ".audiences", "type", "audiences must be an object.");
            reader.Skip();
            return 0;
        }
        var memberships = 0;
        var namespaces = new NameSet();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var ns = NameIfValid(ref reader, 1, 128, errors, index, ".audiences", profile is not null, json, ref namespaces) ?? "?";
            reader.Read();
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                Add(errors, ProfilePath(index) + ".audiences" + Prop(ns), "type", "An audience namespace must map to an object of audience ids.");
                reader.Skip();
                continue;
            }
            var audiences = new NameSet();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var audience = NameIfValid(ref reader, 1, 256, errors, index, ".audiences" + Prop(ns), profile is not null, json, ref audiences) ?? "?";
                reader.Read();
                ParseMembership(ref reader, index, ns, audience, errors, profile);
                memberships++;
            }
        }
        return memberships;
    }

    private static void ParseMembership(ref Utf8JsonReader reader, int index, string ns, string audience, List<ValidationError> errors, ParsedProfile? profile)
    {
        string Path() => ProfilePath(index) + ".audiences" + Prop(ns) + Prop(audience);
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            Add(errors, Path(), "type", "A membership must be an object.");
            reader.Skip();
            return;
        }
        MembershipStatus? status = null;
        long? qualified = null;
        var valid = true;
        bool sawStatus = false, sawQualifiedAt = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("status"u8))
            {
                if (Repeated(ref sawStatus))
                {
                    valid = false;
                    Add(errors, Path() + ".status", "duplicateKey", Twice);
                }
                reader.Read();
                status = reader.TokenType != JsonTokenType.String ? null
                    : reader.ValueTextEquals("realized"u8) ? MembershipStatus.Realized
                    : reader.ValueTextEquals("existing"u8) ? MembershipStatus.Existing
                    : reader.ValueTextEquals("exited"u8) ? MembershipStatus.Exited
                    : null;
                if (status is null)
                {
                    valid = false;
                    Add(errors, Path() + ".status", "enum", "status must be one of realized, existing, exited.");
                    reader.Skip();
                    status = MembershipStatus.Exited; // keep going; reported above
                }
            }
            else if (reader.ValueTextEquals("qualifiedAt"u8))
            {
                if (Repeated(ref sawQualifiedAt))
                {
                    valid = false;
                    Add(errors, Path() + ".qualifiedAt", "duplicateKey", Twice);
                }
                reader.Read();
                if (reader.TokenType == JsonTokenType.Null)
                {
                    qualified = null;
                }
                else if (reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped && TryParseTimestamp(reader.ValueSpan, out var ms))
                {
                    qualified = ms;
                }
                else
                {
                    valid = false;
                    Add(errors, Path() + ".qualifiedAt", "format",
                        "qualifiedAt must be an ISO 8601 date-time with Z, +hh:mm or +hhmm offset, or null.");
                    reader.Skip();
                }
            }
            else
            {
                valid = false;
                Add(errors, Path() + Prop(ref reader), "additionalProperties", "Unknown property.");
                reader.Read();
                reader.Skip();
            }
        }
        if (status is null)
        {
            Add(errors, Path() + ".status", "required", "status is required.");
            return;
        }
        if (valid && profile is not null)
        {
            profile.Memberships.Add(new MembershipUpdate(ns, audience, status.Value, qualified));
        }
    }

    /// <summary>Returns the number of attributes.</summary>
    private static int ParseAttributes(ReadOnlySpan<byte> json, ref Utf8JsonReader reader, int index, List<ValidationError> errors, ParsedProfile? profile)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            Add(errors, ProfilePath(index) + ".attributes", "type", "attributes must be an object.");
            reader.Skip();
            return 0;
        }
        var count = 0;
        var names = new NameSet();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            count++;
            string? name = null;
            if (reader.ValueIsEscaped && !TryDecode(ref reader, out _))
            {
                Add(errors, ProfilePath(index) + ".attributes" + Prop(ref reader), "escape", InvalidEscape);
            }
            else if (!names.Add(json, ref reader))
            {
                Add(errors, ProfilePath(index) + ".attributes" + Prop(ref reader), "duplicateKey", Twice);
            }
            else if (profile is not null)
            {
                name = Intern(ref reader);
            }
            reader.Read();
            switch (reader.TokenType)
            {
                case JsonTokenType.String when reader.ValueIsEscaped && !TryDecode(ref reader, out _):
                    Add(errors, ProfilePath(index) + ".attributes" + Prop(name ?? "?"), "escape", InvalidEscape);
                    break;
                case JsonTokenType.String:
                case JsonTokenType.Number:
                case JsonTokenType.True:
                case JsonTokenType.False:
                case JsonTokenType.Null:
                    if (name is not null)
                    {
                        // The token as JSON: a string's raw (still escaped) content between quotes is valid JSON as it is.
                        var raw = reader.TokenType switch
                        {
                            JsonTokenType.String => InternQuoted(reader.ValueSpan),
                            JsonTokenType.Null => "null",
                            JsonTokenType.True => "true",
                            JsonTokenType.False => "false",
                            _ => Encoding.UTF8.GetString(reader.ValueSpan),
                        };
                        profile!.Attributes.Add(new AttributeUpdate(name, raw));
                    }
                    break;
                default:
                    Add(errors, ProfilePath(index) + ".attributes" + Prop(name ?? "?"), "type",
                        "An attribute must be a string, number, boolean or null.");
                    reader.Skip();
                    break;
            }
        }
        return count;
    }

    internal const string InvalidEscape = "A \\u escape here is not a character: a surrogate (\\uD800-\\uDFFF) must come as a high-low pair.";

    private const string Twice = "This member appears twice in its object.";

    /// <summary>Marks a fixed member name as seen; true when it was already (a duplicate).</summary>
    private static bool Repeated(ref bool seen)
    {
        if (seen)
        {
            return true;
        }
        seen = true;
        return false;
    }

    /// <summary>The name at the reader when it is of valid length, unique in its object and decodable; null otherwise (the error is added).</summary>
    private static string? NameIfValid(ref Utf8JsonReader reader, int min, int max, List<ValidationError> errors, int index, string parent, bool materialise, ReadOnlySpan<byte> json, ref NameSet names)
    {
        var len = Length(ref reader);
        if (len < 0)
        {
            Add(errors, ProfilePath(index) + parent + Prop(ref reader), "escape", InvalidEscape);
            return null;
        }
        if (len < min || len > max)
        {
            var name = reader.GetString()!;
            var shown = len > 64 ? name[..32] + "..." : name;
            Add(errors, ProfilePath(index) + parent + Prop(shown), len < min ? "minLength" : "maxLength",
                string.Create(CultureInfo.InvariantCulture, $"A name here must be {min} to {max} characters."));
            return null;
        }
        if (!names.Add(json, ref reader))
        {
            Add(errors, ProfilePath(index) + parent + Prop(ref reader), "duplicateKey", Twice);
            return null;
        }
        return materialise ? Intern(ref reader) : "?";
    }

    /// <summary>
    /// The member names of one JSON object, to find one named twice. Names are compared as decoded text (so <c>"ab"</c>
    /// and <c>"a\u0062"</c> are the same). The first few are kept as positions in the body, in a per-thread array used
    /// as a stack (an inner object's names are finished with before its parent adds the next one), and compared by length
    /// then bytes; larger objects switch to a set of strings.
    /// </summary>
    private struct NameSet
    {
        private const int InlineCapacity = 16;

        [ThreadStatic]
        private static Entry[]? t_entries;

        [ThreadStatic]
        private static int t_top;

        private readonly int _start;
        private int _count;
        private HashSet<string>? _large;

        private readonly record struct Entry(int Start, int Length, bool Escaped);

        /// <summary>A set for the object about to be read.</summary>
        public NameSet() => _start = t_top;

        /// <summary>The names of the previous profile's objects are done with: the stack starts over.</summary>
        public static void NextProfile() => t_top = 0;

        /// <summary>Adds the property name at the reader; false when the object already has it.</summary>
        public bool Add(ReadOnlySpan<byte> json, ref Utf8JsonReader reader)
        {
            if (_large is not null)
            {
                return _large.Add(reader.GetString()!);
            }
            var entry = new Entry(checked((int)reader.TokenStartIndex + 1), reader.ValueSpan.Length, reader.ValueIsEscaped);
            var entries = t_entries ??= new Entry[4 * InlineCapacity];
            for (var i = _start; i < _start + _count; i++)
            {
                if (Equal(json, entries[i], entry))
                {
                    return false;
                }
            }
            if (_count < InlineCapacity)
            {
                if (_start + _count == entries.Length)
                {
                    Array.Resize(ref t_entries, entries.Length * 2);
                    entries = t_entries;
                }
                entries[_start + _count++] = entry;
                t_top = _start + _count;
                return true;
            }
            _large = new HashSet<string>(StringComparer.Ordinal);
            for (var i = _start; i < _start + _count; i++)
            {
                _large.Add(Text(json, entries[i]));
            }
            return _large.Add(reader.GetString()!);
        }

        private static bool Equal(ReadOnlySpan<byte> json, Entry a, Entry b) =>
            !a.Escaped && !b.Escaped
                ? a.Length == b.Length && json.Slice(a.Start, a.Length).SequenceEqual(json.Slice(b.Start, b.Length))
                : string.Equals(Text(json, a), Text(json, b), StringComparison.Ordinal);

        private static string Text(ReadOnlySpan<byte> json, Entry e) =>
            e.Escaped ? JsonSerializer.Deserialize<string>(json.Slice(e.Start - 1, e.Length + 2))! : Encoding.UTF8.GetString(json.Slice(e.Start, e.Length));
    }

    [ThreadStatic]
    private static Dictionary<string, string>? t_interned;

    /// <summary>Namespaces, audience ids, attribute names and small values repeat across profiles: decode each once per thread.</summary>
    private static string Intern(ref Utf8JsonReader reader)
    {
        if (reader.ValueIsEscaped || reader.ValueSpan.Length > 256)
        {
            return reader.GetString()!;
        }
        return InternUtf8(reader.ValueSpan, quoted: false);
    }

    private static string InternQuoted(ReadOnlySpan<byte> rawContent) =>
        rawContent.Length > 64 ? "\"" + Encoding.UTF8.GetString(rawContent) + "\"" : InternUtf8(rawContent, quoted: true);

    private static string InternUtf8(ReadOnlySpan<byte> utf8, bool quoted)
    {
        var table = t_interned ??= new Dictionary<string, string>(StringComparer.Ordinal);
        Span<char> chars = stackalloc char[utf8.Length + 2];
        var n = Encoding.UTF8.GetChars(utf8, quoted ? chars[1..] : chars);
        if (quoted)
        {
            chars[0] = '"';
            chars[n + 1] = '"';
            n += 2;
        }
        var key = chars[..n];
        var lookup = table.GetAlternateLookup<ReadOnlySpan<char>>();
        if (lookup.TryGetValue(key, out var found))
        {
            return found;
        }
        if (table.Count > 50_000)
        {
            table.Clear();
        }
        var s = key.ToString();
        table[s] = s;
        return s;
    }

    /// <summary>String length in Unicode code points, as JSON Schema counts it; -1 when an escape does not decode (a lone surrogate).</summary>
    private static int Length(ref Utf8JsonReader reader)
    {
        if (reader.ValueIsEscaped)
        {
            if (!TryDecode(ref reader, out var s))
            {
                return -1;
            }
            var n = 0;
            for (var i = 0; i < s.Length; i++)
            {
                if (!char.IsLowSurrogate(s[i]))
                {
                    n++;
                }
            }
            return n;
        }
        var span = reader.ValueSpan;
        var count = 0;
        foreach (var b in span)
        {
            if ((b & 0xC0) != 0x80)
            {
                count++;
            }
        }
        return count;
    }

    /// <summary>Decodes the string or name at the reader; false when an escape is not a character (a lone surrogate).</summary>
    private static bool TryDecode(ref Utf8JsonReader reader, out string value)
    {
        try
        {
            value = reader.GetString()!;
            return true;
        }
        catch (InvalidOperationException)
        {
            value = "";
            return false;
        }
    }

    /// <summary>The offset of the first byte that is not valid UTF-8, or -1.</summary>
    private static int FirstInvalidUtf8(ReadOnlySpan<byte> bytes)
    {
        if (System.Text.Unicode.Utf8.IsValid(bytes))
        {
            return -1;
        }
        var offset = 0;
        while (Rune.DecodeFromUtf8(bytes[offset..], out _, out var consumed) == System.Buffers.OperationStatus.Done)
        {
            offset += consumed;
        }
        return offset;
    }

    /// <summary>Parses <c>yyyy-MM-ddTHH:mm:ss[.fraction](Z|±hh:mm|±hhmm)</c> into Unix milliseconds.</summary>
    public static bool TryParseTimestamp(ReadOnlySpan<byte> s, out long unixMs)
    {
        unixMs = 0;
        if (s.Length < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') || s[13] != ':' || s[16] != ':')
        {
            return false;
        }
        if (!Digits(s, 0, 4, out var year) || !Digits(s, 5, 2, out var month) || !Digits(s, 8, 2, out var day)
            || !Digits(s, 11, 2, out var hour) || !Digits(s, 14, 2, out var minute) || !Digits(s, 17, 2, out var second))
        {
            return false;
        }
        var pos = 19;
        long fractionTicks = 0;
        if (s[pos] == '.')
        {
            pos++;
            var start = pos;
            long scale = TimeSpan.TicksPerSecond;
            while (pos < s.Length && s[pos] >= '0' && s[pos] <= '9')
            {
                scale /= 10;
                fractionTicks += (s[pos] - '0') * scale;
                pos++;
            }
            if (pos == start || pos - start > 9)
            {
                return false;
            }
        }
        if (pos >= s.Length)
        {
            return false;
        }
        int offsetMinutes;
        if ((s[pos] == 'Z' || s[pos] == 'z') && pos + 1 == s.Length)
        {
            offsetMinutes = 0;
        }
        else if (s[pos] == '+' || s[pos] == '-')
        {
            var sign = s[pos] == '-' ? -1 : 1;
            var rest = s[(pos + 1)..];
            int oh, om;
            if (rest.Length == 5 && rest[2] == ':' && Digits(rest, 0, 2, out oh) && Digits(rest, 3, 2, out om))
            {
            }
            else if (rest.Length == 4 && Digits(rest, 0, 2, out oh) && Digits(rest, 2, 2, out om))
            {
            }
            else
            {
                return false;
            }
            if (oh > 23 || om > 59)
            {
                return false;
            }
            offsetMinutes = sign * (oh * 60 + om);
        }
        else
        {
            return false;
        }
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }
        var ticks = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc).Ticks + fractionTicks - (offsetMinutes * TimeSpan.TicksPerMinute);
        if (ticks < DateTime.MinValue.Ticks || ticks > DateTime.MaxValue.Ticks)
        {
            return false; // 0001-01-01T00:00:00+01:00 is in year 0 in UTC: no date-time can hold it
        }
        unixMs = (ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerMillisecond;
        return true;
    }

    private static bool Digits(ReadOnlySpan<byte> s, int start, int count, out int value)
    {
        value = 0;
        for (var i = start; i < start + count; i++)
        {
            var c = s[i];
            if (c < '0' || c > '9')
            {
                return false;
            }
            value = (value * 10) + (c - '0');
        }
        return true;
    }

    private static void Add(List<ValidationError> errors, string path, string rule, string message)
    {
        if (errors.Count < MaxErrors)
        {
            errors.Add(new ValidationError(path, rule, message));
        }
    }

    private static string ProfilePath(int index) => string.Create(CultureInfo.InvariantCulture, $"$.profiles[{index}]");

    private static string Index(int i) => string.Create(CultureInfo.InvariantCulture, $"[{i}]");

    /// <summary>The member step of the name at the reader (an undecodable name is shown as written).</summary>
    private static string Prop(ref Utf8JsonReader reader) => Prop(TryDecode(ref reader, out var name) ? name : Encoding.UTF8.GetString(reader.ValueSpan));

    /// <summary>A JSONPath member step: <c>.name</c> for plain names, <c>['…']</c> otherwise.</summary>
    public static string Prop(string name)
    {
        if (name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] == '_') && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
        {
            return "." + name;
        }
        return "['" + name.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "']";
    }
}
