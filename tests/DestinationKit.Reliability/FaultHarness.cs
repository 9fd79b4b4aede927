using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace DestinationKit.Reliability;

public sealed record FaultOptions
{
    public IReadOnlyList<FaultMode> Modes { get; init; } = [FaultMode.Stop, FaultMode.Reset, FaultMode.Blackhole, FaultMode.Slow, FaultMode.Errors];

    /// <summary>How long each fault lasts (a blackhole at least <see cref="MinBlackholeSeconds"/>).</summary>
    public double FaultSeconds { get; init; } = 6;

    /// <summary>
    /// A hung server is noticed only when the app's calls time out (<c>RequestTimeoutSeconds</c> 3 here, one retry):
    /// the blackhole lasts long enough for writes to give up and answer 503.
    /// </summary>
    public const double MinBlackholeSeconds = 15;

    public int Writers { get; init; } = 8;

    /// <summary>The app's <c>MaxConcurrentRequests</c>: below the writers, so a slow sink shows as 429.</summary>
    public int MaxConcurrentRequests { get; init; } = 6;

    /// <summary>Longest acceptable time, once the server is back, until writes succeed and readiness is 200 again.</summary>
    public double MaxRecoverySeconds { get; init; } = 60;
}

public sealed record FaultPhase(FaultMode Mode, int Acknowledged, int Refused503, int Refused429, int MissingRetryAfter, int Other,
    int ReadyUnavailable, double MaxLatencySeconds, double RecoverySeconds);

public sealed record FaultResult(IReadOnlyList<FaultPhase> Phases, long Acknowledged, long Lost, int RetriedLater, int HealthFailures, int AuthFailures,
    int QueryFailures, TimeSpan Elapsed, double MaxRecoveryLimit, IReadOnlyList<string> Problems)
{
    public bool Passed => Lost == 0 && HealthFailures == 0 && AuthFailures == 0 && QueryFailures == 0 && Problems.Count == 0
        && Phases.All(p => p.Other == 0 && p.MissingRetryAfter == 0 && p.RecoverySeconds <= MaxRecoveryLimit
            && (p.Mode == FaultMode.Slow ? p.Refused503 + p.Refused429 > 0 : p.Refused503 > 0)); // an outage shows as 503; a slow sink as 429 (or 503)

    public string Summary => string.Create(CultureInfo.InvariantCulture,
        $"FAULTS modes={string.Join(",", Phases.Select(p => p.Mode.ToString().ToLowerInvariant()))} acknowledged={Acknowledged} "
        + $"refused_503={Phases.Sum(p => p.Refused503)} refused_429={Phases.Sum(p => p.Refused429)} other_answers={Phases.Sum(p => p.Other)} "
        + $"missing_retry_after={Phases.Sum(p => p.MissingRetryAfter)} lost={Lost} refused_then_retried_ok={RetriedLater} health_failures={HealthFailures} "
        + $"auth_failures={AuthFailures} query_failures={QueryFailures} max_recovery_s={Phases.Select(p => p.RecoverySeconds).DefaultIfEmpty().Max():F1} "
        + $"seconds={Elapsed.TotalSeconds:F0} {(Passed ? "PASS" : "FAIL")}");
}

/// <summary>
/// The app on the S3 sink, whose server (s3rver) sits behind a <see cref="FaultProxy"/>. Under a steady load each
/// fault in turn is switched on for a while and off again. The app must answer 503 or 429 with Retry-After (never
/// another 5xx, never hang up), keep answering liveness, tokens and queries throughout, recover by itself once the
/// server is back, and lose nothing it acknowledged (read back from the bucket directly). What it refused goes
/// through when sent again afterwards, as AEP would retry it.
/// </summary>
public sealed class FaultHarness(FaultOptions options, TextWriter log)
{
    private const string Namespace = "fault";
    private readonly ConcurrentDictionary<string, byte> _acknowledged = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _refused = new();
    private readonly ConcurrentQueue<string> _problems = new();
    private int _healthFailures, _authFailures, _queryFailures;

    private sealed class PhaseCounters
    {
        public int Acknowledged, Refused503, Refused429, MissingRetryAfter, Other, ReadyUnavailable;
        public long MaxLatencyTicks;
    }

    private volatile PhaseCounters _current = new();
    private volatile string _phase = "start";

