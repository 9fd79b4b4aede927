using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using DestinationKit.Ingestion.Profiles;

// gen   --out DIR [--bodies 1000] [--profiles 100] [--seed 1]   write contract-v1 bodies body-NNNN.json
// parse --dir DIR [--seconds 5]
// batch gen|parse|ingest|upload ...                              the batch reader's benchmark (BatchBenchmark.cs, batch-run.sh)                                  the parse-only ceiling over the same bodies
var command = args.Length > 0 ? args[0] : "help";
var options = new Dictionary<string, string>(StringComparer.Ordinal);
for (var i = 1; i + 1 < args.Length; i += 2)
{
    options[args[i].TrimStart('-')] = args[i + 1];
}
string Opt(string name, string fallback) => options.TryGetValue(name, out var v) ? v : fallback;

switch (command)
{
    case "batch":
        return await DestinationKit.Ingestion.Benchmarks.BatchBenchmark.RunAsync(args[1..]);
    case "gen":
        return Generate(Opt("out", "bodies"), int.Parse(Opt("bodies", "1000"), CultureInfo.InvariantCulture),
            int.Parse(Opt("profiles", "100"), CultureInfo.InvariantCulture), int.Parse(Opt("seed", "1"), CultureInfo.InvariantCulture));
    case "store":
        return await StoreBench(Opt("dir", "bodies"), int.Parse(Opt("requests", "3000"), CultureInfo.InvariantCulture));
    case "parse":
        return ParseCeiling(Opt("dir", "bodies"), double.Parse(Opt("seconds", "5"), CultureInfo.InvariantCulture));
    default:
        Console.Error.WriteLine("usage: gen --out DIR [--bodies N] [--profiles N] [--seed N] | parse --dir DIR [--seconds S]");
        return 2;
}

// The store alone, no HTTP: group-commit append rate with 64 concurrent writers, then the state builder's apply rate.
static async Task<int> StoreBench(string dir, int requests)
{
    var bodies = Directory.GetFiles(dir, "body-*.json").Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToArray();
    var data = Path.Combine(Path.GetTempPath(), "dk-store-bench-" + Guid.NewGuid().ToString("N"));
    var options = Microsoft.Extensions.Options.Options.Create(new DestinationKit.Ingestion.IngestionOptions { DataDirectory = data, MaxPendingRequests = int.MaxValue });
    var env = new Env { ContentRootPath = data };
    using var loggerFactory = Microsoft.Extensions.Logging.LoggerFactory.Create(_ => { });
    using var store = new DestinationKit.Ingestion.Storage.SqliteStore(options, env, loggerFactory.CreateLogger<DestinationKit.Ingestion.Storage.SqliteStore>());
    await store.StartAsync(CancellationToken.None);
    store.PauseApplier();
    var sw = Stopwatch.StartNew();
    var next = -1;
    await Task.WhenAll(Enumerable.Range(0, 64).Select(async _ =>
    {
        int i;
        while ((i = Interlocked.Increment(ref next)) < requests)
        {
            await store.AppendAsync("bench", bodies[i % bodies.Length], DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), CancellationToken.None);
        }
    }));
    var append = sw.Elapsed.TotalSeconds;
    sw.Restart();
    store.ResumeApplier();
    await store.WaitForAppliedAsync(store.GetFreshness().DurableSequence, TimeSpan.FromMinutes(10));
    var apply = sw.Elapsed.TotalSeconds;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"STORE requests={requests} append_profiles_per_s={requests * 100 / append:F0} apply_profiles_per_s={requests * 100 / apply:F0}"));
    await store.StopAsync(CancellationToken.None);
    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    Directory.Delete(data, recursive: true);
    return 0;
}

