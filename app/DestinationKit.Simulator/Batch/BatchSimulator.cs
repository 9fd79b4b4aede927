using System.Diagnostics;
using System.Text.Json.Nodes;
using DestinationKit.Model.Spec;
using DestinationKit.Simulator.Batch.Stores;
using DestinationKit.Simulator.Exports;
using DestinationKit.Simulator.Profiles;
using DestinationKit.Simulator.Terminal;

namespace DestinationKit.Simulator.Batch;

/// <summary>What a <c>simulate batch</c> run writes; unset values come from the destination's configuration.</summary>
public sealed record BatchRunOptions
{
    public int Profiles { get; init; } = 1000;
    public int Audiences { get; init; } = 3;
    public int Seed { get; init; } = 1;

    /// <summary>Marks this run's profile and audience ids (default: random).</summary>
    public string? RunId { get; init; }

    /// <summary>The export's scheduled time (<c>DATETIME</c>/<c>TIMESTAMP</c> macros, manifest); default: now, to the second.</summary>
    public DateTimeOffset? ExportTime { get; init; }

    /// <summary><see cref="BatchDestination.FullExport"/> or <see cref="BatchDestination.IncrementalExport"/>; default: the destination's.</summary>
    public string? ExportMode { get; init; }

    public FileType? FileType { get; init; }
    public Compression? Compression { get; init; }
    public int? MaxFileRowCount { get; init; }
    public IReadOnlyList<string>? AppendOptions { get; init; }

    /// <summary>The identity columns (namespaces); default: the destination's identity namespaces, else <c>email</c>.</summary>
    public IReadOnlyList<string>? IdentityColumns { get; init; }

    /// <summary>Write AEP's manifest file after the exports ("Include manifest file").</summary>
    public bool Manifest { get; init; }

    public string SandboxName { get; init; } = "prod";
    public string OrganizationName { get; init; } = "Simulated Org";
    public string? CustomText { get; init; }
}

/// <summary>The settings a run used, after <see cref="BatchRunOptions"/> were applied to the destination's.</summary>
public sealed record BatchPlan(
    FileFormat Format,
    string DefaultFilename,
    IReadOnlyList<string> AppendOptions,
    string ExportMode,
    IReadOnlyList<string> IdentityColumns,
    IReadOnlyList<string> AttributeColumns,
    DateTimeOffset ExportTime,
    string RunId,
    string FlowRunId,
    string DestinationInstanceId)
{
    public bool Incremental => ExportMode == BatchDestination.IncrementalExport;
}

