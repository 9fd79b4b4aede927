using System.Collections.Immutable;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using CsvHelper;
using DestinationKit.Model.Spec;
using Parquet;
using Parquet.Schema;

namespace DestinationKit.Simulator.Exports;

/// <summary>
/// Writes the files AEP writes for a file-based destination (shared/AEP.md §4), so that the ingestion app's batch
/// reader can be tested, and benchmarked, against what AEP produces:
/// <list type="bullet">
/// <item>one file per audience per run, named from the destination's <c>defaultFilename</c> and append options
/// (<see cref="ExportFileNames"/>), split every <see cref="FileFormat.MaxFileRowCount"/> rows into <c>name</c>,
/// <c>name_2</c>, <c>name_3</c>, ...;</item>
/// <item>CSV as Spark writes it with AEP's <c>csvOptions</c> (through CsvHelper; <see cref="SparkCsvEncoder"/>), JSON lines
/// as Spark writes them (null fields left out), or Parquet (Parquet.Net; snappy by default, gzip or none);</item>
/// <item>gzip around CSV and JSON when <see cref="FileFormat.Compression"/> says so;</item>
/// <item>the manifest AEP writes when "Include manifest file" is on (<see cref="WriteManifestAsync"/>).</item>
/// </list>
/// Rows are streamed: memory stays constant whatever the number of profiles (a Parquet row group is buffered).
/// </summary>
public sealed class AepExportWriter
{
    /// <summary>Spark's CSV defaults, which AEP applies when the destination server sets no <c>csvOptions</c>.</summary>
    public static readonly CsvOptions SparkDefaults = new(",", "\"", "\\", true, "", "", false, "yyyy-MM-dd", "yyyy-MM-dd'T'HH:mm:ss[.SSS][XXX]");

    private const string JsonTimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.SSSXXX";

    private readonly FileFormat _format;
    private readonly CsvOptions _csv;
    private readonly ExportLayout _layout;

    public AepExportWriter(FileFormat format, ExportLayout layout)
    {
        _format = format;
        _csv = format.Csv ?? SparkDefaults;
        _layout = layout;
    }

    /// <summary>The destination's <c>defaultFilename</c> (must contain <c>%SEGMENT_ID%</c>).</summary>
    public string DefaultFilename { get; init; } = "%DESTINATION%_%SEGMENT_ID%";

    /// <summary>The file-name append options of the dataflow (AEP's default: <c>DATETIME</c>).</summary>
    public IReadOnlyList<string> AppendOptions { get; init; } = ["DATETIME"];

    /// <summary>The record separator of CSV and JSON files (Spark writes <c>\n</c>).</summary>
    public string NewLine { get; init; } = "\n";

    /// <summary>Rows of a Parquet row group.</summary>
    public int ParquetRowGroupSize { get; init; } = 100_000;

    public static AepExportWriter For(FileFormat format, BatchExportSettings batch, ExportLayout layout) =>
        new(format, layout) { DefaultFilename = batch.DefaultFilename, AppendOptions = batch.DefaultFilenameAppendOptions };

