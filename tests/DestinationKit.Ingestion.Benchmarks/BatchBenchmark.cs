using System.Diagnostics;
using System.Globalization;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Azure.Storage.Blobs;
using DestinationKit.Ingestion.Batch;
using DestinationKit.Ingestion.Batch.Stores;
using DestinationKit.Ingestion.Storage;
using DestinationKit.Model.Spec;
using DestinationKit.Simulator.Exports;

namespace DestinationKit.Ingestion.Benchmarks;

/// <summary>
/// The batch reader's benchmark (docs/benchmarks.md, "Batch ingestion"); batch-run.sh drives it:
/// <list type="bullet">
/// <item><c>batch gen --out DIR --rows N</c>: one audience's AEP export, gzip CSV, written by the simulator's writer;</item>
/// <item><c>batch csv --source DIR</c>: read, decompress and parse every field (the reader's stream chain and CsvHelper), nothing more;</item>
/// <item><c>batch parse --source SRC</c>: the whole reader: also the rows checked and turned into contract-v1 bodies, stored nowhere;</item>
/// <item><c>batch ingest --source SRC</c>: end to end into the embedded SQLite store (durable, then applied);</item>
/// <item><c>batch upload --dir DIR --to s3|azurite</c>: put the files into s3rver or Azurite (artifacts/services/env) and print the source.</item>
/// </list>
/// Each prints one line with rows/s, MB/s and the process's peak resident memory (VmHWM).
/// </summary>
public static class BatchBenchmark
{
    public const string Audience = "6fa55d3a-18e1-4f65-95ed-ac8fdb03b45b";

    public static async Task<int> RunAsync(string[] args)
    {
        var o = BatchCli.ParseOptions(args.AsSpan(1));
        string Opt(string name, string fallback) => o.TryGetValue(name, out var v) ? v : fallback;
        switch (args.FirstOrDefault())
        {
            case "gen":
                return await GenerateAsync(Opt("out", "batch-bench"), long.Parse(Opt("rows", "1000000"), CultureInfo.InvariantCulture));
            case "csv":
                return await CsvOnlyAsync(Opt("source", "batch-bench"));
            case "parse":
                return await IngestAsync(Opt("source", "batch-bench"), Settings(), store: false);
            case "ingest":
                return await IngestAsync(Opt("source", "batch-bench"), Settings(), store: true);
            case "upload":
                return await UploadAsync(Opt("dir", "batch-bench"), Opt("to", "s3"));
            default:
                Console.Error.WriteLine("usage: batch gen --out DIR [--rows N] | batch parse|ingest --source SRC | batch upload --dir DIR --to s3|azurite");
                return 2;
        }
    }

    private static readonly ExportLayout Layout = new(["email_sha256", "crm_id"],
    [
        new ExportColumn("firstName"), new ExportColumn("lastName"), new ExportColumn("city"), new ExportColumn("country"),
        new ExportColumn("loyaltyTier"), new ExportColumn("lifetimeValue", ExportColumnType.Double),
    ]);

    private static readonly string[] FirstNames = ["Ada", "Grace", "Alan", "Zoë", "Linus", "Barbara", "Ken", "Margaret", "O'Neil", "Dennis"];
    private static readonly string[] LastNames = ["Lovelace", "Hopper", "Turing", "Ritchie", "Liskov", "Thompson", "Hamilton", "Smith, Jr.", "Müller", "Nakamura"];
    private static readonly string[] Cities = ["London", "Paris", "San José", "München", "Tokyo", "New York", "São Paulo", "Zürich"];

