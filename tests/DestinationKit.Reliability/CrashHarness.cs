using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;

namespace DestinationKit.Reliability;

public sealed record CrashOptions
{
    /// <summary><c>sqlite</c> (the embedded store) or <c>s3</c> (the S3 sink on s3rver).</summary>
    public string Sink { get; init; } = "sqlite";

    public int Cycles { get; init; } = 5;

    public int Writers { get; init; } = 8;

    public int ProfilesPerRequest { get; init; } = 10;

    /// <summary>The kill comes at a uniformly random moment of up to this many seconds of load.</summary>
    public double MaxLoadSeconds { get; init; } = 1.5;

    /// <summary>Share of cycles killed while the app is still starting (recovery, or the S3 sink's import), before any load.</summary>
    public double StartupKillShare { get; init; } = 0.1;

    public int Seed { get; init; } = Environment.TickCount;
}

public sealed record CrashResult(
    string Sink, int Cycles, int StartupKills, long AcknowledgedRequests, long AcknowledgedUpdates, long InDoubtRequests, long RefusedRequests,
    long Lost, long Duplicated, long Stale, TimeSpan Elapsed, int Seed, IReadOnlyList<string> Problems)
{
    public bool Passed => Lost == 0 && Duplicated == 0 && Stale == 0 && Problems.Count == 0 && AcknowledgedUpdates > 0;

    public string Summary => string.Create(CultureInfo.InvariantCulture,
        $"CRASH sink={Sink} cycles={Cycles} startup_kills={StartupKills} acknowledged_requests={AcknowledgedRequests} acknowledged_updates={AcknowledgedUpdates} "
        + $"in_doubt_requests={InDoubtRequests} refused_requests={RefusedRequests} lost={Lost} duplicated={Duplicated} stale={Stale} problems={Problems.Count} "
        + $"seconds={Elapsed.TotalSeconds:F0} seed={Seed} {(Passed ? "PASS" : "FAIL")}");
}

/// <summary>
/// Crash durability: load at the app, SIGKILL at a random moment, restart on the same data, check. Every acknowledged
/// profile update must be queryable after the restart (its identity a member of the cycle's audience; each writer's
/// "hot" profile at least at its last acknowledged value) and, in the durable log itself (log.db or the bucket),
/// present exactly once. A request whose answer the kill cut off is "in doubt": it may or may not be there.
/// </summary>
public sealed class CrashHarness(CrashOptions options, TextWriter log)
{
    private const string Tenant = "crash";
    private const string CycleNamespace = "crash";
    private const string HotNamespace = "hot";

    private readonly List<HashSet<string>> _acknowledged = [];
    private readonly long[] _hotCounter = new long[options.Writers];
    private readonly long[] _hotAcknowledged = Enumerable.Repeat(-1L, options.Writers).ToArray();
    private readonly List<string> _problems = [];
    private long _ackRequests, _ackUpdates, _inDoubt, _refused, _lost, _duplicated, _stale;

