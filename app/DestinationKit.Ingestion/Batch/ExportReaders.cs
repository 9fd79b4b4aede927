using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json;
using CsvHelper;
using DestinationKit.Ingestion.Storage;
using Parquet;
using Parquet.Schema;

namespace DestinationKit.Ingestion.Batch;

internal enum RoleKind : byte { Ignore, Identity, Status, Attribute }

internal readonly record struct ColumnRole(RoleKind Kind, int Name, ColumnType Type);

/// <summary>Hands bodies to the request log, a few at a time, retrying while the log says it is overloaded (429).</summary>
internal sealed class LogAppender(IRequestLog log, string tenant, int maxInFlight)
{
    private readonly Queue<Task<long>> _inFlight = new();

    public long Records { get; private set; }

    public async ValueTask AppendAsync(byte[] body, CancellationToken ct)
    {
        while (_inFlight.Count >= maxInFlight)
        {
            await _inFlight.Dequeue().ConfigureAwait(false);
        }
        _inFlight.Enqueue(AppendWithRetryAsync(body, ct));
        Records++;
    }

    private async Task<long> AppendWithRetryAsync(byte[] body, CancellationToken ct)
    {
        var delay = 20;
        while (true)
        {
            try
            {
                return await log.AppendAsync(tenant, body, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), ct).ConfigureAwait(false);
            }
            catch (StoreOverloadedException)
            {
                // The queryable state is behind: wait for it (backpressure), as AEP would on a 429.
                await Task.Delay(delay, ct).ConfigureAwait(false);
                delay = Math.Min(delay * 2, 2000);
            }
        }
    }

    /// <summary>Completes when every body handed over is durable.</summary>
    public async Task DrainAsync()
    {
        while (_inFlight.Count > 0)
        {
            await _inFlight.Dequeue().ConfigureAwait(false);
        }
    }
}

/// <summary>The state of one file being read: counts, quarantined rows, the body builder and the appender.</summary>
internal sealed class FileIngestion(BatchOptions options, string path, ProfileBodyBuilder builder, LogAppender appender, BatchLedger ledger, string location, string version)
{
    public const int SampleSize = 20;

    public BatchOptions Options { get; } = options;
    public string Path { get; } = path;
    public ProfileBodyBuilder Builder { get; } = builder;
    public long Rows { get; private set; }
    public long Quarantined { get; private set; }
    public List<QuarantinedRow> Sample { get; } = [];
    public Action<long>? Progress { get; init; }

    private readonly List<QuarantinedRow> _pending = [];
    private long _stored;
    private readonly Dictionary<string, ColumnRole> _roles = new(StringComparer.Ordinal);

    public ColumnRole Role(string column)
    {
        if (_roles.TryGetValue(column, out var role))
        {
            return role;
        }
        var identity = Options.IdentityColumns.FirstOrDefault(c => string.Equals(c, column, StringComparison.OrdinalIgnoreCase));
        if (identity is not null)
        {
            role = new ColumnRole(RoleKind.Identity, Builder.Name(identity), ColumnType.String);
        }
        else if (string.Equals(column, Options.StatusColumn, StringComparison.OrdinalIgnoreCase))
        {
            role = new ColumnRole(RoleKind.Status, 0, ColumnType.String);
        }
        else
        {
            var type = Options.ColumnTypes.FirstOrDefault(t => string.Equals(t.Key, column, StringComparison.OrdinalIgnoreCase)).Value;
            role = new ColumnRole(RoleKind.Attribute, Builder.Name(column), type);
        }
        _roles[column] = role;
        return role;
    }

    public async ValueTask RowDoneAsync(string? error, long row, long line, string? raw, CancellationToken ct)
    {
        if (error is null)
        {
            Rows++;
            if (Builder.IsFull)
            {
                await appender.AppendAsync(Builder.TakeBody()!.Value.Body, ct).ConfigureAwait(false);
            }
            if (Rows % Options.ProgressEveryRows == 0)
            {
                Progress?.Invoke(Rows);
            }
            return;
        }
        Quarantine(row, line, error, raw);
    }

