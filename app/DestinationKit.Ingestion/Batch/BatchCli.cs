using System.Globalization;
using System.Text.RegularExpressions;
using DestinationKit.Ingestion.Batch.Stores;
using DestinationKit.Ingestion.Storage;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Options;

namespace DestinationKit.Ingestion.Batch;

/// <summary>
/// <c>dotnet run -- batch ingest --source s3://bucket/prefix --tenant acme --identity-columns email</c> (once, over what
/// is there now), <c>batch watch ... --interval 60</c> (polling) and <c>batch status</c>. The commands open the app's
/// data folder themselves: run them where no server uses the same data folder (its log has one writer).
/// </summary>
public static class BatchCli
{
    public const string Usage = """
        Usage:
          batch ingest --source <uri> --tenant <id> --identity-columns <ns,...> [options]
          batch watch  --source <uri> --tenant <id> --identity-columns <ns,...> [--interval <seconds>] [options]
          batch status [--source <uri>] [--quarantine]

        Sources: s3://bucket/prefix, azblob://container/prefix, abfss://fs@account.dfs.core.windows.net/path,
          https://account.blob.core.windows.net/container?<SAS> (Data Landing Zone), sftp://user@host:port/path,
          gs://bucket/prefix, file:///path or a folder.
        Files: --format csv|json|parquet (default: by extension), --sep <s>, --quote <c>, --escape <c>, --header true|false,
          --null-value <text>, --empty-value <text>, --date-format <pattern>, --timestamp-format <pattern>,
          --columns a,b,c (no header), --column-types name=number|boolean|date|timestamp,...
        Columns: --status-column <name> (segmentMembership.status), --audience-namespace <ns> (ups),
          --audience-id <id> or --audience-pattern <regex with (?<audience>...)> when names carry no %SEGMENT_ID%.
        Runs: --manifest auto|require|ignore, --prefix <folder>, --min-age <seconds>, --retry-failed,
          --profiles-per-record <n>, --data-dir <folder>.
        Stores: --s3-endpoint, --s3-region, --s3-access-key, --s3-secret-key; --azure-connection-string;
          --sftp-key-file, --sftp-password, --sftp-host-key SHA256:...; --gcs-endpoint.
        """;