    public async Task<CrashResult> RunAsync()
    {
        var clock = Stopwatch.StartNew();
        var random = new Random(options.Seed);
        var data = Directory.CreateTempSubdirectory("dk-crash-").FullName;
        var startupKills = 0;
        await using var sink = await SinkUnderTest.CreateAsync(options.Sink, data);
        var app = new AppProcess(data, sink.Settings);
        try
        {
            await app.StartAsync();
            var key = await app.CreateApiKeyAsync(Tenant);
            var unverified = new List<int>();
            for (var cycle = 0; cycle < options.Cycles; cycle++)
            {
                _acknowledged.Add(new HashSet<string>(StringComparer.Ordinal));
                if (cycle > 0 && random.NextDouble() < options.StartupKillShare)
                {
                    // Killed while starting: recovery of the log, or the S3 sink importing the bucket, is cut short.
                    app.Launch();
                    await Task.Delay(random.Next(0, 600));
                    await app.KillAsync();
                    startupKills++;
                    log.WriteLine($"cycle {cycle}: killed during startup");
                    continue;
                }
                if (cycle > 0)
                {
                    await app.StartAsync();
                }
                await VerifyAsync(app, key, unverified);
                unverified.Clear();
                var loadFor = TimeSpan.FromSeconds(random.NextDouble() * options.MaxLoadSeconds);
                var (acked, inDoubt, refused) = await LoadThenKillAsync(app, key, cycle, loadFor);
                unverified.Add(cycle);
                log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"cycle {cycle}: killed after {loadFor.TotalMilliseconds:F0} ms of load: {acked} requests acknowledged, {inDoubt} in doubt, {refused} refused"));
            }
            await app.StartAsync();
            await VerifyAsync(app, key, unverified);
            // Everything once more: a later crash must not have lost what an earlier cycle verified.
            await VerifyAsync(app, key, Enumerable.Range(0, _acknowledged.Count).ToList(), final: true);
            await app.KillAsync();
            await CheckDurableLogAsync(sink);
        }
        catch (HarnessException ex)
        {
            _problems.Add(ex.Message);
        }
        finally
        {
            await app.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            TryDelete(data);
        }
        var result = new CrashResult(sink.Name, options.Cycles, startupKills, _ackRequests, _ackUpdates, _inDoubt, _refused, _lost, _duplicated, _stale,
            clock.Elapsed, options.Seed, _problems);
        log.WriteLine(result.Summary);
        return result;
    }

    private async Task<(long Acked, long InDoubt, long Refused)> LoadThenKillAsync(AppProcess app, string key, int cycle, TimeSpan loadFor)
    {
        using var client = app.Client(key, TimeSpan.FromSeconds(30));
        var acknowledged = _acknowledged[cycle];
        var killed = 0;
        long acked = 0, inDoubt = 0, refused = 0;
        var unexpected = new ConcurrentQueue<string>();
        var writers = Enumerable.Range(0, options.Writers).Select(w => Task.Run(async () =>
        {
            for (var r = 0; Volatile.Read(ref killed) == 0; r++)
            {
                var counter = ++_hotCounter[w];
                var ids = Enumerable.Range(0, options.ProfilesPerRequest).Select(p => $"c{cycle}-w{w}-r{r}-p{p}").ToArray();
                var profiles = ids.Select(id => Bodies.Profile(CycleNamespace, id, $"cycle-{cycle}", Bodies.Epoch, "\"cycle\":" + cycle))
                    .Append(Bodies.Profile(HotNamespace, $"hot-w{w}", "hot", Bodies.Epoch.AddSeconds(counter), "\"n\":" + counter));
                try
                {
                    using var response = await client.PostAsync(new Uri("/v1/profiles", UriKind.Relative), Bodies.Json(Bodies.Request(profiles)));
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        lock (acknowledged)
                        {
                            acknowledged.UnionWith(ids);
                            _hotAcknowledged[w] = Math.Max(_hotAcknowledged[w], counter);
                        }
                        Interlocked.Increment(ref acked);
                        Interlocked.Add(ref _ackUpdates, ids.Length + 1);
                    }
                    else if (response.StatusCode is HttpStatusCode.ServiceUnavailable or HttpStatusCode.TooManyRequests)
                    {
                        Interlocked.Increment(ref refused);
                    }
                    else
                    {
                        unexpected.Enqueue($"cycle {cycle}: POST answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                        return;
                    }
                }
                catch (Exception ex) when (ex is System.Net.Sockets.SocketException
                    || ex.InnerException is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.ConnectionRefused })
                {
                    // Killed before this request was sent (refused, or the connection died while it was being opened,
                    // which HttpClient reports as a bare SocketException): nothing to account for.
                    await Task.Delay(10);
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
                {
                    // The kill cut the answer off: the request may or may not be durable.
                    Interlocked.Increment(ref inDoubt);
                }
            }
        })).ToArray();
        await Task.Delay(loadFor);
        await app.KillAsync(); // with requests in flight; the writers stop once they see it
        Volatile.Write(ref killed, 1);
        await Task.WhenAll(writers);
        _problems.AddRange(unexpected);
        _ackRequests += acked;
        _inDoubt += inDoubt;
        _refused += refused;
        return (acked, inDoubt, refused);
    }

    /// <summary>Through the query API: each cycle's acknowledged ids are members of its audience, listed once; hot profiles not older than acknowledged.</summary>
    private async Task VerifyAsync(AppProcess app, string key, IReadOnlyList<int> cycles, bool final = false)
    {
        if (cycles.Count == 0)
        {
            return;
        }
        await app.WaitCaughtUpAsync(TimeSpan.FromSeconds(120));
        using var client = app.Client(key);
        foreach (var cycle in cycles)
        {
            var listed = new Dictionary<string, int>(StringComparer.Ordinal);
            string? cursor = null;
            do
            {
                var url = $"/v1/audiences/cycle-{cycle}/members?limit=1000" + (cursor is null ? "" : "&cursor=" + cursor);
                using var doc = JsonDocument.Parse(await client.GetStringAsync(new Uri(url, UriKind.Relative)));
                foreach (var m in doc.RootElement.GetProperty("members").EnumerateArray())
                {
                    var id = m.GetProperty("id").GetString()!;
                    listed[id] = listed.GetValueOrDefault(id) + 1;
                }
                cursor = doc.RootElement.GetProperty("nextCursor").GetString();
            }
            while (cursor is not null);
            var missing = _acknowledged[cycle].Where(id => !listed.ContainsKey(id)).ToList();
            var twice = listed.Where(kv => kv.Value > 1).Select(kv => kv.Key).ToList();
            if (missing.Count > 0 || twice.Count > 0)
            {
                _lost += missing.Count;
                _duplicated += twice.Count;
                _problems.Add($"cycle {cycle}{(final ? " (final check)" : "")}: {missing.Count} acknowledged ids missing ({string.Join(", ", missing.Take(3))}), "
                    + $"{twice.Count} listed twice ({string.Join(", ", twice.Take(3))})");
            }
        }
        for (var w = 0; w < options.Writers; w++)
        {
            if (_hotAcknowledged[w] < 0)
            {
                continue;
            }
            using var response = await client.GetAsync(new Uri($"/v1/profiles/{HotNamespace}/hot-w{w}", UriKind.Relative));
            long n = -1;
            if (response.StatusCode == HttpStatusCode.OK)
            {
                using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                n = doc.RootElement.GetProperty("attributes").GetProperty("n").GetInt64();
            }
            if (n < _hotAcknowledged[w])
            {
                _stale++;
                _problems.Add($"hot profile of writer {w}: n={n} after the restart, but {_hotAcknowledged[w]} was acknowledged");
            }
        }
    }

    /// <summary>In the durable log itself: every acknowledged id once, and no id (acknowledged or in doubt) twice.</summary>
    private async Task CheckDurableLogAsync(SinkUnderTest sink)
    {
        var counts = await sink.CountDurableIdsAsync(CycleNamespace);
        var missing = _acknowledged.SelectMany(s => s).Where(id => !counts.ContainsKey(id)).ToList();
        var twice = counts.Where(kv => kv.Value > 1).Select(kv => kv.Key).ToList();
        if (missing.Count > 0 || twice.Count > 0)
        {
            _lost += missing.Count;
            _duplicated += twice.Count;
            _problems.Add($"durable log ({sink.Name}): {missing.Count} acknowledged ids missing ({string.Join(", ", missing.Take(3))}), "
                + $"{twice.Count} ids stored twice ({string.Join(", ", twice.Take(3))})");
        }
        log.WriteLine($"durable log ({sink.Name}): {counts.Count} distinct ids, {_acknowledged.Sum(s => s.Count)} of them acknowledged");
    }

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
