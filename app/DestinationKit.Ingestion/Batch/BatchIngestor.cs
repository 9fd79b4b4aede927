using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json;
using DestinationKit.Ingestion.Batch.Stores;
using DestinationKit.Ingestion.Storage;

namespace DestinationKit.Ingestion.Batch;

public enum FileStatus
{
    /// <summary>Read and stored now (some rows may have been quarantined).</summary>
    Ingested,

    /// <summary>Already ingested in this version: nothing was read.</summary>
    Skipped,

    /// <summary>Cannot be read: reported, left in place, and not read again until it changes (or <see cref="BatchOptions.RetryFailed"/>).</summary>
    Failed,

    /// <summary>Not ready yet: not in a manifest, its size differs from the manifest's, or it is too recent.</summary>
    Waiting,
}

public sealed record FileReport(
    string Path,
    FileStatus Status,
    string? AudienceId,
    DateTimeOffset? ExportTime,
    long Rows,
    long Quarantined,
    string? Message,
    IReadOnlyList<QuarantinedRow> QuarantineSample,
    long Bytes,
    TimeSpan Elapsed);

public sealed record BatchRunReport(string Location, IReadOnlyList<FileReport> Files, TimeSpan Elapsed)
{
    public long Rows => Files.Sum(f => f.Rows);
    public long Quarantined => Files.Sum(f => f.Quarantined);
    public int Count(FileStatus status) => Files.Count(f => f.Status == status);
}

/// <summary>Progress of the file being read: rows stored so far and compressed bytes read of its size.</summary>
public sealed record BatchProgress(string Path, int FileIndex, int FileCount, long Rows, long Quarantined, long BytesRead, long FileSize, TimeSpan Elapsed);

/// <summary>
/// Ingests AEP's exports from a landing location into the app's request log as contract-v1 records (the same log the
/// streaming path appends to, so the queryable state covers both). Files are read as streams, in constant memory,
/// in export-time order (split parts in order); each is remembered in the <see cref="BatchLedger"/> with its size and
/// version, so running again adds nothing and an overwritten file is read again. Bad rows are quarantined with file
/// and row; a file that cannot be read is reported and left where it is (nothing is ever deleted).
/// Usable as a library (a cloud function triggered by an object-created event can call <see cref="IngestAsync"/>).
/// </summary>
public sealed partial class BatchIngestor(IRequestLog log, BatchLedger ledger, ILogger? logger = null)
{
    private readonly ILogger _logger = logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    private sealed record ManifestEntry(string Name, long Size, DateTimeOffset? ScheduledTime, string Manifest);

    private sealed record Candidate(LandingFile File, ExportFileName Name, DateTimeOffset? ManifestTime);