/// <summary>
/// Plays AEP's file export (shared/AEP.md §4): generates the run's profiles (<see cref="ProfileGenerator"/>, the same
/// generator as the streaming simulation), and for each audience writes the profiles that qualify (full export), or
/// also those that exited (incremental), as one file split at the row limit, in the destination's format and names,
/// uploads the files into the landing store, then the manifest. Profiles are regenerated for each audience rather
/// than held, so memory stays flat however many are asked for; files are written to a temporary folder first and
/// deleted once uploaded.
/// </summary>
public sealed class BatchSimulator(BatchDestination destination, IExportStore store)
{
    public async Task<BatchResult> RunAsync(BatchRunOptions options, ProgressDisplay progress, CancellationToken cancellationToken)
    {
        var plan = Plan(destination, options);
        var audiences = ProfileGenerator.Audiences(options.Audiences, plan.RunId);
        var layout = new ExportLayout([.. plan.IdentityColumns], [.. plan.AttributeColumns.Select(c => new ExportColumn(c))]);
        var writer = new AepExportWriter(plan.Format, layout) { DefaultFilename = plan.DefaultFilename, AppendOptions = plan.AppendOptions };
        var exports = new List<AudienceExport>();
        ExportedFile? manifest = null;
        string? error = null;
        var clock = Stopwatch.StartNew();
        var temp = Directory.CreateTempSubdirectory("dk-simulate-batch-");
        try
        {
            for (var i = 0; i < audiences.Count; i++)
            {
                var audience = audiences[i];
                var label = $"audience {i + 1}/{audiences.Count}";
                var generating = progress.Start(label, options.Profiles, "profiles");
                var counts = new StatusCounts();
                var folder = temp.CreateSubdirectory(i.ToString(System.Globalization.CultureInfo.InvariantCulture)).FullName;
                var name = new ExportNameContext(destination.Name, audience.Id, plan.ExportTime)
                {
                    SegmentName = audience.Name,
                    DestinationInstanceId = plan.DestinationInstanceId,
                    DestinationInstanceName = destination.Name,
                    OrganizationName = options.OrganizationName,
                    SandboxName = options.SandboxName,
                    CustomText = options.CustomText,
                };
                var written = await writer.WriteAudienceAsync(folder, name, Rows(plan, options, audiences, audience, counts, generating), cancellationToken).ConfigureAwait(false);
                generating.Complete($"{written.Rows:N0} rows, {written.Files.Length} file{(written.Files.Length == 1 ? "" : "s")}");

                var export = new AudienceExport(audience, written.Files, counts.Realized, counts.Exited);
                exports.Add(export);
                error = await UploadAsync(folder, written.Files, $"{label} upload", progress, cancellationToken).ConfigureAwait(false);
                if (error is not null) break;
            }
            if (error is null && options.Manifest)
            {
                var files = exports.SelectMany(e => e.Files).ToList();
                manifest = await AepExportWriter.WriteManifestAsync(temp.FullName, plan.DestinationInstanceId, plan.FlowRunId, plan.ExportTime,
                    store.Location, files, cancellationToken).ConfigureAwait(false);
                error = await UploadAsync(temp.FullName, [manifest], "manifest upload", progress, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            await progress.StopAsync().ConfigureAwait(false);
            temp.Delete(recursive: true);
        }
        return new BatchResult
        {
            Destination = destination.Name,
            ServerType = destination.ServerType,
            Location = store.Location,
            Plan = plan,
            ProfilesGenerated = options.Profiles,
            Audiences = exports,
            Manifest = manifest,
            Error = error,
            Duration = clock.Elapsed,
        };
    }

    /// <summary>The destination's settings with the run's overrides, checked together (a file type overridden to CSV
    /// gets Spark's CSV defaults; snappy stays inside Parquet).</summary>
    public static BatchPlan Plan(BatchDestination destination, BatchRunOptions options)
    {
        if (options.Profiles < 0) throw new InvalidDataException("--profiles must be 0 or more");
        if (options.Audiences < 1) throw new InvalidDataException("--audiences must be at least 1");
        var format = destination.Format;
        if (options.FileType is { } fileType && fileType != format.FileType)
        {
            // The destination's compression where it applies to the new type (snappy only inside Parquet).
            var compression = format.Compression == Compression.Snappy && fileType != FileType.Parquet ? Compression.None : format.Compression;
            format = format with { FileType = fileType, Compression = compression, Csv = fileType == FileType.Csv ? format.Csv ?? AepExportWriter.SparkDefaults : null };
        }
        if (options.Compression is { } c)
        {
            if (c == Compression.Snappy && format.FileType != FileType.Parquet)
            {
                throw new InvalidDataException($"--compression snappy applies only inside parquet files; for {format.FileType.ToString().ToLowerInvariant()} use none or gzip");
            }
            format = format with { Compression = c };
        }
        if (options.MaxFileRowCount is { } max)
        {
            if (max < 1) throw new InvalidDataException("--max-rows must be at least 1");
            format = format with { MaxFileRowCount = max };
        }
        var mode = options.ExportMode ?? destination.DefaultExportMode;
        if (mode is not (BatchDestination.FullExport or BatchDestination.IncrementalExport))
        {
            throw new InvalidDataException($"export mode {mode}: expected {BatchDestination.FullExport} or {BatchDestination.IncrementalExport}");
        }
        var append = options.AppendOptions ?? destination.DefaultAppendOptions;
        var unknown = append.Where(a => !ExportFileNames.AppendOrder.Contains(a)).ToList();
        if (unknown.Count > 0)
        {
            throw new InvalidDataException($"file name append option {string.Join(", ", unknown)} is not AEP's; allowed: {string.Join(", ", ExportFileNames.AppendOrder)}");
        }
        if (append.Contains("DATETIME") && append.Contains("TIMESTAMP"))
        {
            throw new InvalidDataException("file name append options DATETIME and TIMESTAMP exclude each other (AEP allows one)");
        }
        if (!destination.DefaultFilename.Contains("%SEGMENT_ID%", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"defaultFilename \"{destination.DefaultFilename}\" has no %SEGMENT_ID%: files of different audiences would overwrite each other");
        }
        IReadOnlyList<string> identities = options.IdentityColumns is { Count: > 0 } given ? given
            : destination.IdentityNamespaces.Count > 0 ? destination.IdentityNamespaces : ["email"];
        var runId = options.RunId ?? Guid.NewGuid().ToString("N")[..8];
        var time = options.ExportTime ?? DateTimeOffset.UtcNow;
        time = new DateTimeOffset(time.UtcTicks - time.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
        return new BatchPlan(format, destination.DefaultFilename, append, mode, identities, destination.ProfileFields, time, runId,
            ProfileGenerator.DeterministicGuid($"{runId}/flow-run/{time.ToUnixTimeSeconds()}"), ProfileGenerator.DeterministicGuid($"{runId}/destination-instance"));
    }

    /// <summary>
    /// The rows of one audience's file: every generated profile whose membership of the audience is realized or existing
    /// (status <c>realized</c>: a file export knows no "existing"), and in an incremental export also those that exited
    /// (<c>exited</c>). One row per profile; an identity column holds the profile's first id in that namespace.
    /// </summary>
    public static IEnumerable<ExportProfile> Rows(BatchPlan plan, BatchRunOptions options, IReadOnlyList<SampleAudience> audiences, SampleAudience audience,
        StatusCounts counts, IProgressTask? progress)
    {
        var generator = new ProfileGenerator(options.Seed, plan.RunId);
        for (var i = 0; i < options.Profiles; i++)
        {
            var profile = generator.Next(i, plan.IdentityColumns, audiences, plan.AttributeColumns, plan.ExportTime);
            progress?.Increment(1);
            var status = (string?)profile["segmentMembership"]?[audience.Namespace]?[audience.Id]?["status"];
            var row = status switch
            {
                "realized" or "existing" => "realized",
                "exited" when plan.Incremental => "exited",
                _ => null,
            };
            if (row is null) continue;
            if (row == "realized") counts.Realized++;
            else counts.Exited++;
            var identities = plan.IdentityColumns.ToDictionary(ns => ns,
                ns => (string?)(profile["identityMap"]![ns] as JsonArray)?[0]?["id"], StringComparer.Ordinal);
            var attributes = plan.AttributeColumns.ToDictionary(name => name,
                name => (object?)(string?)profile["attributes"]?[name]?["value"], StringComparer.Ordinal);
            yield return new ExportProfile(identities, row, attributes);
        }
    }

    /// <summary>Uploads files in order; the first failure ends the run (returned as a message holding no secret).</summary>
    private async Task<string?> UploadAsync(string folder, IReadOnlyList<ExportedFile> files, string label, ProgressDisplay progress, CancellationToken cancellationToken)
    {
        var task = progress.Start(label, files.Sum(f => f.Size), ProgressDisplay.Bytes);
        long done = 0;
        foreach (var file in files)
        {
            var before = done;
            try
            {
                await store.UploadAsync(Path.Combine(folder, file.Name), file.Name, new Reporter<long>(sent => task.Value = before + sent), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (StoreErrors.IsStoreError(e))
            {
                task.Complete("failed");
                return $"uploading {file.Name} to {store.Location} failed: {StoreErrors.Describe(e)}";
            }
            done += file.Size;
            task.Value = done;
        }
        task.Complete($"{files.Count} file{(files.Count == 1 ? "" : "s")}");
        return null;
    }

    /// <summary>Rows by status written for one audience.</summary>
    public sealed class StatusCounts
    {
        public long Realized { get; set; }
        public long Exited { get; set; }
    }
}