    public void Quarantine(long row, long line, string reason, string? raw)
    {
        Quarantined++;
        var q = new QuarantinedRow(Path, row, line, reason, raw is { Length: > 2048 } ? raw[..2048] + "..." : raw);
        if (Sample.Count < SampleSize)
        {
            Sample.Add(q);
        }
        if (_stored < Options.MaxQuarantinedRowsStored)
        {
            _pending.Add(q);
            _stored++;
            if (_pending.Count >= 1000)
            {
                FlushQuarantine();
            }
        }
    }

    public void FlushQuarantine()
    {
        ledger.AddQuarantined(location, version, _pending);
        _pending.Clear();
    }

    public async Task CompleteAsync(CancellationToken ct)
    {
        if (Builder.TakeBody() is { } last)
        {
            await appender.AppendAsync(last.Body, ct).ConfigureAwait(false);
        }
        await appender.DrainAsync().ConfigureAwait(false);
        FlushQuarantine();
    }
}

/// <summary>Reads AEP's CSV through CsvHelper with the destination's Spark-style options.</summary>
internal static class CsvExportReader
{
    public static async Task ReadAsync(Stream input, FileIngestion file, CancellationToken ct)
    {
        var o = file.Options.Csv;
        var sep = Encoding.UTF8.GetBytes(o.Sep);
        var quoting = o.Quote != '\0';
        if (quoting && o.Escape != o.Quote)
        {
            input = new SparkQuoteStream(input, (byte)o.Quote, (byte)o.Escape, sep);
        }
        long returned = 0, skipped = 0;
        var options = new CsvReaderOptions
        {
            HasHeader = o.Header,
            Mode = quoting ? CsvMode.Rfc4180 : CsvMode.NoEscape,
            Quote = quoting ? o.Quote : '"',
            AllowLineBreaksInQuotes = true,
            SkipEmptyLines = true,
            TrackLineNumbers = true,
            MalformedData = CsvMalformedDataHandling.Skip,
            FieldCountMismatch = CsvFieldCountHandling.Skip,
            OnMalformedRecord = m =>
            {
                if (m.Skipped)
                {
                    skipped++;
                    file.Quarantine(returned + skipped, m.LineNumber, Describe(m.Reason), m.RawRecord);
                }
            },
        };
        if (sep.Length == 1 && sep[0] < 128)
        {
            options = options with { Separator = (char)sep[0] };
        }
        else
        {
            input = new CsvSeparatorStream(input, o.Sep, CsvSeparatorStream.DefaultReplacement, false);
        }
        await using var reader = CsvReader.Create(input, options, leaveOpen: false);
        await reader.ReadHeaderAsync(ct).ConfigureAwait(false);
        var names = o.Header ? reader.Headers.ToArray() : file.Options.Columns?.ToArray()
            ?? throw new BatchFileException("the CSV files have no header row (header=false): give the column names (--columns)");
        var roles = names.Select(file.Role).ToArray();
        RequireIdentityColumn(names, roles, file.Options);

        var nullRaw = Encoding.UTF8.GetBytes(o.NullValue);
        var emptyRaw = Encoding.UTF8.GetBytes(o.EmptyValue);
        var checkRawUpTo = Math.Max(nullRaw.Length, emptyRaw.Length);
        var dateParser = new SparkDateParser(o.DateFormat);
        var timestampParser = new SparkDateParser(o.TimestampFormat);
        var converted = new byte[64];
        var builder = file.Builder;
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            returned++;
            var row = returned + skipped;
            builder.BeginRow();
            string? error = null;
            var count = Math.Min(reader.FieldCount, roles.Length);
            for (var i = 0; i < count && error is null; i++)
            {
                var role = roles[i];
                var value = reader.GetSpan(i);
                var isNull = false;
                if (value.Length <= checkRawUpTo)
                {
                    var raw = reader.GetRawSpan(i);
                    if (raw.SequenceEqual(nullRaw))
                    {
                        isNull = true;
                    }
                    else if (raw.SequenceEqual(emptyRaw))
                    {
                        value = default;
                    }
                }
                switch (role.Kind)
                {
                    case RoleKind.Identity:
                        if (!isNull)
                        {
                            builder.Identity(role.Name, value);
                        }
                        break;
                    case RoleKind.Status:
                        builder.Status(isNull ? default : value);
                        break;
                    case RoleKind.Attribute:
                        if (isNull)
                        {
                            builder.Attribute(role.Name, ValueKind.Null, default);
                        }
                        else if (role.Type == ColumnType.String)
                        {
                            builder.Attribute(role.Name, ValueKind.String, value);
                        }
                        else
                        {
                            error = Typed(builder, role, names[i], value, converted, dateParser, timestampParser);
                        }
                        break;
                }
            }
            error ??= builder.EndRow();
            await file.RowDoneAsync(error, row, reader.LineNumber, error is null ? null : Encoding.UTF8.GetString(reader.RawRecord), ct).ConfigureAwait(false);
        }
    }

    internal static void RequireIdentityColumn(IReadOnlyList<string> names, ColumnRole[] roles, BatchOptions options)
    {
        if (!roles.Any(r => r.Kind == RoleKind.Identity))
        {
            throw new BatchFileException(
                $"none of the identity columns ({string.Join(", ", options.IdentityColumns)}) is among the file's columns ({string.Join(", ", names.Take(50))})");
        }
    }

    /// <summary>Converts the text of a typed column; returns an error for text that is not of the type.</summary>
    internal static string? Typed(ProfileBodyBuilder builder, ColumnRole role, string column, ReadOnlySpan<byte> value, Span<byte> scratch,
        SparkDateParser dates, SparkDateParser timestamps)
    {
        if (value.IsEmpty)
        {
            builder.Attribute(role.Name, ValueKind.Null, default);
            return null;
        }
        switch (role.Type)
        {
            case ColumnType.Number:
                if (IsJsonNumber(value))
                {
                    builder.Attribute(role.Name, ValueKind.Number, value);
                    return null;
                }
                if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d))
                {
                    // Spark writes numbers in JSON's grammar; other forms (+1, .5, 1.) are normalised.
                    d.TryFormat(scratch, out var n, "R", CultureInfo.InvariantCulture);
                    builder.Attribute(role.Name, ValueKind.Number, scratch[..n]);
                    return null;
                }
                return $"column {column}: '{Text(value)}' is not a number";
            case ColumnType.Boolean:
                if (Ascii.EqualsIgnoreCase(value, "true"u8))
                {
                    builder.Attribute(role.Name, ValueKind.True, default);
                    return null;
                }
                if (Ascii.EqualsIgnoreCase(value, "false"u8))
                {
                    builder.Attribute(role.Name, ValueKind.False, default);
                    return null;
                }
                return $"column {column}: '{Text(value)}' is not a boolean";
            default:
                {
                    var parser = role.Type == ColumnType.Date ? dates : timestamps;
                    Span<char> chars = stackalloc char[Math.Min(value.Length, 128)];
                    if (value.Length > 128 || !Encoding.UTF8.TryGetChars(value, chars, out var len) || !parser.TryParse(chars[..len], out var t))
                    {
                        return $"column {column}: '{Text(value)}' does not match the {(role.Type == ColumnType.Date ? "dateFormat" : "timestampFormat")} '{parser.Pattern}'";
                    }
                    var text = role.Type == ColumnType.Date
                        ? t.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
                        : t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
                    builder.Attribute(role.Name, ValueKind.String, Encoding.UTF8.GetBytes(text));
                    return null;
                }
        }
    }

    /// <summary>Whether the text is a number as JSON writes one: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?</summary>
    internal static bool IsJsonNumber(ReadOnlySpan<byte> s)
    {
        var i = 0;
        if (i < s.Length && s[i] == '-')
        {
            i++;
        }
        if (i >= s.Length || !char.IsAsciiDigit((char)s[i]) || (s[i] == '0' && i + 1 < s.Length && char.IsAsciiDigit((char)s[i + 1])))
        {
            return false;
        }
        while (i < s.Length && char.IsAsciiDigit((char)s[i]))
        {
            i++;
        }
        if (i < s.Length && s[i] == '.')
        {
            i++;
            var start = i;
            while (i < s.Length && char.IsAsciiDigit((char)s[i]))
            {
                i++;
            }
            if (i == start)
            {
                return false;
            }
        }
        if (i < s.Length && (s[i] == 'e' || s[i] == 'E'))
        {
            i++;
            if (i < s.Length && (s[i] == '+' || s[i] == '-'))
            {
                i++;
            }
            var start = i;
            while (i < s.Length && char.IsAsciiDigit((char)s[i]))
            {
                i++;
            }
            if (i == start)
            {
                return false;
            }
        }
        return i == s.Length;
    }

    private static string Text(ReadOnlySpan<byte> value) => Encoding.UTF8.GetString(value.Length > 64 ? value[..64] : value);

    private static string Describe(CsvMalformedReason reason) => reason switch
    {
        CsvMalformedReason.StrayQuote => "malformed CSV: a quote inside an unquoted value",
        CsvMalformedReason.TextAfterClosingQuote => "malformed CSV: text after the closing quote of a value",
        CsvMalformedReason.UnterminatedQuote => "malformed CSV: a quoted value is never closed",
        CsvMalformedReason.LineBreakInQuotes => "malformed CSV: a line break inside quotes",
        CsvMalformedReason.FieldCountMismatch => "wrong number of fields (the header has a different count)",
        _ => "malformed CSV: " + reason,
    };
}