static int Generate(string dir, int bodies, int profilesPerBody, int seed)
{
    Directory.CreateDirectory(dir);
    var random = new Random(seed);
    var audiences = Enumerable.Range(0, 50).Select(i => "aud_" + i.ToString("x4", CultureInfo.InvariantCulture)).ToArray();
    var names = new[] { "Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "Ken" };
    long total = 0;
    for (var b = 0; b < bodies; b++)
    {
        var sb = new StringBuilder(32 * 1024);
        sb.Append("{\"schemaVersion\":1,\"profiles\":[");
        for (var p = 0; p < profilesPerBody; p++)
        {
            var n = (b * profilesPerBody) + p;
            var email = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"user{n}@example.com")));
            var audience = audiences[random.Next(audiences.Length)];
            var status = random.Next(4) == 0 ? "exited" : "realized";
            var t = new DateTimeOffset(2024, 3, 1, 0, 0, 0, TimeSpan.Zero).AddSeconds(random.Next(86_400 * 30));
            if (p > 0)
            {
                sb.Append(',');
            }
            // About 240 bytes a profile: one hashed email, one audience change, one attribute (AEP.md §1.2 shapes).
            sb.Append(CultureInfo.InvariantCulture, $"{{\"identities\":{{\"email_lc_sha256\":[\"{email}\"]}},")
              .Append(CultureInfo.InvariantCulture, $"\"audiences\":{{\"ups\":{{\"{audience}\":{{\"status\":\"{status}\",\"qualifiedAt\":\"{t:yyyy-MM-dd'T'HH:mm:ss.fff}+0000\"}}}}}},")
              .Append(CultureInfo.InvariantCulture, $"\"attributes\":{{\"firstName\":\"{names[random.Next(names.Length)]}\"}}}}");
        }
        sb.Append("]}");
        var bytes = Encoding.UTF8.GetBytes(sb.ToString());
        total += bytes.Length;
        File.WriteAllBytes(Path.Combine(dir, $"body-{b:D4}.json"), bytes);
    }
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wrote {bodies} bodies of {profilesPerBody} profiles, {total / bodies} bytes on average, to {dir}"));
    return 0;
}

static int ParseCeiling(string dir, double seconds)
{
    var bodies = Directory.GetFiles(dir, "body-*.json").Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToArray();
    var profilesPerBody = ProfilesParser.Parse(bodies[0], 10_000, []);

    // 1) System.Text.Json alone: every token read, nothing checked.
    var tokenRate = Measure(bodies, seconds, body =>
    {
        var reader = new Utf8JsonReader(body);
        while (reader.Read())
        {
        }
    });
    // 2) JsonDocument: a DOM per request.
    var domRate = Measure(bodies, seconds, body =>
    {
        using var doc = JsonDocument.Parse(body);
    });
    // 3) The app's contract-v1 validation (what the acknowledgement path runs).
    var errors = new List<ValidationError>();
    var validateRate = Measure(bodies, seconds, body =>
    {
        errors.Clear();
        ProfilesParser.Parse(body, 10_000, errors);
        if (errors.Count > 0)
        {
            throw new InvalidOperationException(errors[0].ToString());
        }
    });
    var materialised = new List<ParsedProfile>();
    var materialiseRate = Measure(bodies, seconds, body =>
    {
        errors.Clear();
        materialised.Clear();
        ProfilesParser.Parse(body, 10_000, errors, materialised);
    });
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"PARSE materialising_profiles_per_s={materialiseRate * profilesPerBody:F0} (one core; what the state builder runs)"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"PARSE bodies={bodies.Length} profiles_per_body={profilesPerBody} avg_bytes={bodies.Average(b => b.Length):F0}"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"PARSE utf8jsonreader_profiles_per_s={tokenRate * profilesPerBody:F0} (one core)"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"PARSE jsondocument_profiles_per_s={domRate * profilesPerBody:F0} (one core)"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"PARSE contract_v1_validation_profiles_per_s={validateRate * profilesPerBody:F0} (one core)"));
    return 0;
}

static double Measure(byte[][] bodies, double seconds, Action<byte[]> work)
{
    for (var i = 0; i < 200; i++)
    {
        work(bodies[i % bodies.Length]); // warm up
    }
    var sw = Stopwatch.StartNew();
    long n = 0;
    while (sw.Elapsed.TotalSeconds < seconds)
    {
        for (var i = 0; i < 100; i++)
        {
            work(bodies[n++ % bodies.Length]);
        }
    }
    return n / sw.Elapsed.TotalSeconds;
}

internal sealed class Env : Microsoft.Extensions.Hosting.IHostEnvironment
{
    public string EnvironmentName { get; set; } = "Production";
    public string ApplicationName { get; set; } = "bench";
    public string ContentRootPath { get; set; } = "";
    public Microsoft.Extensions.FileProviders.IFileProvider ContentRootFileProvider { get; set; } = new Microsoft.Extensions.FileProviders.NullFileProvider();
}
