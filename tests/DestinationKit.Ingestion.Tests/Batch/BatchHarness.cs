using System.Collections.Immutable;
using System.Reflection;
using System.Text.Json;
using DestinationKit.Ingestion.Batch;
using DestinationKit.Ingestion.Batch.Stores;
using DestinationKit.Ingestion.Profiles;
using DestinationKit.Ingestion.Storage;
using DestinationKit.Model.Spec;
using DestinationKit.Simulator.Exports;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace DestinationKit.Ingestion.Tests.Batch;

/// <summary>The embedded store on a temporary folder, the batch ledger beside it, and a log that counts what it is given.</summary>
public sealed class BatchHarness : IAsyncDisposable
{
    public const string Tenant = "acme";

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "dk-batch-tests", Guid.NewGuid().ToString("N"));

    public SqliteStore Store { get; }
    public CountingLog Log { get; }
    public BatchLedger Ledger { get; }
    public BatchIngestor Ingestor { get; }

    private BatchHarness()
    {
        Store = new SqliteStore(Options.Create(new IngestionOptions { DataDirectory = DataDirectory }),
            new HostingEnvironment { ContentRootPath = DataDirectory }, NullLogger<SqliteStore>.Instance);
        Log = new CountingLog(Store);
        Ledger = BatchLedger.InDataDirectory(DataDirectory);
        Ingestor = new BatchIngestor(Log, Ledger);
    }

    public static async Task<BatchHarness> StartAsync()
    {
        var h = new BatchHarness();
        await h.Store.StartAsync(CancellationToken.None);
        return h;
    }

    public async Task<BatchRunReport> IngestAsync(ILandingStore store, BatchOptions options)
    {
        var report = await Ingestor.IngestAsync(store, options);
        await Store.WaitForAppliedAsync(Store.GetFreshness().DurableSequence, TimeSpan.FromSeconds(60));
        return report;
    }

    public async ValueTask DisposeAsync()
    {
        await Store.StopAsync(CancellationToken.None);
        Store.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>Passes appends to the store and counts records and profiles (every body is a valid contract-v1 request).</summary>
public sealed class CountingLog(IRequestLog inner) : IRequestLog
{
    private long _records;
    private long _profiles;

    public long Records => Interlocked.Read(ref _records);
    public long Profiles => Interlocked.Read(ref _profiles);

    public async ValueTask<long> AppendAsync(string tenant, byte[] body, long receivedAtMs, CancellationToken cancellationToken)
    {
        var errors = new List<ValidationError>();
        var count = ProfilesParser.Parse(body, int.MaxValue, errors);
        Assert.True(errors.Count == 0, "the batch reader logged an invalid body: " + string.Join("; ", errors));
        var seq = await inner.AppendAsync(tenant, body, receivedAtMs, cancellationToken);
        Interlocked.Increment(ref _records);
        Interlocked.Add(ref _profiles, count);
        return seq;
    }
}

/// <summary>Profiles with the values that break naive CSV handling, and the files AEP would write for them.</summary>
public static class Exports
{
    public static readonly ExportLayout Layout = new(
        ["email", "crm_id"],
        [
            new ExportColumn("firstName"),
            new ExportColumn("note"),
            new ExportColumn("age", ExportColumnType.Long),
            new ExportColumn("score", ExportColumnType.Double),
            new ExportColumn("vip", ExportColumnType.Boolean),
            new ExportColumn("birthDate", ExportColumnType.Date),
            new ExportColumn("lastSeen", ExportColumnType.Timestamp),
        ]);

    /// <summary>How the reader is told the CSV columns' types (CSV has none).</summary>
    public static readonly IReadOnlyDictionary<string, ColumnType> CsvTypes = new Dictionary<string, ColumnType>
    {
        ["age"] = ColumnType.Number,
        ["score"] = ColumnType.Number,
        ["vip"] = ColumnType.Boolean,
        ["birthDate"] = ColumnType.Date,
        ["lastSeen"] = ColumnType.Timestamp,
    };

    public static readonly string[] HardValues =
    [
        "Ada", "O\"Brien", "\"quoted\"", "a,b", "semi;colon", "pipe|bar", "double||pipe", "line1\nline2", "crlf1\r\nline2",
        "back\\slash", "ends with backslash\\", "\\\"", "Zoë 東京 🎉", "tab\there", "it's", "x\"y\"", "\"",
    ];

    public static readonly string Audience1 = "6fa55d3a-18e1-4f65-95ed-ac8fdb03b45b";
    public static readonly string Audience2 = "0b5c2d7e-9a41-4e0f-8d3c-2f7a1e6b9c04";

    /// <summary><paramref name="count"/> profiles: every hard value as a first name, null and empty notes, a few exited.</summary>
    public static List<ExportProfile> Profiles(int count, string seed = "p")
    {
        var list = new List<ExportProfile>(count);
        for (var i = 0; i < count; i++)
        {
            var identities = new Dictionary<string, string?>
            {
                ["email"] = $"{seed}{i}@example.com",
                ["crm_id"] = i % 3 == 0 ? null : $"C-{i:D6}",
            };
            var attributes = new Dictionary<string, object?>
            {
                ["firstName"] = HardValues[i % HardValues.Length],
                ["note"] = (i % 4) switch { 0 => null, 1 => "", 2 => "x", _ => "null" },
                ["age"] = i % 5 == 0 ? null : (object)(long)(20 + i),
                ["score"] = 1.5 + (i % 4) * 0.25,
                ["vip"] = i % 2 == 0,
                ["birthDate"] = new DateOnly(1980 + i % 30, 1 + i % 12, 1 + i % 28),
                ["lastSeen"] = new DateTimeOffset(2024, 5, 9, 21, 5, 43, 123, TimeSpan.Zero).AddMinutes(i),
            };
            list.Add(new ExportProfile(identities, i % 7 == 6 ? "exited" : "realized", attributes));
        }
        return list;
    }

    /// <summary>Spark's writing defaults: null as nothing, the empty string as <c>""</c> (so the two differ).</summary>
    public static readonly CsvOptions SparkCsv = AepExportWriter.SparkDefaults with { EmptyValue = "\"\"" };

    public static CsvReadOptions ReadOptions(CsvOptions csv) => new()
    {
        Sep = csv.Sep,
        Quote = csv.Quote.Length == 0 ? '\0' : csv.Quote[0],
        Escape = csv.Escape[0],
        Header = csv.Header,
        NullValue = csv.NullValue,
        EmptyValue = csv.EmptyValue,
        DateFormat = csv.DateFormat,
        TimestampFormat = csv.TimestampFormat,
    };

    public static BatchOptions Options(CsvOptions? csv = null) => new()
    {
        Tenant = BatchHarness.Tenant,
        IdentityColumns = ["email", "crm_id"],
        Csv = ReadOptions(csv ?? SparkCsv),
        ColumnTypes = CsvTypes,
    };

    public static FileFormat Format(FileType type, Compression compression, int maxRows = 7, CsvOptions? csv = null) =>
        new(type, compression, type == FileType.Csv ? csv ?? SparkCsv : null, maxRows);

    /// <summary>Writes one run of two audiences the way AEP names and splits them; returns the expected rows per audience.</summary>
    public static async Task<Dictionary<string, List<ExportProfile>>> WriteRunAsync(string directory, FileFormat format, DateTimeOffset exportTime,
        int perAudience = 17, string seed = "p", string newLine = "\n")
    {
        var writer = new AepExportWriter(format, Layout) { NewLine = newLine, DefaultFilename = "%DESTINATION%_%SEGMENT_ID%", AppendOptions = ["DATETIME"] };
        var expected = new Dictionary<string, List<ExportProfile>>();
        foreach (var (audience, offset) in new[] { (Audience1, 0), (Audience2, 1) })
        {
            var profiles = Profiles(perAudience, seed + offset);
            await writer.WriteAudienceAsync(directory, new ExportNameContext("Acme", audience, exportTime), profiles);
            expected[audience] = profiles;
        }
        return expected;
    }

    /// <summary>Checks that the store holds exactly the expected identities, statuses and attributes.</summary>
    public static async Task AssertStoredAsync(SqliteStore store, Dictionary<string, List<ExportProfile>> expected, FileType type, DateTimeOffset exportTime)
    {
        foreach (var (audience, profiles) in expected)
        {
            foreach (var p in profiles)
            {
                var email = p.Identities["email"]!;
                var view = await store.GetProfileAsync(BatchHarness.Tenant, "email", email, CancellationToken.None);
                Assert.True(view is not null, $"{email} is not stored");
                var membership = view.Audiences["ups"][audience];
                Assert.Equal(p.Status, membership.Status);
                Assert.Equal(exportTime, membership.QualifiedAt);
                foreach (var (name, value) in p.Attributes)
                {
                    view.AttributesRawJson.TryGetValue(name, out var raw);
                    var expectedJson = ExpectedJson(value);
                    if (expectedJson == "null" && raw is null && type == FileType.Json)
                    {
                        continue; // Spark's JSON writer leaves null fields out
                    }
                    Assert.True(raw is not null, $"{email}: attribute {name} is missing");
                    Assert.True(JsonEquals(expectedJson, raw!), $"{email} ({type}): attribute {name} is {raw}, expected {expectedJson}");
                }
                if (p.Identities["crm_id"] is { } crm)
                {
                    var byCrm = await store.GetProfileAsync(BatchHarness.Tenant, "crm_id", crm, CancellationToken.None);
                    Assert.True(byCrm is not null && byCrm.Audiences["ups"][audience].Status == p.Status, $"{crm} is not stored with its membership");
                }
            }
            var found = new List<(string, string)>();
            MemberCursor? cursor = null;
            do
            {
                var page = await store.GetMembersAsync(BatchHarness.Tenant, [audience], cursor, 1000, CancellationToken.None);
                found.AddRange(page.Members.Select(m => (m.Namespace, m.Id)));
                cursor = page.Next;
            }
            while (cursor is not null);
            var expectedMembers = profiles.Where(p => p.Status != "exited")
                .SelectMany(p => p.Identities.Where(i => i.Value is not null).Select(i => (i.Key, i.Value!)))
                .ToHashSet();
            Assert.Equal(expectedMembers.OrderBy(m => m.Key).ThenBy(m => m.Item2, StringComparer.Ordinal),
                found.ToHashSet().OrderBy(m => m.Item1).ThenBy(m => m.Item2, StringComparer.Ordinal));
        }
    }

    private static string ExpectedJson(object? value) => value switch
    {
        null => "null",
        string s => JsonSerializer.Serialize(s),
        bool b => b ? "true" : "false",
        long l => l.ToString(System.Globalization.CultureInfo.InvariantCulture),
        double d => d.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        DateOnly d => JsonSerializer.Serialize(d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)),
        DateTimeOffset t => JsonSerializer.Serialize(t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture)),
        _ => throw new InvalidOperationException(),
    };

    private static bool JsonEquals(string a, string b)
    {
        using var x = JsonDocument.Parse(a);
        using var y = JsonDocument.Parse(b);
        return JsonElement.DeepEquals(x.RootElement, y.RootElement);
    }

    public static string Describe(BatchRunReport report) =>
        string.Join("\n", report.Files.Select(f => $"{f.Status} {f.Path} rows={f.Rows} q={f.Quarantined} {f.Message} {string.Join("; ", f.QuarantineSample.Take(3).Select(q => $"row {q.Row}: {q.Reason}"))}"));

    public static int Rows(Dictionary<string, List<ExportProfile>> expected) => expected.Values.Sum(v => v.Count);

    public static string TempDirectory()
    {
        var dir = Path.Combine(Path.GetTempPath(), "dk-batch-exports", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    public static string RepositoryRoot => typeof(Exports).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "RepositoryRoot").Value!;

    public static ImmutableArray<(FileType Type, Compression Compression)> Matrix =>
    [
        (FileType.Csv, Compression.None), (FileType.Csv, Compression.Gzip),
        (FileType.Json, Compression.None), (FileType.Json, Compression.Gzip),
        (FileType.Parquet, Compression.None), (FileType.Parquet, Compression.Gzip), (FileType.Parquet, Compression.Snappy),
    ];
}