/// <summary>Reads JSON lines (Spark's JSON writer: one object per line, null fields left out); nested objects are flattened with dots.</summary>
internal static class JsonExportReader
{
    public static async Task ReadAsync(Stream input, FileIngestion file, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
        try
        {
            int start = 0, end = 0;
            long line = 0;
            var eof = false;
            var identitySeen = false;
            while (true)
            {
                var nl = buffer.AsSpan(start, end - start).IndexOf((byte)'\n');
                if (nl < 0 && !eof)
                {
                    if (start > 0)
                    {
                        Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                        end -= start;
                        start = 0;
                    }
                    if (end == buffer.Length)
                    {
                        var bigger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                        Buffer.BlockCopy(buffer, 0, bigger, 0, end);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = bigger;
                    }
                    var n = await input.ReadAsync(buffer.AsMemory(end), ct).ConfigureAwait(false);
                    eof = n == 0;
                    end += n;
                    continue;
                }
                var lineEnd = nl < 0 ? end : start + nl;
                var text = buffer.AsMemory(start, lineEnd - start);
                if (text.Length > 0 && text.Span[^1] == '\r')
                {
                    text = text[..^1];
                }
                line++;
                if (!IsBlank(text.Span))
                {
                    var error = Row(text.Span, file, ref identitySeen);
                    await file.RowDoneAsync(error, line, line, error is null ? null : Encoding.UTF8.GetString(text.Span), ct).ConfigureAwait(false);
                }
                if (nl < 0)
                {
                    break;
                }
                start = lineEnd + 1;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static bool IsBlank(ReadOnlySpan<byte> s) => s.IndexOfAnyExcept(" \t\r"u8) < 0;

    [ThreadStatic]
    private static byte[]? t_unescaped;

    private static string? Row(ReadOnlySpan<byte> json, FileIngestion file, ref bool identitySeen)
    {
        var builder = file.Builder;
        builder.BeginRow();
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 16 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return "not a JSON object";
            }
            var error = Object(ref reader, file, "", ref identitySeen);
            if (error is null && reader.Read())
            {
                return "unexpected data after the JSON object";
            }
            return error ?? builder.EndRow();
        }
        catch (JsonException ex)
        {
            return "not valid JSON: " + ex.Message;
        }
    }

    private static string? Object(ref Utf8JsonReader reader, FileIngestion file, string prefix, ref bool identitySeen)
    {
        var builder = file.Builder;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = prefix + reader.GetString();
            reader.Read();
            if (reader.TokenType == JsonTokenType.StartObject)
            {
                var nested = Object(ref reader, file, name + ".", ref identitySeen);
                if (nested is not null)
                {
                    return nested;
                }
                continue;
            }
            var role = file.Role(name);
            switch (role.Kind)
            {
                case RoleKind.Identity:
                    identitySeen = true;
                    if (reader.TokenType == JsonTokenType.StartArray)
                    {
                        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                        {
                            if (reader.TokenType != JsonTokenType.String)
                            {
                                return $"identity {name}: ids must be strings";
                            }
                            builder.Identity(role.Name, Unescaped(ref reader));
                        }
                    }
                    else if (reader.TokenType == JsonTokenType.String)
                    {
                        builder.Identity(role.Name, Unescaped(ref reader));
                    }
                    else if (reader.TokenType == JsonTokenType.Number)
                    {
                        builder.Identity(role.Name, reader.ValueSpan);
                    }
                    else if (reader.TokenType != JsonTokenType.Null)
                    {
                        return $"identity {name}: an id must be a string";
                    }
                    break;
                case RoleKind.Status:
                    if (reader.TokenType == JsonTokenType.String)
                    {
                        builder.Status(Unescaped(ref reader));
                    }
                    else if (reader.TokenType != JsonTokenType.Null)
                    {
                        return $"{name} must be a string";
                    }
                    break;
                default:
                    switch (reader.TokenType)
                    {
                        case JsonTokenType.String:
                            builder.Attribute(role.Name, ValueKind.String, Unescaped(ref reader));
                            break;
                        case JsonTokenType.Number:
                            builder.Attribute(role.Name, ValueKind.Number, reader.ValueSpan);
                            break;
                        case JsonTokenType.True:
                            builder.Attribute(role.Name, ValueKind.True, default);
                            break;
                        case JsonTokenType.False:
                            builder.Attribute(role.Name, ValueKind.False, default);
                            break;
                        case JsonTokenType.Null:
                            builder.Attribute(role.Name, ValueKind.Null, default);
                            break;
                        default:
                            return $"attribute {name} is an array; AEP exports no arrays except identities";
                    }
                    break;
            }
        }
        return null;
    }