    private static IEnumerable<ExportProfile> Profiles(long rows)
    {
        var hash = new byte[32];
        for (long i = 0; i < rows; i++)
        {
            BitConverter.TryWriteBytes(hash, i * 2654435761L);
            BitConverter.TryWriteBytes(hash.AsSpan(8), i ^ 0x5DEECE66DL);
            yield return new ExportProfile(
                new Dictionary<string, string?>
                {
                    ["email_sha256"] = Convert.ToHexStringLower(hash),
                    ["crm_id"] = i % 4 == 0 ? null : "C-" + i.ToString("D9", CultureInfo.InvariantCulture),
                },
                i % 20 == 19 ? "exited" : "realized",
                new Dictionary<string, object?>
                {
                    ["firstName"] = FirstNames[i % FirstNames.Length],
                    ["lastName"] = LastNames[(i / 10) % LastNames.Length],
                    ["city"] = Cities[(i / 7) % Cities.Length],
                    ["country"] = i % 3 == 0 ? null : "GB",
                    ["loyaltyTier"] = (i % 5) switch { 0 => "gold", 1 => "silver", _ => "bronze" },
                    ["lifetimeValue"] = (i % 10000) / 100.0,
                });
        }
    }

    private static async Task<int> GenerateAsync(string dir, long rows)
    {
        Directory.CreateDirectory(dir);
        var writer = new AepExportWriter(new FileFormat(FileType.Csv, Compression.Gzip, AepExportWriter.SparkDefaults, 5_000_000), Layout);
        var sw = Stopwatch.StartNew();
        var result = await writer.WriteAudienceAsync(dir, new ExportNameContext("Acme", Audience, new DateTimeOffset(2024, 5, 9, 21, 5, 43, TimeSpan.Zero)), Profiles(rows));
        foreach (var f in result.Files)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"GEN file={Path.Combine(dir, f.Name)} rows={f.Rows} bytes={f.Size} seconds={sw.Elapsed.TotalSeconds:F1}"));
        }
        return 0;
    }

    private static async Task<int> CsvOnlyAsync(string dir)
    {
        var file = Directory.GetFiles(dir, "*.csv.gz").Single();
        var sw = Stopwatch.StartNew();
        long rows = 0, fieldBytes = 0;
        Stream input = new System.IO.Compression.GZipStream(File.OpenRead(file), System.IO.Compression.CompressionMode.Decompress);
        input = new SparkQuoteStream(new ReadAheadStream(input), (byte)'"', (byte)'\\', ","u8.ToArray());
        var options = new CsvHelper.CsvReaderOptions
        {
            Separator = ',', HasHeader = true, TrackLineNumbers = true, AllowLineBreaksInQuotes = true,
            MalformedData = CsvHelper.CsvMalformedDataHandling.Skip, FieldCountMismatch = CsvHelper.CsvFieldCountHandling.Skip, OnMalformedRecord = _ => { },
        };
        await using (var reader = CsvHelper.CsvReader.Create(input, options, leaveOpen: false))
        {
            while (await reader.ReadAsync())
            {
                rows++;
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    fieldBytes += reader.GetSpan(i).Length;
                }
            }
        }
        var seconds = sw.Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"CSV rows={rows} seconds={seconds:F2} rows_per_s={rows / seconds:F0} compressed_mb_per_s={new FileInfo(file).Length / 1e6 / seconds:F1} peak_rss_mb={PeakRssMb():F0}"));
        return 0;
    }

    private static LandingStoreSettings Settings() => new()
    {
        S3Endpoint = Environment.GetEnvironmentVariable("DK_S3_ENDPOINT"),
        S3AccessKey = Environment.GetEnvironmentVariable("DK_S3_ACCESS_KEY"),
        S3SecretKey = Environment.GetEnvironmentVariable("DK_S3_SECRET_KEY"),
        AzureConnectionString = Environment.GetEnvironmentVariable("DK_AZURITE_CONNECTION_STRING"),
    };

    private static BatchOptions Options => new()
    {
        Tenant = "bench",
        IdentityColumns = ["email_sha256", "crm_id"],
        ColumnTypes = new Dictionary<string, ColumnType> { ["lifetimeValue"] = ColumnType.Number },
    };

    /// <summary>Accepts every body at once: what is left is reading, decompressing, parsing and building bodies.</summary>
    private sealed class DiscardLog : IRequestLog
    {
        private long _seq;

        public ValueTask<long> AppendAsync(string tenant, byte[] body, long receivedAtMs, CancellationToken cancellationToken) =>
            ValueTask.FromResult(Interlocked.Increment(ref _seq));
    }

    private static async Task<int> IngestAsync(string source, LandingStoreSettings settings, bool store)
    {
        var data = Path.Combine(Path.GetTempPath(), "dk-batch-bench-" + Guid.NewGuid().ToString("N"));
        await using var landing = LandingStores.Open(source, settings);
        var ledger = BatchLedger.InDataDirectory(data);
        SqliteStore? sqlite = null;
        IRequestLog log = new DiscardLog();
        if (store)
        {
            // As the batch command sets it (BatchCli): 40 records of 250 profiles a state transaction.
            var options = Microsoft.Extensions.Options.Options.Create(new IngestionOptions { DataDirectory = data, ApplyBatchMaxRequests = 40 });
            using var loggerFactory = Microsoft.Extensions.Logging.LoggerFactory.Create(_ => { });
            sqlite = new SqliteStore(options, new Env { ContentRootPath = data }, loggerFactory.CreateLogger<SqliteStore>());
            await sqlite.StartAsync(CancellationToken.None);
            log = sqlite;
        }
        try
        {
            var sw = Stopwatch.StartNew();
            var report = await new BatchIngestor(log, ledger).IngestAsync(landing, Options);
            var durable = sw.Elapsed.TotalSeconds;
            var applied = durable;
            if (sqlite is not null)
            {
                await sqlite.WaitForAppliedAsync(sqlite.GetFreshness().DurableSequence, TimeSpan.FromMinutes(30));
                applied = sw.Elapsed.TotalSeconds;
            }
            var bytes = report.Files.Sum(f => f.Bytes);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{(store ? "INGEST" : "PARSE")} source={landing.Location} files={report.Count(FileStatus.Ingested)} failed={report.Count(FileStatus.Failed)} rows={report.Rows} "
                + $"quarantined={report.Quarantined} seconds={durable:F2} rows_per_s={report.Rows / durable:F0} compressed_mb_per_s={bytes / 1e6 / durable:F1} "
                + $"applied_seconds={applied:F2} applied_rows_per_s={report.Rows / applied:F0} peak_rss_mb={PeakRssMb():F0}"));
            return report.Count(FileStatus.Failed) == 0 && report.Rows > 0 ? 0 : 1;
        }
        finally
        {
            if (sqlite is not null)
            {
                await sqlite.StopAsync(CancellationToken.None);
                sqlite.Dispose();
            }
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(data, recursive: true);
        }
    }

    private static async Task<int> UploadAsync(string dir, string to)
    {
        var container = "batch-bench-" + Guid.NewGuid().ToString("N")[..8];
        var files = Directory.GetFiles(dir, "*.csv.gz");
        if (to == "s3")
        {
            using var s3 = new AmazonS3Client(new BasicAWSCredentials(Require("DK_S3_ACCESS_KEY"), Require("DK_S3_SECRET_KEY")),
                new AmazonS3Config { ServiceURL = Require("DK_S3_ENDPOINT"), ForcePathStyle = true, AuthenticationRegion = "us-east-1" });
            await s3.PutBucketAsync(container);
            foreach (var f in files)
            {
                await s3.PutObjectAsync(new PutObjectRequest { BucketName = container, Key = "exports/" + Path.GetFileName(f), FilePath = f, UseChunkEncoding = false });
            }
            Console.WriteLine($"s3://{container}/exports");
        }
        else
        {
            var client = new BlobContainerClient(Require("DK_AZURITE_CONNECTION_STRING"), container);
            await client.CreateAsync();
            foreach (var f in files)
            {
                await client.GetBlobClient("exports/" + Path.GetFileName(f)).UploadAsync(f);
            }
            Console.WriteLine($"azblob://{container}/exports");
        }
        return 0;
    }

    private static string Require(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v
        ? v : throw new InvalidOperationException($"{name} is not set: run scripts/services.sh start and source artifacts/services/env");

    private static double PeakRssMb()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                return double.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024;
            }
        }
        return double.NaN;
    }
}
