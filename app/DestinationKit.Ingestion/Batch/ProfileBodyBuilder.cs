using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text;
using System.Text.Unicode;

namespace DestinationKit.Ingestion.Batch;

public enum ValueKind : byte { Null, String, Number, True, False }

/// <summary>
/// Turns export rows into contract-v1 request bodies (docs/contract/profiles-v1.md), the records the streaming path
/// logs too: one profile per row, with its identities, its membership of the file's audience (status and the export
/// time as <c>qualifiedAt</c>) and its attributes. A row is collected first (its bytes copied into a scratch buffer),
/// checked against the contract's rules, and only then written, so a bad row never reaches a body. The JSON is written
/// as UTF-8 directly (non-ASCII as is, only the quote, backslash and control characters escaped): the fragments that
/// repeat, names and the membership, are encoded once per file.
/// </summary>
internal sealed class ProfileBodyBuilder
{
    /// <summary>A name as a JSON string (names are few and known: System.Text.Json escapes them).</summary>
    private static string Quoted(string name) => JsonSerializer.Serialize(name, QuotedOptions);

    private static readonly JsonSerializerOptions QuotedOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly int _profilesPerBody;
    private readonly byte[] _realized;
    private readonly byte[] _existing;
    private readonly byte[] _exited;
    private readonly List<string> _names = [];
    private readonly List<byte[]> _nameBytes = [];
    private readonly Dictionary<string, int> _nameIndex = new(StringComparer.Ordinal);
    private readonly ArrayBufferWriter<byte> _body = new(1 << 18);

    private byte[] _scratch = new byte[4096];
    private int _scratchUsed;
    private readonly List<(int Name, int Offset, int Length)> _identities = [];
    private readonly List<(int Name, ValueKind Kind, int Offset, int Length)> _attributes = [];
    private (int Offset, int Length)? _status;
    private int _profiles;

    public ProfileBodyBuilder(string audienceNamespace, string audienceId, DateTimeOffset exportTime, int profilesPerBody)
    {
        _profilesPerBody = profilesPerBody;
        var qualifiedAt = exportTime.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
        byte[] Membership(string status) => Encoding.UTF8.GetBytes(
            "},\"audiences\":{" + Quoted(audienceNamespace) + ":{" + Quoted(audienceId) + ":{\"status\":\"" + status + "\",\"qualifiedAt\":\"" + qualifiedAt + "\"}}}");
        _realized = Membership("realized");
        _existing = Membership("existing");
        _exited = Membership("exited");
    }

    /// <summary>Profiles in the body being built.</summary>
    public int Profiles => _profiles;

    public bool IsFull => _profiles >= _profilesPerBody;

    /// <summary>The index of a namespace or attribute name, for <see cref="Identity"/> and <see cref="Attribute"/>.</summary>
    public int Name(string name)
    {
        if (!_nameIndex.TryGetValue(name, out var index))
        {
            index = _names.Count;
            _names.Add(name);
            _nameBytes.Add(Encoding.UTF8.GetBytes(Quoted(name)));
            _nameIndex[name] = index;
        }
        return index;
    }

    public void BeginRow()
    {
        _scratchUsed = 0;
        _identities.Clear();
        _attributes.Clear();
        _status = null;
    }

    /// <summary>An identity id (UTF-8); empty ids are ignored (the profile has none in that namespace).</summary>
    public void Identity(int ns, ReadOnlySpan<byte> id)
    {
        if (!id.IsEmpty)
        {
            _identities.Add((ns, Copy(id), id.Length));
        }
    }

    public void Status(ReadOnlySpan<byte> status) => _status = (Copy(status), status.Length);

    /// <summary>An attribute: a string (UTF-8), a JSON number token, true, false or null.</summary>
    public void Attribute(int name, ValueKind kind, ReadOnlySpan<byte> value) =>
        _attributes.Add((name, kind, kind is ValueKind.String or ValueKind.Number ? Copy(value) : 0, value.Length));

    private int Copy(ReadOnlySpan<byte> value)
    {
        if (_scratchUsed + value.Length > _scratch.Length)
        {
            Array.Resize(ref _scratch, Math.Max(_scratch.Length * 2, _scratchUsed + value.Length));
        }
        var offset = _scratchUsed;
        value.CopyTo(_scratch.AsSpan(offset));
        _scratchUsed += value.Length;
        return offset;
    }

    private ReadOnlySpan<byte> Bytes(int offset, int length) => _scratch.AsSpan(offset, length);

