using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;

namespace DestinationKit.Ingestion.Batch;

public enum ValueKind : byte { Null, String, Number, True, False }

/// <summary>
/// Turns export rows into contract-v1 request bodies (docs/contract/profiles-v1.md), the records the streaming path
/// logs too: one profile per row, with its identities, its membership of the file's audience (status and the export
/// time as <c>qualifiedAt</c>) and its attributes. A row is collected first (its bytes copied into a scratch buffer),
/// checked against the contract's rules, and only then written, so a bad row never reaches a body.
/// </summary>
internal sealed class ProfileBodyBuilder
{
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        // Non-ASCII stays UTF-8 (the body is never embedded in HTML); the parser reads both forms.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    private readonly int _profilesPerBody;
    private readonly JsonEncodedText _audienceNamespace;
    private readonly JsonEncodedText _audienceId;
    private readonly string _qualifiedAt;
    private readonly List<JsonEncodedText> _names = [];
    private readonly Dictionary<string, int> _nameIndex = new(StringComparer.Ordinal);
    private readonly ArrayBufferWriter<byte> _body = new(1 << 18);
    private readonly Utf8JsonWriter _json;

    private byte[] _scratch = new byte[4096];
    private int _scratchUsed;
    private readonly List<(int Name, int Offset, int Length)> _identities = [];
    private readonly List<(int Name, ValueKind Kind, int Offset, int Length)> _attributes = [];
    private (int Offset, int Length)? _status;
    private int _profiles;

    public ProfileBodyBuilder(string audienceNamespace, string audienceId, DateTimeOffset exportTime, int profilesPerBody)
    {
        _profilesPerBody = profilesPerBody;
        _audienceNamespace = JsonEncodedText.Encode(audienceNamespace, WriterOptions.Encoder);
        _audienceId = JsonEncodedText.Encode(audienceId, WriterOptions.Encoder);
        _qualifiedAt = exportTime.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
        _json = new Utf8JsonWriter(_body, WriterOptions);
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
            _names.Add(JsonEncodedText.Encode(name, WriterOptions.Encoder));
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

        if (_profiles == 0)
        {
            _json.WriteStartObject();
            _json.WriteNumber("schemaVersion"u8, 1);
            _json.WriteStartArray("profiles"u8);
        }
        _json.WriteStartObject();
        _json.WriteStartObject("identities"u8);
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
            _json.WriteStartArray(_names[ns]);
            for (var j = i; j < _identities.Count; j++)
            {
                if (_identities[j].Name == ns)
                {
                    _json.WriteStringValue(Bytes(_identities[j].Offset, _identities[j].Length));
                }
            }
            _json.WriteEndArray();
        }
        _json.WriteEndObject();
        _json.WriteStartObject("audiences"u8);
        _json.WriteStartObject(_audienceNamespace);
        _json.WriteStartObject(_audienceId);
        _json.WriteString("status"u8, status);
        _json.WriteString("qualifiedAt"u8, _qualifiedAt);
        _json.WriteEndObject();
        _json.WriteEndObject();
        _json.WriteEndObject();
        if (_attributes.Count > 0)
        {
            _json.WriteStartObject("attributes"u8);
            foreach (var (name, kind, offset, length) in _attributes)
            {
                _json.WritePropertyName(_names[name]);
                switch (kind)
                {
                    case ValueKind.String:
                        _json.WriteStringValue(Bytes(offset, length));
                        break;
                    case ValueKind.Number:
                        _json.WriteRawValue(Bytes(offset, length), skipInputValidation: true);
                        break;
                    case ValueKind.True:
                        _json.WriteBooleanValue(true);
                        break;
                    case ValueKind.False:
                        _json.WriteBooleanValue(false);
                        break;
                    default:
                        _json.WriteNullValue();
                        break;
                }
            }
            _json.WriteEndObject();
        }
        _json.WriteEndObject();
        _profiles++;
        return null;
    }

    /// <summary>The finished body and its profile count, or null when it holds no profile; starts a new body.</summary>
    public (byte[] Body, int Profiles)? TakeBody()
    {
        if (_profiles == 0)
        {
            return null;
        }
        _json.WriteEndArray();
        _json.WriteEndObject();
        _json.Flush();
        var body = _body.WrittenSpan.ToArray();
        var profiles = _profiles;
        _body.ResetWrittenCount();
        _json.Reset(_body);
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