    public async Task<BatchRunReport> IngestAsync(ILandingStore store, BatchOptions options, IProgress<BatchProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        var location = store.Location;
        var reports = new List<FileReport>();
        var files = new List<LandingFile>();
        await foreach (var f in store.ListAsync(cancellationToken).ConfigureAwait(false))
        {
            if (options.PathPrefix is null || f.Path.StartsWith(options.PathPrefix.Trim('/') + "/", StringComparison.Ordinal))
            {
                files.Add(f);
            }
        }

        var manifests = new Dictionary<string, ManifestEntry>(StringComparer.Ordinal);
        var sawManifest = false;
        if (options.Manifest != ManifestMode.Ignore)
        {
            foreach (var m in files.Where(f => ExportFileName.IsManifest(f.Path)))
            {
                sawManifest = true;
                try
                {
                    foreach (var entry in await ReadManifestAsync(store, m, cancellationToken).ConfigureAwait(false))
                    {
                        manifests[entry.Name] = entry;
                    }
                }
                catch (Exception ex) when (ex is JsonException or IOException or BatchFileException)
                {
                    reports.Add(new FileReport(m.Path, FileStatus.Failed, null, null, 0, 0, "manifest cannot be read: " + ex.Message, [], 0, TimeSpan.Zero));
                }
            }
        }
        var gateOnManifest = options.Manifest == ManifestMode.Require || (options.Manifest == ManifestMode.Auto && sawManifest);

        var seen = ledger.Load(location);
        var ready = new List<Candidate>();
        var now = DateTimeOffset.UtcNow;
        foreach (var f in files)
        {
            var name = ExportFileName.TryParse(f.Path, options.AudiencePattern);
            if (name is null)
            {
                continue; // not an export file (manifests, other files)
            }
            if (options.FileType is { } forced)
            {
                name = name with { FileType = forced };
            }
            var fileName = f.Path[(f.Path.LastIndexOf('/') + 1)..];
            ManifestEntry? listed = null;
            if (gateOnManifest && !manifests.TryGetValue(fileName, out listed))
            {
                reports.Add(Report(f, name, FileStatus.Waiting, "not listed in any manifest yet (the export run is not complete)"));
                continue;
            }
            if (seen.TryGetValue(f.Path, out var before) && before.Size == f.Size && before.Version == f.Version)
            {
                if (before.Outcome == FileOutcome.Ingested)
                {
                    reports.Add(Report(f, name, FileStatus.Skipped, "already ingested") with { Rows = 0 });
                    continue;
                }
                if (!options.RetryFailed)
                {
                    reports.Add(Report(f, name, FileStatus.Failed, "unchanged since it failed: " + before.Error));
                    continue;
                }
            }
            if (listed is not null && listed.Size != f.Size)
            {
                reports.Add(Report(f, name, FileStatus.Waiting,
                    $"its size ({f.Size} bytes) differs from the {listed.Size} bytes that manifest {listed.Manifest} lists"));
                continue;
            }
            if (options.MinFileAge > TimeSpan.Zero && now - f.LastModified < options.MinFileAge)
            {
                reports.Add(Report(f, name, FileStatus.Waiting, "modified less than " + options.MinFileAge + " ago"));
                continue;
            }
            ready.Add(new Candidate(f, name, listed?.ScheduledTime));
        }

        // Oldest export first, so that a later export's memberships and attributes win; split parts in order.
        ready.Sort((a, b) =>
        {
            var c = (a.Name.ExportTime ?? a.ManifestTime ?? a.File.LastModified).CompareTo(b.Name.ExportTime ?? b.ManifestTime ?? b.File.LastModified);
            if (c == 0)
            {
                c = string.CompareOrdinal(a.Name.BaseName, b.Name.BaseName);
            }
            return c != 0 ? c : a.Name.Part.CompareTo(b.Name.Part);
        });
        for (var i = 0; i < ready.Count; i++)
        {
            reports.Add(await IngestFileAsync(store, location, ready[i], options, i, ready.Count, progress, cancellationToken).ConfigureAwait(false));
        }
        return new BatchRunReport(location, reports, clock.Elapsed);
    }

    private static FileReport Report(LandingFile f, ExportFileName name, FileStatus status, string message) =>
        new(f.Path, status, name.AudienceId, name.ExportTime, 0, 0, message, [], f.Size, TimeSpan.Zero);

    private static async Task<List<ManifestEntry>> ReadManifestAsync(ILandingStore store, LandingFile manifest, CancellationToken ct)
    {
        if (manifest.Size > 64 << 20)
        {
            throw new BatchFileException($"the manifest is {manifest.Size} bytes, more than a manifest can be");
        }
        await using var stream = await store.OpenReadAsync(manifest, ct).ConfigureAwait(false);
        using var doc = await JsonDocument.ParseAsync(stream, cancellationToken: ct).ConfigureAwait(false);
        var root = doc.RootElement;
        DateTimeOffset? scheduled = root.TryGetProperty("scheduledTime", out var st) && st.ValueKind == JsonValueKind.String
            && DateTimeOffset.TryParse(st.GetString(), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var t) ? t : null;
        var list = new List<ManifestEntry>();
        if (root.TryGetProperty("exportResults", out var results) && results.ValueKind == JsonValueKind.Array)
        {
            foreach (var r in results.EnumerateArray())
            {
                if (r.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String)
                {
                    var size = r.TryGetProperty("size", out var s) && s.TryGetInt64(out var v) ? v : -1;
                    var name = n.GetString()!;
                    list.Add(new ManifestEntry(name[(name.LastIndexOf('/') + 1)..], size, scheduled, manifest.Path));
                }
            }
        }
        return list;
    }