    /// <summary>Checks the row and writes it as a profile; returns why it was rejected, or null.</summary>
    public string? EndRow()
    {
        if (_identities.Count == 0)
        {
            return "no identity: every identity column is empty";
        }
        foreach (var (name, offset, length) in _identities)
        {
            var id = Bytes(offset, length);
            if (!Utf8.IsValid(id))
            {
                return $"identity {_names[name]} is not valid UTF-8";
            }
            var chars = CodePoints(id);
            if (chars > 1024)
            {
                return $"identity {_names[name]} has {chars} characters; the contract allows 1 to 1024";
            }
        }
        var status = "realized"u8;
        if (_status is { } st && st.Length > 0)
        {
            var s = Bytes(st.Offset, st.Length);
            if (s.SequenceEqual("realized"u8) || s.SequenceEqual("existing"u8) || s.SequenceEqual("exited"u8))
            {
                status = s;
            }
            else
            {
                return "status '" + Truncate(s) + "' is not realized, existing or exited";
            }
        }
        foreach (var (name, kind, offset, length) in _attributes)
        {
            if (kind == ValueKind.String && !Utf8.IsValid(Bytes(offset, length)))
            {
                return $"attribute {_names[name]} is not valid UTF-8";
            }
        }

        // The profile, written as UTF-8 directly: the fragments that repeat are encoded once.
        Append(_profiles == 0 ? "{\"schemaVersion\":1,\"profiles\":[{\"identities\":{"u8 : ",{\"identities\":{"u8);
        for (var i = 0; i < _identities.Count; i++)
        {
            var ns = _identities[i].Name;
            var seen = false;
            for (var j = 0; j < i && !seen; j++)
            {
                seen = _identities[j].Name == ns;
            }
            if (seen)
            {
                continue;
            }
            if (i > 0)
            {
                Append(","u8);
            }
            Append(_nameBytes[ns]);
            Append(":["u8);
            var first = true;
            for (var j = i; j < _identities.Count; j++)
            {
                if (_identities[j].Name == ns)
                {
                    if (!first)
                    {
                        Append(","u8);
                    }
                    first = false;
                    AppendString(Bytes(_identities[j].Offset, _identities[j].Length));
                }
            }
            Append("]"u8);
        }
        Append(status.SequenceEqual("exited"u8) ? _exited : status.SequenceEqual("existing"u8) ? _existing : _realized);
        if (_attributes.Count > 0)
        {
            Append(",\"attributes\":{"u8);
            for (var a = 0; a < _attributes.Count; a++)
            {
                var (name, kind, offset, length) = _attributes[a];
                if (a > 0)
                {
                    Append(","u8);
                }
                Append(_nameBytes[name]);
                Append(":"u8);
                switch (kind)
                {
                    case ValueKind.String:
                        AppendString(Bytes(offset, length));
                        break;
                    case ValueKind.Number:
                        Append(Bytes(offset, length));
                        break;
                    case ValueKind.True:
                        Append("true"u8);
                        break;
                    case ValueKind.False:
                        Append("false"u8);
                        break;
                    default:
                        Append("null"u8);
                        break;
                }
            }
            Append("}"u8);
        }
        Append("}"u8);
        _profiles++;
        return null;
    }

    private static readonly SearchValues<byte> NeedsEscape = SearchValues.Create(
        [.. Enumerable.Range(0, 0x20).Select(b => (byte)b), (byte)'"', (byte)'\\']);

    private void Append(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(_body.GetSpan(bytes.Length));
        _body.Advance(bytes.Length);
    }

    /// <summary>A JSON string: quotes, and escapes for the quote, the backslash and control characters (the text is valid UTF-8).</summary>
    private void AppendString(ReadOnlySpan<byte> utf8)
    {
        var span = _body.GetSpan(utf8.Length * 6 + 2);
        span[0] = (byte)'"';
        var w = 1;
        while (true)
        {
            var k = utf8.IndexOfAny(NeedsEscape);
            if (k < 0)
            {
                utf8.CopyTo(span[w..]);
                w += utf8.Length;
                break;
            }
            utf8[..k].CopyTo(span[w..]);
            w += k;
            var c = utf8[k];
            span[w++] = (byte)'\\';
            switch (c)
            {
                case (byte)'"' or (byte)'\\':
                    span[w++] = c;
                    break;
                case (byte)'\n':
                    span[w++] = (byte)'n';
                    break;
                case (byte)'\r':
                    span[w++] = (byte)'r';
                    break;
                case (byte)'\t':
                    span[w++] = (byte)'t';
                    break;
                default:
                    span[w++] = (byte)'u';
                    span[w++] = (byte)'0';
                    span[w++] = (byte)'0';
                    span[w++] = (byte)"0123456789abcdef"[c >> 4];
                    span[w++] = (byte)"0123456789abcdef"[c & 15];
                    break;
            }
            utf8 = utf8[(k + 1)..];
        }
        span[w++] = (byte)'"';
        _body.Advance(w);
    }

    /// <summary>The finished body and its profile count, or null when it holds no profile; starts a new body.</summary>
    public (byte[] Body, int Profiles)? TakeBody()
    {
        if (_profiles == 0)
        {
            return null;
        }
        Append("]}"u8);
        var body = _body.WrittenSpan.ToArray();
        var profiles = _profiles;
        _body.ResetWrittenCount();
        _profiles = 0;
        return (body, profiles);
    }

    private static int CodePoints(ReadOnlySpan<byte> utf8)
    {
        var n = 0;
        foreach (var b in utf8)
        {
            if ((b & 0xC0) != 0x80)
            {
                n++;
            }
        }
        return n;
    }

    private static string Truncate(ReadOnlySpan<byte> s) =>
        System.Text.Encoding.UTF8.GetString(s.Length > 64 ? s[..64] : s);
}