    public async Task<FaultResult> RunAsync()
    {
        var clock = Stopwatch.StartNew();
        var phases = new List<FaultPhase>();
        var data = Directory.CreateTempSubdirectory("dk-faults-").FullName;
        var server = await S3rverProcess.StartAsync();
        await using var proxy = new FaultProxy(new Uri(server.Endpoint).Port, TimeSpan.FromMilliseconds(400));
        await using var sink = new S3Sink(server, proxy.Endpoint);
        var settings = new Dictionary<string, string>(sink.Settings)
        {
            ["Ingestion:S3:RequestTimeoutSeconds"] = "3",
            ["Ingestion:MaxConcurrentRequests"] = options.MaxConcurrentRequests.ToString(CultureInfo.InvariantCulture),
        };
        await using var app = new AppProcess(data, settings);
        var retriedLater = 0;
        try
        {
            await app.StartAsync();
            var key = await app.CreateApiKeyAsync("faults");
            var (clientId, clientSecret) = await app.CreateClientAsync("faults");
            using var stop = new CancellationTokenSource();
            var next = 0;
            var writers = Enumerable.Range(0, options.Writers).Select(_ => Task.Run(() => WriteLoopAsync(app, key, () => Interlocked.Increment(ref next), stop.Token))).ToArray();
            var probes = Task.Run(() => ProbeLoopAsync(app, key, clientId, clientSecret, stop.Token));

            foreach (var mode in options.Modes)
            {
                // Healthy first: acknowledgements flow.
                _current = new PhaseCounters();
                _phase = $"the healthy phase before {mode}";
                await WaitForAsync(() => _current.Acknowledged >= 20, TimeSpan.FromSeconds(60), $"20 acknowledgements before {mode}");
                var counters = new PhaseCounters();
                _current = counters;
                _phase = mode.ToString();
                await proxy.SetModeAsync(mode);
                await Task.Delay(TimeSpan.FromSeconds(mode == FaultMode.Blackhole ? Math.Max(options.FaultSeconds, FaultOptions.MinBlackholeSeconds) : options.FaultSeconds));
                await proxy.SetModeAsync(FaultMode.Pass);
                var restored = Stopwatch.StartNew();
                _current = new PhaseCounters();
                _phase = $"the recovery after {mode}";
                var recovered = await WaitForRecoveryAsync(app, TimeSpan.FromSeconds(options.MaxRecoverySeconds));
                var phase = new FaultPhase(mode, counters.Acknowledged, counters.Refused503, counters.Refused429, counters.MissingRetryAfter, counters.Other,
                    counters.ReadyUnavailable, TimeSpan.FromTicks(counters.MaxLatencyTicks).TotalSeconds, recovered ? restored.Elapsed.TotalSeconds : double.PositiveInfinity);
                phases.Add(phase);
                log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{mode}: {phase.Acknowledged} acknowledged, {phase.Refused503} answered 503, {phase.Refused429} answered 429, {phase.Other} other, "
                    + $"readiness 503 {phase.ReadyUnavailable} times, slowest answer {phase.MaxLatencySeconds:F1} s; recovered {phase.RecoverySeconds:F1} s after the server came back"));
            }
            await stop.CancelAsync();
            await Task.WhenAll(writers);
            await probes;