    private async Task<FileReport> IngestFileAsync(ILandingStore store, string location, Candidate candidate, BatchOptions options,
        int index, int count, IProgress<BatchProgress>? progress, CancellationToken ct)
    {
        var (file, name, manifestTime) = candidate;
        var clock = Stopwatch.StartNew();
        var started = DateTimeOffset.UtcNow;
        var audience = options.AudienceId ?? name.AudienceId;
        var exportTime = name.ExportTime ?? manifestTime ?? file.LastModified;
        if (audience is null)
        {
            const string message = "the file name has no audience id (%SEGMENT_ID%, an AEP audience UUID) in its name or folders; give --audience-id or --audience-pattern";
            ledger.Finish(location, file, options.Tenant, null, exportTime, FileOutcome.Failed, 0, 0, message, started);
            return new FileReport(file.Path, FileStatus.Failed, null, exportTime, 0, 0, message, [], file.Size, clock.Elapsed);
        }
        ledger.BeginFile(location, file.Path);
        var builder = new ProfileBodyBuilder(options.AudienceNamespace, audience, exportTime, options.ProfilesPerRecord);
        var appender = new LogAppender(log, options.Tenant, options.MaxAppendsInFlight);
        CountingStream? counting = null;
        FileIngestion? state = null;
        void Report() => progress?.Report(new BatchProgress(file.Path, index, count, state?.Rows ?? 0, state?.Quarantined ?? 0,
            counting?.BytesRead ?? 0, file.Size, clock.Elapsed));
        state = new FileIngestion(options, file.Path, builder, appender, ledger, location, file.Version) { Progress = _ => Report() };
        try
        {
            counting = new CountingStream(await store.OpenReadAsync(file, ct).ConfigureAwait(false));
            await using (counting.ConfigureAwait(false))
            {
                Stream input = counting;
                var gzip = name.Gzip;
                if (!gzip)
                {
                    // AEP's compressed files end in .gz, but sniff the magic number anyway.
                    var head = new byte[2];
                    var n = await input.ReadAtLeastAsync(head, 2, throwOnEndOfStream: false, ct).ConfigureAwait(false);
                    gzip = n == 2 && head[0] == 0x1f && head[1] == 0x8b && name.FileType != ExportFileType.Parquet;
                    input = new PrefixedStream(head, n, input);
                    name = name with { Gzip = gzip };
                }
                CountingStream? inflated = null;
                if (gzip)
                {
                    input = inflated = new CountingStream(new GZipStream(input, CompressionMode.Decompress));
                }
                if (name.FileType != ExportFileType.Parquet)
                {
                    // Reading and decompressing run ahead on another thread while this one parses.
                    input = new ReadAheadStream(input);
                }
                await using (input.ConfigureAwait(false))
                {
                    switch (name.FileType)
                    {
                        case ExportFileType.Csv:
                            await CsvExportReader.ReadAsync(input, state, ct).ConfigureAwait(false);
                            break;
                        case ExportFileType.Json:
                            await JsonExportReader.ReadAsync(input, state, ct).ConfigureAwait(false);
                            break;
                        default:
                            await ReadParquetAsync(input, state, ct).ConfigureAwait(false);
                            break;
                    }
                    if (inflated is not null)
                    {
                        CheckGzipTrailer(counting, inflated);
                    }
                }
            }
            await state.CompleteAsync(ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (Unreadable(ex, file, name, counting, state) is { } message)
        {
            // Rows already handed over stay: they are valid rows, and reading the file again (once it is fixed) is idempotent.
            try
            {
                await appender.DrainAsync().ConfigureAwait(false);
            }
            catch (StoreUnavailableException)
            {
                throw;
            }
            state.FlushQuarantine();
            ledger.Finish(location, file, options.Tenant, audience, exportTime, FileOutcome.Failed, state.Rows, state.Quarantined, message, started);
            LogFileFailed(_logger, location, file.Path, message);
            return new FileReport(file.Path, FileStatus.Failed, audience, exportTime, state.Rows, state.Quarantined, message, state.Sample, file.Size, clock.Elapsed);
        }
        ledger.Finish(location, file, options.Tenant, audience, exportTime, FileOutcome.Ingested, state.Rows, state.Quarantined, null, started);
        Report();
        LogFileIngested(_logger, location, file.Path, state.Rows, state.Quarantined, clock.Elapsed.TotalSeconds);
        return new FileReport(file.Path, FileStatus.Ingested, audience, exportTime, state.Rows, state.Quarantined,
            state.Quarantined > 0 ? $"{state.Quarantined} rows quarantined" : null, state.Sample, file.Size, clock.Elapsed);
    }

    /// <summary>
    /// .NET's GZipStream ends quietly when the compressed data stops before the gzip trailer; the trailer's ISIZE (the
    /// uncompressed size modulo 2^32, the last 4 bytes) tells a complete file from a truncated one.
    /// </summary>
    private static void CheckGzipTrailer(CountingStream compressed, CountingStream inflated)
    {
        var tail = compressed.Tail;
        if (tail.Length < 8 || System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(tail[4..]) != (uint)inflated.BytesRead)
        {
            throw new InvalidDataException(
                $"the gzip data ends before its trailer: {inflated.BytesRead} bytes were decompressed, the trailer's size does not match (truncated file?)");
        }
    }

    /// <summary>Parquet needs to seek (its footer is at the end): a stream that cannot is spooled to a temporary file first, never to memory.</summary>
    private static async Task ReadParquetAsync(Stream input, FileIngestion state, CancellationToken ct)
    {
        if (input is PrefixedStream { Rest: CountingStream { Inner: FileStream { CanSeek: true } local } } && local.Position == 2)
        {
            local.Position = 0;
            await ParquetExportReader.ReadAsync(local, state, ct).ConfigureAwait(false);
            return;
        }
        var temp = Path.Combine(Path.GetTempPath(), "dk-batch-" + Guid.NewGuid().ToString("N") + ".parquet");
        var spool = new FileStream(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        await using (spool.ConfigureAwait(false))
        {
            await input.CopyToAsync(spool, 1 << 16, ct).ConfigureAwait(false);
            spool.Position = 0;
            await ParquetExportReader.ReadAsync(spool, state, ct).ConfigureAwait(false);
        }
    }

    /// <summary>The report line for an exception that makes the file unreadable; null for exceptions that are not about the file.</summary>
    private static string? Unreadable(Exception ex, LandingFile file, ExportFileName name, CountingStream? counting, FileIngestion state)
    {
        if (ex is StoreUnavailableException or OperationCanceledException)
        {
            return null;
        }
        var at = counting is null ? "" : $" at byte {counting.BytesRead} of {file.Size}";
        var rows = state.Rows > 0 ? $"; {state.Rows} rows before it were stored" : "";
        return ex switch
        {
            InvalidDataException when name.Gzip =>
                $"corrupt gzip data{at} ({ex.Message}){rows}",
            EndOfStreamException or InvalidDataException => $"truncated or corrupt data{at} ({ex.Message}){rows}",
            BatchFileException => ex.Message + rows,
            CsvHelper.CsvFormatException csv => $"unreadable CSV at record {csv.RecordNumber}{(csv.LineNumber > 0 ? $", line {csv.LineNumber}" : "")}: {csv.Message}{rows}",
            IOException when ex.Message.Contains("not a Parquet file", StringComparison.OrdinalIgnoreCase) || name.FileType == ExportFileType.Parquet =>
                $"not a readable Parquet file: {ex.Message}{rows}",
            IOException => $"read error{at}: {ex.Message}{rows}",
            Azure.RequestFailedException { Status: 412 } or Amazon.S3.AmazonS3Exception { StatusCode: System.Net.HttpStatusCode.PreconditionFailed } =>
                $"the file changed while it was read; it will be read again{rows}",
            Azure.RequestFailedException or Amazon.S3.AmazonS3Exception or Renci.SshNet.Common.SshException or Google.GoogleApiException =>
                $"the store refused the read: {ex.GetType().Name}: {ex.Message}{rows}",
            _ when name.FileType == ExportFileType.Parquet => $"not a readable Parquet file: {ex.GetType().Name}: {ex.Message}{rows}",
            _ => null,
        };
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Batch file {Location}{Path} not ingested: {Message}")]
    private static partial void LogFileFailed(ILogger logger, string location, string path, string message);

    [LoggerMessage(Level = LogLevel.Information, Message = "Batch file {Location}{Path}: {Rows} rows ingested, {Quarantined} quarantined in {Seconds:F1} s")]
    private static partial void LogFileIngested(ILogger logger, string location, string path, long rows, long quarantined, double seconds);
}