    public static bool IsCommand(string[] args) => args.Length > 0 && args[0] == "batch";

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        if (args.Length < 2 || args[1] is "help" or "--help")
        {
            output.WriteLine(Usage);
            return args.Length < 2 ? 2 : 0;
        }
        Dictionary<string, string> o;
        try
        {
            o = ParseOptions(args.AsSpan(2));
        }
        catch (ArgumentException ex)
        {
            error.WriteLine(ex.Message);
            return 2;
        }
        var config = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .Build();
        var ingestion = config.GetSection(IngestionOptions.Section).Get<IngestionOptions>() ?? new IngestionOptions();
        var contentRoot = config["contentRoot"] ?? Directory.GetCurrentDirectory();
        if (o.TryGetValue("data-dir", out var dataDir))
        {
            ingestion.DataDirectory = dataDir;
        }
        if (config[$"{IngestionOptions.Section}:{nameof(IngestionOptions.ApplyBatchMaxRequests)}"] is null)
        {
            // A batch record carries 250 profiles, far more than a typical streaming request: applying 40 records a
            // transaction keeps the state builder's memory near that of the server's default.
            ingestion.ApplyBatchMaxRequests = 40;
        }
        var dataDirectory = SqliteStore.ResolveDataDirectory(ingestion.DataDirectory, contentRoot);
        var ledger = BatchLedger.InDataDirectory(dataDirectory);

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            cts.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            switch (args[1])
            {
                case "status":
                    return Status(ledger, o, output);
                case "ingest" or "watch":
                    break;
                default:
                    error.WriteLine($"Unknown batch command '{args[1]}'.");
                    error.WriteLine(Usage);
                    return 2;
            }
            BatchOptions options;
            LandingStoreSettings settings;
            string source;
            try
            {
                (source, options, settings) = Parse(o);
            }
            catch (Exception ex) when (ex is ArgumentException or FormatException or RegexParseException)
            {
                error.WriteLine(ex.Message);
                return 2;
            }
            using var loggerFactory = LoggerFactory.Create(b => b.AddSimpleConsole(c => c.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
            var environment = new HostingEnvironment { ContentRootPath = contentRoot, EnvironmentName = "Production", ApplicationName = "DestinationKit.Ingestion" };
            var store = new SqliteStore(Options.Create(ingestion), environment, loggerFactory.CreateLogger<SqliteStore>());
            await store.StartAsync(cts.Token).ConfigureAwait(false);
            try
            {
                await using var landing = LandingStores.Open(source, settings);
                var ingestor = new BatchIngestor(store, ledger, loggerFactory.CreateLogger<BatchIngestor>());
                var interval = TimeSpan.FromSeconds(double.Parse(o.GetValueOrDefault("interval", "60"), CultureInfo.InvariantCulture));
                var status = 0;
                while (true)
                {
                    BatchRunReport report;
                    try
                    {
                        report = await ingestor.IngestAsync(landing, options, new ConsoleProgress(error), cts.Token).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (args[1] == "watch" && IsTransient(ex))
                    {
                        // The landing store or the network is down: try again at the next interval.
                        error.WriteLine($"batch watch: {ex.GetType().Name}: {ex.Message}; trying again in {interval.TotalSeconds:F0} s");
                        await Task.Delay(interval, cts.Token).ConfigureAwait(false);
                        continue;
                    }
                    Print(report, output);
                    var applied = System.Diagnostics.Stopwatch.StartNew();
                    await store.WaitForAppliedAsync(store.GetFreshness().DurableSequence, TimeSpan.FromMinutes(30)).ConfigureAwait(false);
                    if (report.Rows > 0)
                    {
                        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"queryable state caught up {applied.Elapsed.TotalSeconds:F1} s after the last file"));
                    }
                    status = report.Count(FileStatus.Failed) > 0 ? 1 : 0;
                    if (args[1] == "ingest")
                    {
                        return status;
                    }
                    await Task.Delay(interval, cts.Token).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (cts.IsCancellationRequested)
            {
                return 0;
            }
            catch (Exception ex) when (ex is StoreUnavailableException || IsTransient(ex))
            {
                error.WriteLine($"batch {args[1]} stopped: {ex.GetType().Name}: {ex.Message}");
                return 1;
            }
            finally
            {
                await store.StopAsync(CancellationToken.None).ConfigureAwait(false);
                store.Dispose();
            }
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    /// <summary>Errors of the landing store or the network (not of a file: those are reported per file).</summary>
    private static bool IsTransient(Exception ex) => ex is Amazon.Runtime.AmazonServiceException or Amazon.Runtime.AmazonClientException
        or Azure.RequestFailedException or Renci.SshNet.Common.SshException or Google.GoogleApiException or IOException
        or HttpRequestException or System.Net.Sockets.SocketException or TimeoutException;

    internal static (string Source, BatchOptions Options, LandingStoreSettings Settings) Parse(Dictionary<string, string> o)
    {
        string Required(string key) => o.TryGetValue(key, out var v) && v.Length > 0 ? v : throw new ArgumentException($"--{key} is required.\n{Usage}");
        static string[] List(string v) => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        char Char(string key, char fallback)
        {
            if (!o.TryGetValue(key, out var v))
            {
                return fallback;
            }
            v = v is "\\u0000" or "\\0" ? "\0" : v;
            return v.Length == 1 && v[0] < 128 ? v[0] : throw new ArgumentException($"--{key} must be one ASCII character (\\u0000 for none); got '{v}'.");
        }
        var csv = new CsvReadOptions
        {
            Sep = o.GetValueOrDefault("sep", ",") is { Length: > 0 } s ? s.Replace("\\t", "\t", StringComparison.Ordinal) : throw new ArgumentException("--sep must not be empty."),
            Quote = Char("quote", '"'),
            Escape = Char("escape", '\\'),
            Header = !o.TryGetValue("header", out var header) || bool.Parse(header),
            NullValue = o.GetValueOrDefault("null-value", ""),
            EmptyValue = o.GetValueOrDefault("empty-value", ""),
            DateFormat = o.GetValueOrDefault("date-format", "yyyy-MM-dd"),
            TimestampFormat = o.GetValueOrDefault("timestamp-format", "yyyy-MM-dd'T'HH:mm:ss[.SSS][XXX]"),
        };
        var types = new Dictionary<string, ColumnType>(StringComparer.OrdinalIgnoreCase);
        foreach (var pair in List(o.GetValueOrDefault("column-types", "")))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || !Enum.TryParse<ColumnType>(pair[(eq + 1)..], ignoreCase: true, out var type))
            {
                throw new ArgumentException($"--column-types: '{pair}' is not name=number|boolean|date|timestamp|string.");
            }
            types[pair[..eq]] = type;
        }
        var options = new BatchOptions
        {
            Tenant = Required("tenant"),
            IdentityColumns = List(Required("identity-columns")),
            StatusColumn = o.GetValueOrDefault("status-column", "segmentMembership.status"),
            AudienceNamespace = o.GetValueOrDefault("audience-namespace", "ups"),
            AudienceId = o.GetValueOrDefault("audience-id"),
            AudiencePattern = o.TryGetValue("audience-pattern", out var pattern) ? new Regex(pattern, RegexOptions.None, TimeSpan.FromSeconds(1)) : null,
            FileType = o.TryGetValue("format", out var format) ? Enum.Parse<ExportFileType>(format, ignoreCase: true) : null,
            Csv = csv,
            Columns = o.TryGetValue("columns", out var columns) ? List(columns) : null,
            ColumnTypes = types,
            Manifest = o.TryGetValue("manifest", out var manifest) ? Enum.Parse<ManifestMode>(manifest, ignoreCase: true) : ManifestMode.Auto,
            PathPrefix = o.GetValueOrDefault("prefix"),
            MinFileAge = TimeSpan.FromSeconds(double.Parse(o.GetValueOrDefault("min-age", "0"), CultureInfo.InvariantCulture)),
            RetryFailed = o.ContainsKey("retry-failed"),
            ProfilesPerRecord = int.Parse(o.GetValueOrDefault("profiles-per-record", "250"), CultureInfo.InvariantCulture),
        };
        var settings = new LandingStoreSettings
        {
            S3Endpoint = o.GetValueOrDefault("s3-endpoint"),
            S3Region = o.GetValueOrDefault("s3-region"),
            S3AccessKey = o.GetValueOrDefault("s3-access-key"),
            S3SecretKey = o.GetValueOrDefault("s3-secret-key"),
            AzureConnectionString = o.GetValueOrDefault("azure-connection-string"),
            SftpKeyFile = o.GetValueOrDefault("sftp-key-file"),
            SftpPassword = o.GetValueOrDefault("sftp-password"),
            SftpHostKey = o.GetValueOrDefault("sftp-host-key"),
            GcsEndpoint = o.GetValueOrDefault("gcs-endpoint"),
        };
        return (Required("source"), options, settings);
    }

    internal static Dictionary<string, string> ParseOptions(ReadOnlySpan<string> args)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            var a = args[i];
            if (!a.StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"Unexpected argument '{a}'.");
            }
            var eq = a.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                result[a[2..eq]] = a[(eq + 1)..];
            }
            else if (a is "--retry-failed" or "--quarantine")
            {
                result[a[2..]] = "true";
            }
            else if (i + 1 < args.Length)
            {
                result[a[2..]] = args[++i];
            }
            else
            {
                throw new ArgumentException($"{a} needs a value.");
            }
        }
        return result;
    }

    private static int Status(BatchLedger ledger, Dictionary<string, string> o, TextWriter output)
    {
        var entries = ledger.All();
        string? location = null;
        if (o.TryGetValue("source", out var source))
        {
            location = source.Contains("://", StringComparison.Ordinal) ? source : "file://" + Path.GetFullPath(source);
            entries = entries.Where(e => e.Location.TrimEnd('/') == location.TrimEnd('/')).ToList();
        }
        foreach (var e in entries)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{e.Outcome.ToString().ToLowerInvariant(),-9} {e.Location}{e.Path}  rows={e.Rows} quarantined={e.Quarantined} size={e.Size} at {e.FinishedAt:u}{(e.Error is null ? "" : "  " + e.Error)}"));
            if (o.ContainsKey("quarantine") && e.Quarantined > 0)
            {
                foreach (var q in ledger.Quarantined(e.Location, e.Path, 100))
                {
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    row {q.Row}{(q.Line > 0 ? $" (line {q.Line})" : "")}: {q.Reason}"));
                }
            }
        }
        output.WriteLine($"{entries.Count} files remembered");
        return 0;
    }

    internal static void Print(BatchRunReport report, TextWriter output)
    {
        foreach (var f in report.Files)
        {
            var line = f.Status switch
            {
                FileStatus.Ingested => string.Create(CultureInfo.InvariantCulture,
                    $"ingested  {f.Path}  audience={f.AudienceId} export={f.ExportTime:u} rows={f.Rows} quarantined={f.Quarantined}  {f.Bytes / 1e6:F1} MB in {f.Elapsed.TotalSeconds:F1} s ({f.Rows / Math.Max(f.Elapsed.TotalSeconds, 1e-3):F0} rows/s)"),
                _ => $"{f.Status.ToString().ToLowerInvariant(),-9} {f.Path}  {f.Message}",
            };
            output.WriteLine(line);
            foreach (var q in f.QuarantineSample)
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    quarantined row {q.Row}{(q.Line > 0 ? $" (line {q.Line})" : "")}: {q.Reason}"));
            }
        }
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{report.Location}: {report.Count(FileStatus.Ingested)} ingested ({report.Rows} rows, {report.Quarantined} quarantined), {report.Count(FileStatus.Skipped)} skipped, {report.Count(FileStatus.Failed)} failed, {report.Count(FileStatus.Waiting)} waiting in {report.Elapsed.TotalSeconds:F1} s"));
    }

    /// <summary>Progress on standard error, at most every two seconds.</summary>
    private sealed class ConsoleProgress(TextWriter error) : IProgress<BatchProgress>
    {
        private DateTime _last = DateTime.MinValue;

        public void Report(BatchProgress value)
        {
            if (DateTime.UtcNow - _last < TimeSpan.FromSeconds(2))
            {
                return;
            }
            _last = DateTime.UtcNow;
            error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"[{value.FileIndex + 1}/{value.FileCount}] {value.Path}: {value.Rows} rows, {value.BytesRead / 1e6:F1} of {value.FileSize / 1e6:F1} MB, {value.Elapsed.TotalSeconds:F0} s"));
        }
    }
}