    private static ReadOnlySpan<byte> Unescaped(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped)
        {
            return reader.ValueSpan;
        }
        var buffer = t_unescaped;
        if (buffer is null || buffer.Length < reader.ValueSpan.Length)
        {
            t_unescaped = buffer = new byte[Math.Max(4096, reader.ValueSpan.Length)];
        }
        var n = reader.CopyString(buffer);
        return buffer.AsSpan(0, n);
    }
}

/// <summary>Reads Parquet (Parquet.Net) row group by row group: memory is bounded by the largest row group.</summary>
internal static class ParquetExportReader
{
    public static async Task ReadAsync(Stream seekable, FileIngestion file, CancellationToken ct)
    {
        await using var reader = await ParquetReader.CreateAsync(seekable, new ParquetOptions { UseDateOnlyTypeForDates = true }, leaveStreamOpen: true, cancellationToken: ct).ConfigureAwait(false);
        var fields = reader.Schema.GetDataFields();
        var names = fields.Select(f => f.Path.ToString()).ToArray();
        var roles = names.Select(file.Role).ToArray();
        CsvExportReader.RequireIdentityColumn(names, roles, file.Options);
        long rowBase = 0;
        var scratch = new byte[64];
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            var rows = (int)group.RowCount;
            var columns = new Array[fields.Length];
            for (var c = 0; c < fields.Length; c++)
            {
                if (roles[c].Kind != RoleKind.Ignore)
                {
                    columns[c] = await ReadColumnAsync(group, fields[c], rows, ct).ConfigureAwait(false);
                }
            }
            for (var r = 0; r < rows; r++)
            {
                var error = Row(file, fields, roles, columns, r, scratch);
                var rowNumber = rowBase + r + 1;
                await file.RowDoneAsync(error, rowNumber, 0, error is null ? null : Describe(names, columns, r), ct).ConfigureAwait(false);
            }
            rowBase += rows;
        }
    }

    private static async Task<Array> ReadColumnAsync(ParquetRowGroupReader group, DataField field, int rows, CancellationToken ct)
    {
        if (field.IsArray)
        {
            throw new BatchFileException($"column {field.Path} is a list; AEP exports no arrays except identities");
        }
        var t = field.ClrType;
        // Parquet.Net describes BYTE_ARRAY/UTF8 columns as ReadOnlyMemory<char>; they read as strings.
        if (t == typeof(string) || t == typeof(ReadOnlyMemory<char>) || t == typeof(ReadOnlyMemory<byte>) || t == typeof(byte[]))
        {
            var values = new string?[rows];
            await group.ReadAsync(field, values.AsMemory(), null, ct).ConfigureAwait(false);
            return values;
        }
        if (t == typeof(long)) return await Nullable<long>(group, field, rows, ct).ConfigureAwait(false);
        if (t == typeof(int)) return await Nullable<int>(group, field, rows, ct).ConfigureAwait(false);
        if (t == typeof(short)) return await Nullable<short>(group, field, rows, ct).ConfigureAwait(false);
        if (t == typeof(double)) return await Nullable<double>(group, field, rows, ct).ConfigureAwait(false);
        if (t == typeof(float)) return await Nullable<float>(group, field, rows, ct).ConfigureAwait(false);
        if (t == typeof(decimal)) return await Nullable<decimal>(group, field, rows, ct).ConfigureAwait(false);
        if (t == typeof(bool)) return await Nullable<bool>(group, field, rows, ct).ConfigureAwait(false);
        if (t == typeof(DateTime)) return await Nullable<DateTime>(group, field, rows, ct).ConfigureAwait(false);
        if (t == typeof(DateOnly)) return await Nullable<DateOnly>(group, field, rows, ct).ConfigureAwait(false);
        throw new BatchFileException($"column {field.Path} has type {t.Name}, which the reader does not support");
    }

    private static async Task<T?[]> Nullable<T>(ParquetRowGroupReader group, DataField field, int rows, CancellationToken ct) where T : struct
    {
        var values = new T?[rows];
        await group.ReadAsync<T>(field, values.AsMemory(), null, ct).ConfigureAwait(false);
        return values;
    }

    private static string? Row(FileIngestion file, DataField[] fields, ColumnRole[] roles, Array[] columns, int r, Span<byte> scratch)
    {
        var builder = file.Builder;
        builder.BeginRow();
        for (var c = 0; c < fields.Length; c++)
        {
            var role = roles[c];
            var value = columns[c]?.GetValue(r);
            switch (role.Kind)
            {
                case RoleKind.Identity:
                    if (value is not null)
                    {
                        builder.Identity(role.Name, Encoding.UTF8.GetBytes(Convert.ToString(value, CultureInfo.InvariantCulture)!));
                    }
                    break;
                case RoleKind.Status:
                    builder.Status(value is string status ? Encoding.UTF8.GetBytes(status) : default);
                    break;
                case RoleKind.Attribute:
                    switch (value)
                    {
                        case null:
                            builder.Attribute(role.Name, ValueKind.Null, default);
                            break;
                        case string s:
                            builder.Attribute(role.Name, ValueKind.String, Encoding.UTF8.GetBytes(s));
                            break;
                        case bool b:
                            builder.Attribute(role.Name, b ? ValueKind.True : ValueKind.False, default);
                            break;
                        case DateTime dt:
                            builder.Attribute(role.Name, ValueKind.String, Encoding.UTF8.GetBytes(
                                DateTime.SpecifyKind(dt, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)));
                            break;
                        case DateOnly d:
                            builder.Attribute(role.Name, ValueKind.String, Encoding.UTF8.GetBytes(d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
                            break;
                        case double or float when !double.IsFinite(Convert.ToDouble(value, CultureInfo.InvariantCulture)):
                            builder.Attribute(role.Name, ValueKind.Null, default);
                            break;
                        case IUtf8SpanFormattable f:
                            f.TryFormat(scratch, out var n, default, CultureInfo.InvariantCulture);
                            builder.Attribute(role.Name, ValueKind.Number, scratch[..n]);
                            break;
                        default:
                            builder.Attribute(role.Name, ValueKind.String, Encoding.UTF8.GetBytes(Convert.ToString(value, CultureInfo.InvariantCulture)!));
                            break;
                    }
                    break;
            }
        }
        return builder.EndRow();
    }

    private static string Describe(string[] names, Array[] columns, int r) =>
        string.Join(", ", names.Select((n, c) => $"{n}={columns[c]?.GetValue(r) ?? "null"}"));
}

/// <summary>A file that cannot be read as an export (the message says why); it is reported and left in place.</summary>
public sealed class BatchFileException(string message, Exception? inner = null) : Exception(message, inner);