            // As AEP retries: what was refused goes through now.
            using (var client = app.Client(key))
            {
                foreach (var id in _refused.Distinct().ToList())
                {
                    for (var attempt = 0; ; attempt++)
                    {
                        using var response = await client.PostAsync(new Uri("/v1/profiles", UriKind.Relative), Body(id));
                        if (response.StatusCode == HttpStatusCode.OK)
                        {
                            _acknowledged[id] = 0;
                            retriedLater++;
                            break;
                        }
                        if (attempt == 20)
                        {
                            _problems.Enqueue($"{id} still answered {(int)response.StatusCode} after the faults");
                            break;
                        }
                        await Task.Delay(250);
                    }
                }
            }
        }
        catch (HarnessException ex)
        {
            _problems.Enqueue(ex.Message);
        }
        await app.KillAsync();
        long lost = 0;
        try
        {
            var durable = await sink.CountDurableIdsAsync(Namespace);
            var missing = _acknowledged.Keys.Where(id => !durable.ContainsKey(id)).ToList();
            lost = missing.Count;
            if (missing.Count > 0)
            {
                _problems.Enqueue($"{missing.Count} acknowledged requests are not in the bucket: {string.Join(", ", missing.Take(5))}");
            }
        }
        catch (Exception ex) when (ex is Amazon.S3.AmazonS3Exception or HttpRequestException)
        {
            _problems.Enqueue("reading the bucket back failed: " + ex.Message);
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(data, recursive: true);
        }
        catch (IOException)
        {
        }
        var result = new FaultResult(phases, _acknowledged.Count, lost, retriedLater, _healthFailures, _authFailures, _queryFailures, clock.Elapsed,
            options.MaxRecoverySeconds, _problems.ToList());
        log.WriteLine(result.Summary);
        return result;
    }

    private static ByteArrayContent Body(string id) => Bodies.Json(Bodies.Request([Bodies.Profile(Namespace, id, "faults", Bodies.Epoch)]));

    private async Task WriteLoopAsync(AppProcess app, string key, Func<int> nextId, CancellationToken stop)
    {
        using var client = app.Client(key, TimeSpan.FromSeconds(60));
        while (!stop.IsCancellationRequested)
        {
            var id = $"f-{nextId()}";
            var sent = Stopwatch.GetTimestamp();
            var counters = _current;
            try
            {
                using var response = await client.PostAsync(new Uri("/v1/profiles", UriKind.Relative), Body(id), CancellationToken.None);
                counters = _current; // counted in the phase the answer came in
                var elapsed = Stopwatch.GetElapsedTime(sent).Ticks;
                InterlockedMax(ref counters.MaxLatencyTicks, elapsed);
                switch (response.StatusCode)
                {
                    case HttpStatusCode.OK:
                        _acknowledged[id] = 0;
                        Interlocked.Increment(ref counters.Acknowledged);
                        break;
                    case HttpStatusCode.ServiceUnavailable or HttpStatusCode.TooManyRequests:
                        if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
                        {
                            Interlocked.Increment(ref counters.Refused503);
                        }
                        else
                        {
                            Interlocked.Increment(ref counters.Refused429);
                        }
                        if (response.Headers.RetryAfter is null)
                        {
                            Interlocked.Increment(ref counters.MissingRetryAfter);
                        }
                        _refused.Enqueue(id);
                        await Task.Delay(100, CancellationToken.None); // a refused caller backs off a little
                        break;
                    default:
                        Interlocked.Increment(ref counters.Other);
                        _problems.Enqueue($"POST answered {(int)response.StatusCode} during {_phase}: {await response.Content.ReadAsStringAsync(CancellationToken.None)}");
                        break;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or System.Net.Sockets.SocketException)
            {
                Interlocked.Increment(ref counters.Other);
                _problems.Enqueue($"POST failed without an answer: {ex.GetType().Name} {ex.Message}");
                _refused.Enqueue(id);
            }
        }
    }

    /// <summary>Every 200 ms: liveness must be 200, a token must be issued, a query must answer 200 or 404; readiness is counted.</summary>
    private async Task ProbeLoopAsync(AppProcess app, string key, string clientId, string clientSecret, CancellationToken stop)
    {
        using var anonymous = app.Client(timeout: TimeSpan.FromSeconds(5));
        using var authenticated = app.Client(key, TimeSpan.FromSeconds(5));
        while (!stop.IsCancellationRequested)
        {
            await ProbeAsync(() => Interlocked.Increment(ref _healthFailures), "liveness", async () =>
            {
                using var r = await anonymous.GetAsync(new Uri("/health/live", UriKind.Relative), CancellationToken.None);
                return r.StatusCode == HttpStatusCode.OK;
            });
            await ProbeAsync(() => Interlocked.Increment(ref _authFailures), "token", async () =>
            {
                using var form = new FormUrlEncodedContent(new Dictionary<string, string>
                {
                    ["grant_type"] = "client_credentials", ["client_id"] = clientId, ["client_secret"] = clientSecret,
                });
                using var r = await anonymous.PostAsync(new Uri("/oauth2/token", UriKind.Relative), form, CancellationToken.None);
                return r.StatusCode == HttpStatusCode.OK;
            });
            await ProbeAsync(() => Interlocked.Increment(ref _queryFailures), "query", async () =>
            {
                using var r = await authenticated.GetAsync(new Uri($"/v1/profiles/{Namespace}/f-1", UriKind.Relative), CancellationToken.None);
                return r.StatusCode is HttpStatusCode.OK or HttpStatusCode.NotFound;
            });
            try
            {
                using var ready = await anonymous.GetAsync(new Uri("/health/ready", UriKind.Relative), CancellationToken.None);
                if (ready.StatusCode == HttpStatusCode.ServiceUnavailable)
                {
                    Interlocked.Increment(ref _current.ReadyUnavailable);
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                Interlocked.Increment(ref _healthFailures);
                _problems.Enqueue("readiness did not answer within 5 s");
            }
            try
            {
                await Task.Delay(200, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task ProbeAsync(Action fail, string what, Func<Task<bool>> check)
    {
        bool ok;
        try
        {
            ok = await check();
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or System.Net.Sockets.SocketException)
        {
            ok = false;
        }
        if (!ok)
        {
            fail();
            _problems.Enqueue($"{what} failed during {_phase}");
        }
    }

    /// <summary>Once the server is back: a write is acknowledged and readiness answers 200, without any restart.</summary>
    private async Task<bool> WaitForRecoveryAsync(AppProcess app, TimeSpan timeout)
    {
        using var client = app.Client(timeout: TimeSpan.FromSeconds(10));
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_current.Acknowledged > 0)
            {
                try
                {
                    using var ready = await client.GetAsync(new Uri("/health/ready", UriKind.Relative));
                    if (ready.StatusCode == HttpStatusCode.OK)
                    {
                        return true;
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                }
            }
            await Task.Delay(100);
        }
        _problems.Enqueue($"no recovery within {timeout.TotalSeconds:F0} s: {app.OutputTail}");
        return false;
    }

    private static async Task WaitForAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new HarnessException($"timed out waiting for {what}");
            }
            await Task.Delay(50);
        }
    }

    private static void InterlockedMax(ref long target, long value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }
            current = seen;
        }
    }
}