    /// <summary>Writes one audience's export into <paramref name="directory"/>; returns the files in split order.</summary>
    public async Task<AudienceExportResult> WriteAudienceAsync(
        string directory, ExportNameContext name, IEnumerable<ExportProfile> profiles, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(directory);
        var baseName = ExportFileNames.BaseName(DefaultFilename, AppendOptions, name);
        var extension = ExportFileNames.Extension(_format);
        var files = ImmutableArray.CreateBuilder<ExportedFile>();
        using var rows = profiles.GetEnumerator();
        var more = rows.MoveNext();
        var part = 1;
        // AEP writes a file even for an audience without profiles (a header only), so part 1 always exists.
        do
        {
            var fileName = ExportFileNames.PartName(baseName, part, extension);
            var path = Path.Combine(directory, fileName);
            long count;
            await using (var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16, FileOptions.Asynchronous))
            {
                (count, more) = _format.FileType switch
                {
                    FileType.Csv => await WriteCsvAsync(file, rows, more, cancellationToken).ConfigureAwait(false),
                    FileType.Json => await WriteJsonAsync(file, rows, more, cancellationToken).ConfigureAwait(false),
                    _ => await WriteParquetAsync(file, rows, more, cancellationToken).ConfigureAwait(false),
                };
            }
            files.Add(new ExportedFile(fileName, new FileInfo(path).Length, count));
            part++;
        }
        while (more);
        return new AudienceExportResult(name.SegmentId, files.ToImmutable());
    }

    /// <summary>
    /// Writes <c>manifest-&lt;destinationId&gt;-&lt;flowRunId&gt;.json</c>: <c>flowRunId</c>, <c>scheduledTime</c> (UTC) and
    /// <c>exportResults[]</c> with each file's <c>sinkPath</c>, <c>name</c> and <c>size</c> in bytes (shape per
    /// shared/AEP.md §4.4, inferred from Adobe's description).
    /// </summary>
    public static async Task<ExportedFile> WriteManifestAsync(
        string directory, string destinationId, string flowRunId, DateTimeOffset scheduledTime, string sinkPath,
        IEnumerable<ExportedFile> files, CancellationToken cancellationToken = default)
    {
        var name = ExportFileNames.ManifestName(destinationId, flowRunId);
        var path = Path.Combine(directory, name);
        await using (var stream = File.Create(path))
        await using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("flowRunId", flowRunId);
            json.WriteString("scheduledTime", scheduledTime.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
            json.WriteStartArray("exportResults");
            foreach (var f in files)
            {
                json.WriteStartObject();
                json.WriteString("sinkPath", sinkPath);
                json.WriteString("name", f.Name);
                json.WriteNumber("size", f.Size);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
            await json.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        return new ExportedFile(name, new FileInfo(path).Length, 0);
    }

    private Stream Compress(Stream file) =>
        _format.Compression == Compression.Gzip ? new GZipStream(file, CompressionLevel.Optimal, leaveOpen: true) : file;

    // ---------------------------------------------------------------- CSV

    private async Task<(long Rows, bool More)> WriteCsvAsync(Stream file, IEnumerator<ExportProfile> rows, bool more, CancellationToken ct)
    {
        var output = Compress(file);
        try
        {
            var singleSeparator = _csv.Sep.Length == 1 && _csv.Sep[0] < 128;
            var options = new CsvWriterOptions
            {
                // Fields are quoted and escaped Spark's way by SparkCsvEncoder and written as they are.
                Mode = CsvMode.NoEscape,
                Separator = singleSeparator ? _csv.Sep[0] : '\u001f',
                NewLine = NewLine,
            };
            var encoder = new SparkCsvEncoder(_csv);
            var columns = _layout.ColumnNames.ToArray();
            var fields = new string[columns.Length];
            long count = 0;
            await using (var csv = CsvWriter.Create(output, options, leaveOpen: true))
            {
                if (_csv.Header)
                {
                    for (var i = 0; i < columns.Length; i++)
                    {
                        fields[i] = encoder.Encode(columns[i]);
                    }
                    WriteRecord(csv, fields, singleSeparator);
                }
                while (more && count < _format.MaxFileRowCount)
                {
                    Fill(rows.Current, fields, encoder);
                    WriteRecord(csv, fields, singleSeparator);
                    count++;
                    more = rows.MoveNext();
                    if ((count & 1023) == 0)
                    {
                        ct.ThrowIfCancellationRequested();
                    }
                }
                await csv.FlushAsync(ct).ConfigureAwait(false);
            }
            return (count, more);
        }
        finally
        {
            if (!ReferenceEquals(output, file))
            {
                await output.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private void WriteRecord(CsvWriter csv, string[] fields, bool singleSeparator)
    {
        if (singleSeparator)
        {
            csv.WriteRecord(fields);
        }
        else
        {
            csv.WriteRecord(string.Join(_csv.Sep, fields));
        }
    }

    private void Fill(ExportProfile p, string[] fields, SparkCsvEncoder encoder)
    {
        var i = 0;
        foreach (var ns in _layout.IdentityNamespaces)
        {
            fields[i++] = encoder.Encode(p.Identities.GetValueOrDefault(ns));
        }
        if (_layout.StatusColumn is not null)
        {
            fields[i++] = encoder.Encode(p.Status);
        }
        foreach (var column in _layout.Attributes)
        {
            fields[i++] = encoder.Encode(CsvText(p.Attributes.GetValueOrDefault(column.Name)));
        }
    }

    private string? CsvText(object? value) => value switch
    {
        null => null,
        string s => s,
        bool b => b ? "true" : "false",
        DateOnly d => SparkDateFormat.Format(d, _csv.DateFormat),
        DateTimeOffset t => SparkDateFormat.Format(t, _csv.TimestampFormat),
        DateTime t => SparkDateFormat.Format(new DateTimeOffset(t.ToUniversalTime(), TimeSpan.Zero), _csv.TimestampFormat),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    // ---------------------------------------------------------------- JSON lines

    private async Task<(long Rows, bool More)> WriteJsonAsync(Stream file, IEnumerator<ExportProfile> rows, bool more, CancellationToken ct)
    {
        var output = Compress(file);
        try
        {
            var newLine = Encoding.UTF8.GetBytes(NewLine);
            var buffer = new System.Buffers.ArrayBufferWriter<byte>(1 << 16);
            // Spark escapes non-ASCII as is (UTF-8) and leaves null fields out (ignoreNullFields).
            var options = new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
            long count = 0;
            await using var json = new Utf8JsonWriter(buffer, options);
            while (more && count < _format.MaxFileRowCount)
            {
                WriteJsonRow(json, rows.Current);
                json.Flush();
                json.Reset();
                System.Buffers.BuffersExtensions.Write(buffer, newLine);
                count++;
                more = rows.MoveNext();
                if (buffer.WrittenCount > 1 << 16)
                {
                    await output.WriteAsync(buffer.WrittenMemory, ct).ConfigureAwait(false);
                    buffer.ResetWrittenCount();
                }
            }
            await output.WriteAsync(buffer.WrittenMemory, ct).ConfigureAwait(false);
            return (count, more);
        }
        finally
        {
            if (!ReferenceEquals(output, file))
            {
                await output.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private void WriteJsonRow(Utf8JsonWriter json, ExportProfile p)
    {
        json.WriteStartObject();
        foreach (var ns in _layout.IdentityNamespaces)
        {
            if (p.Identities.GetValueOrDefault(ns) is { } id)
            {
                json.WriteString(ns, id);
            }
        }
        if (_layout.StatusColumn is not null)
        {
            json.WriteString(_layout.StatusColumn, p.Status);
        }
        foreach (var column in _layout.Attributes)
        {
            switch (p.Attributes.GetValueOrDefault(column.Name))
            {
                case null:
                    break;
                case string s:
                    json.WriteString(column.Name, s);
                    break;
                case bool b:
                    json.WriteBoolean(column.Name, b);
                    break;
                case int n:
                    json.WriteNumber(column.Name, n);
                    break;
                case long n:
                    json.WriteNumber(column.Name, n);
                    break;
                case double d:
                    json.WriteNumber(column.Name, d);
                    break;
                case decimal d:
                    json.WriteNumber(column.Name, d);
                    break;
                case DateOnly d:
                    json.WriteString(column.Name, SparkDateFormat.Format(d, "yyyy-MM-dd"));
                    break;
                case DateTimeOffset t:
                    json.WriteString(column.Name, SparkDateFormat.Format(t, JsonTimestampFormat));
                    break;
                case var other:
                    json.WriteString(column.Name, Convert.ToString(other, CultureInfo.InvariantCulture));
                    break;
            }
        }
        json.WriteEndObject();
    }

    // ---------------------------------------------------------------- Parquet

    private async Task<(long Rows, bool More)> WriteParquetAsync(Stream file, IEnumerator<ExportProfile> rows, bool more, CancellationToken ct)
    {
        var identityFields = _layout.IdentityNamespaces.Select(ns => new DataField<string>(ns, nullable: true)).ToArray();
        var statusField = _layout.StatusColumn is null ? null : new DataField<string>(_layout.StatusColumn, nullable: true);
        var attributeFields = _layout.Attributes.Select(ParquetField).ToArray();
        var fields = new List<Field>(identityFields);
        if (statusField is not null)
        {
            fields.Add(statusField);
        }
        fields.AddRange(attributeFields);
        var schema = new ParquetSchema(fields);
        var options = new ParquetOptions
        {
            CompressionMethod = _format.Compression switch
            {
                Compression.None => CompressionMethod.None,
                Compression.Gzip => CompressionMethod.Gzip,
                _ => CompressionMethod.Snappy,
            },
        };
        long count = 0;
        await using var writer = await ParquetWriter.CreateAsync(schema, file, options, cancellationToken: ct).ConfigureAwait(false);
        var groupSize = Math.Max(1, Math.Min(ParquetRowGroupSize, _format.MaxFileRowCount));
        var buffer = new List<ExportProfile>(Math.Min(groupSize, 100_000));
        while (true)
        {
            buffer.Clear();
            while (more && count < _format.MaxFileRowCount && buffer.Count < groupSize)
            {
                buffer.Add(rows.Current);
                count++;
                more = rows.MoveNext();
            }
            if (buffer.Count == 0 && count > 0)
            {
                break;
            }
            using (var group = writer.CreateRowGroup())
            {
                foreach (var f in identityFields)
                {
                    await group.WriteAsync(f, buffer.Select(p => p.Identities.GetValueOrDefault(f.Name)).ToArray()!).ConfigureAwait(false);
                }
                if (statusField is not null)
                {
                    await group.WriteAsync(statusField, buffer.Select(p => p.Status).ToArray()).ConfigureAwait(false);
                }
                for (var i = 0; i < attributeFields.Length; i++)
                {
                    var column = _layout.Attributes[i];
                    await WriteParquetColumnAsync(group, attributeFields[i], column, buffer, ct).ConfigureAwait(false);
                }
                group.CompleteValidate();
            }
            if (!more || count >= _format.MaxFileRowCount)
            {
                break;
            }
        }
        return (count, more);
    }

    private static DataField ParquetField(ExportColumn column) => column.Type switch
    {
        ExportColumnType.Long => new DataField<long?>(column.Name),
        ExportColumnType.Double => new DataField<double?>(column.Name),
        ExportColumnType.Boolean => new DataField<bool?>(column.Name),
        ExportColumnType.Date => new DataField<DateOnly?>(column.Name),
        ExportColumnType.Timestamp => new DataField<DateTime?>(column.Name),
        _ => new DataField<string>(column.Name, nullable: true),
    };

    private static async Task WriteParquetColumnAsync(ParquetRowGroupWriter group, DataField field, ExportColumn column, List<ExportProfile> rows, CancellationToken ct)
    {
        object? Value(ExportProfile p) => p.Attributes.GetValueOrDefault(column.Name);
        switch (column.Type)
        {
            case ExportColumnType.Long:
                await group.WriteAsync<long>(field, rows.Select(p => Value(p) is { } v ? Convert.ToInt64(v, CultureInfo.InvariantCulture) : (long?)null).ToArray(), null, null, ct).ConfigureAwait(false);
                break;
            case ExportColumnType.Double:
                await group.WriteAsync<double>(field, rows.Select(p => Value(p) is { } v ? Convert.ToDouble(v, CultureInfo.InvariantCulture) : (double?)null).ToArray(), null, null, ct).ConfigureAwait(false);
                break;
            case ExportColumnType.Boolean:
                await group.WriteAsync<bool>(field, rows.Select(p => Value(p) is bool b ? b : (bool?)null).ToArray(), null, null, ct).ConfigureAwait(false);
                break;
            case ExportColumnType.Date:
                await group.WriteAsync<DateOnly>(field, rows.Select(p => Value(p) is DateOnly d ? d : (DateOnly?)null).ToArray(), null, null, ct).ConfigureAwait(false);
                break;
            case ExportColumnType.Timestamp:
                await group.WriteAsync<DateTime>(field, rows.Select(p => Value(p) is DateTimeOffset t ? t.UtcDateTime : (DateTime?)null).ToArray(), null, null, ct).ConfigureAwait(false);
                break;
            default:
                await group.WriteAsync(field, rows.Select(p => Value(p) is { } v ? Convert.ToString(v, CultureInfo.InvariantCulture) : null).ToArray()!).ConfigureAwait(false);
                break;
        }
    }
}
