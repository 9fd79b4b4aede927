using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace DestinationKit.Reliability;

public sealed record HostileOptions
{
    public int Cases { get; init; } = 2000;

    public int Concurrency { get; init; } = 8;

    public int Seed { get; init; } = Environment.TickCount;

    /// <summary>
    /// The app's peak resident memory may not exceed this. Bodies in memory are bounded by the app's
    /// <c>MaxBufferedBodyBytes</c> (256 MB); the GC keeps freed large buffers until a full collection, so a run of bodies of
    /// up to 8 MB peaks at about 1 GB on this machine (docs/reliability.md).
    /// </summary>
    public int MemoryLimitMb { get; init; } = 1536;

    /// <summary>Connections that send their headers or body a few bytes at a time while normal traffic goes on.</summary>
    public int SlowConnections { get; init; } = 20;
}

public sealed record HostileResult(
    int Cases, IReadOnlyDictionary<int, int> ByStatus, int Accepted, int Closed, int ServerErrors, int Unclear, int SlowConnections,
    int SlowClosedByServer, double SlowMaxOpenSeconds, int NormalDuringSlowFailed, double PeakRssMb, double StartRssMb, double HalfRssMb, double EndRssMb,
    bool AliveAfter, TimeSpan Elapsed, int Seed, int MemoryLimitMb, IReadOnlyList<string> Problems)
{
    public bool Passed => ServerErrors == 0 && Unclear == 0 && AliveAfter && PeakRssMb <= MemoryLimitMb && NormalDuringSlowFailed == 0
        && SlowClosedByServer == SlowConnections && Problems.Count == 0;

    public string Summary => string.Create(CultureInfo.InvariantCulture,
        $"HOSTILE cases={Cases} status={{{string.Join(",", ByStatus.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}:{kv.Value}"))}}} accepted={Accepted} "
        + $"closed={Closed} server_errors={ServerErrors} unclear={Unclear} slow_connections={SlowConnections} slow_closed_by_server={SlowClosedByServer} "
        + $"slow_max_open_s={SlowMaxOpenSeconds:F1} normal_during_slow_failed={NormalDuringSlowFailed} rss_mb_start={StartRssMb:F0} "
        + $"rss_mb_half={HalfRssMb:F0} rss_mb_end={EndRssMb:F0} rss_mb_peak={PeakRssMb:F0} (limit {MemoryLimitMb}) alive_after={(AliveAfter ? "yes" : "no")} "
        + $"seconds={Elapsed.TotalSeconds:F0} seed={Seed} {(Passed ? "PASS" : "FAIL")}");
}

/// <summary>
/// Sends <see cref="HostileCases"/> to the app (embedded store) from several connections, then holds slow-loris
/// connections open while normal requests go on. Every answer must be the expected kind of 4xx (a ProblemDetails
/// from the app, or Kestrel's bare 4xx / a closed connection for broken HTTP), never a 5xx; the app must stay up,
/// answer normal traffic and keep its memory under the limit.
/// </summary>
public sealed class HostileHarness(HostileOptions options, TextWriter log)
{
    private const int KeptProblems = 30;
    private readonly ConcurrentDictionary<int, int> _byStatus = new();
    private readonly ConcurrentQueue<string> _problems = new();
    private int _accepted, _closed, _serverErrors, _unclear;
    private double _peakRss;

    public async Task<HostileResult> RunAsync()
    {
        var clock = Stopwatch.StartNew();
        var data = Directory.CreateTempSubdirectory("dk-hostile-").FullName;
        var app = new AppProcess(data);
        double startRss = 0, halfRss = 0, endRss = 0, slowMaxOpen = 0;
        int slowClosed = 0, normalFailed = 0;
        var alive = false;
        try
        {
            await app.StartAsync();
            var key = await app.CreateApiKeyAsync("hostile");
            startRss = app.Memory()?.RssMb ?? 0;
            using var sampling = new CancellationTokenSource();
            var sampler = SampleMemoryAsync(app, sampling.Token);

            var generator = new HostileCases(key, options.Seed);
            var endpoint = new IPEndPoint(IPAddress.Loopback, app.BaseAddress.Port);
            var next = -1;
            var done = 0;
            var workers = Enumerable.Range(0, options.Concurrency).Select(_ => Task.Run(async () =>
            {
                using var connection = new RawHttpConnection(endpoint);
                int i;
                while ((i = Interlocked.Increment(ref next)) < options.Cases)
                {
                    var hostile = generator.Create(i);
                    var closeAfter = hostile.Expect == Expectation.ProtocolError || hostile.Category is "header" or "oversized";
                    var response = await connection.SendAsync(hostile.Request, TimeSpan.FromSeconds(60), closeAfter);
                    if (response.IsClosed && hostile.Expect != Expectation.ProtocolError)
                    {
                        // The server may have closed this kept-alive connection after the previous case: once more, afresh.
                        response = await connection.SendAsync(hostile.Request, TimeSpan.FromSeconds(60), closeAfter);
                    }
                    Judge(hostile, response);
                    var n = Interlocked.Increment(ref done);
                    if (n == options.Cases / 2)
                    {
                        halfRss = app.Memory()?.RssMb ?? 0;
                    }
                    if (n % 10_000 == 0)
                    {
                        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"{n} cases, {clock.Elapsed.TotalSeconds:F0} s, rss {app.Memory()?.RssMb ?? 0:F0} MB, server errors {_serverErrors}, unclear {_unclear}"));
                    }
                }
            })).ToArray();
            await Task.WhenAll(workers);
            log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{options.Cases} cases sent in {clock.Elapsed.TotalSeconds:F0} s"));

            (slowClosed, slowMaxOpen, normalFailed) = await SlowLorisAsync(app, key, endpoint);

            endRss = app.Memory()?.RssMb ?? 0;
            await sampling.CancelAsync();
            await sampler;
            alive = await AliveAsync(app, key);
            // What was accepted is applied: no request wedged the state builder.
            await app.WaitCaughtUpAsync(TimeSpan.FromSeconds(120));
        }
        catch (HarnessException ex)
        {
            _problems.Enqueue(ex.Message);
        }
        finally
        {
            await app.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(data, recursive: true);
            }
            catch (IOException)
            {
            }
        }
        var result = new HostileResult(options.Cases, new SortedDictionary<int, int>(_byStatus), _accepted, _closed, _serverErrors, _unclear,
            options.SlowConnections, slowClosed, slowMaxOpen, normalFailed, _peakRss, startRss, halfRss, endRss, alive, clock.Elapsed, options.Seed,
            options.MemoryLimitMb, _problems.ToList());
        log.WriteLine(result.Summary);
        return result;
    }

    private void Judge(HostileCase hostile, RawResponse response)
    {
        _byStatus.AddOrUpdate(response.Status, 1, (_, n) => n + 1);
        string? problem = null;
        if (response.IsClosed)
        {
            Interlocked.Increment(ref _closed);
            if (hostile.Expect != Expectation.ProtocolError)
            {
                problem = "the connection closed without an answer";
            }
        }
        else if (response.Status == 505 && hostile.Expect == Expectation.ProtocolError)
        {
            // Kestrel's answer to a request line of another HTTP version: the right one, not a failure.
        }
        else if (response.Status >= 500)
        {
            Interlocked.Increment(ref _serverErrors);
            problem = $"{response.Status} {response.BodyText}";
        }
        else if (response.Status < 400)
        {
            Interlocked.Increment(ref _accepted);
            if (hostile.Expect != Expectation.NotServerError)
            {
                problem = $"accepted with {response.Status}: {response.BodyText}";
            }
        }
        else if (hostile.Expect == Expectation.Problem || (hostile.Expect == Expectation.NotServerError && response.Body.Length > 0))
        {
            problem = ProblemDetailsFault(response);
        }
        if (problem is not null)
        {
            if (response.Status < 500)
            {
                Interlocked.Increment(ref _unclear); // answered, but not with what this kind of input deserves
            }
            if (_problems.Count < KeptProblems)
            {
                _problems.Enqueue($"case {hostile.Index} ({hostile.Category}: {hostile.Description}): {problem}");
            }
        }
    }

    /// <summary>Null when the 4xx is a clear ProblemDetails (RFC 9457: its status and a title), else what is wrong.</summary>
    private static string? ProblemDetailsFault(RawResponse response)
    {
        if (response.ContentType is null || !response.ContentType.StartsWith("application/problem+json", StringComparison.OrdinalIgnoreCase))
        {
            return $"{response.Status} with Content-Type '{response.ContentType}' and body '{response.BodyText}', not a ProblemDetails";
        }
        try
        {
            using var doc = JsonDocument.Parse(response.Body);
            var root = doc.RootElement;
            if (!root.TryGetProperty("status", out var status) || status.GetInt32() != response.Status
                || !root.TryGetProperty("title", out var title) || string.IsNullOrWhiteSpace(title.GetString()))
            {
                return $"{response.Status} ProblemDetails without a matching status or a title: {response.BodyText}";
            }
            return null;
        }
        catch (JsonException)
        {
            return $"{response.Status} ProblemDetails that is not JSON: {response.BodyText}";
        }
    }

    /// <summary>
    /// Half the slow connections trickle their headers, half send headers and then the body at a few bytes a second.
    /// Meanwhile a normal request goes every 100 ms and must succeed. Kestrel must end every slow connection
    /// (header timeout, minimum body data rate).
    /// </summary>
    private async Task<(int ClosedByServer, double MaxOpenSeconds, int NormalFailed)> SlowLorisAsync(AppProcess app, string key, IPEndPoint endpoint)
    {
        if (options.SlowConnections == 0)
        {
            return (0, 0, 0);
        }
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var body = Encoding.UTF8.GetBytes(Bodies.Request([Bodies.Profile("e", "slow", "slow", Bodies.Epoch)]));
        var slow = Enumerable.Range(0, options.SlowConnections).Select(i => Task.Run(async () =>
        {
            using var connection = new RawHttpConnection(endpoint);
            var opened = Stopwatch.StartNew();
            var socket = await connection.OpenAsync(stop.Token);
            var head = Encoding.ASCII.GetBytes(
                $"POST /v1/profiles HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {key}\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\n\r\n");
            var trickle = i % 2 == 0 ? head : body;
            try
            {
                if (i % 2 == 1)
                {
                    await socket.SendAsync(head, SocketFlags.None, stop.Token);
                }
                foreach (var b in trickle)
                {
                    await socket.SendAsync(new[] { b }, SocketFlags.None, stop.Token);
                    await Task.Delay(1000, stop.Token);
                }
                return (ClosedByServer: false, Seconds: opened.Elapsed.TotalSeconds); // it got everything through: not cut off
            }
            catch (SocketException)
            {
                return (ClosedByServer: true, Seconds: opened.Elapsed.TotalSeconds);
            }
            catch (OperationCanceledException)
            {
                return (ClosedByServer: false, Seconds: opened.Elapsed.TotalSeconds);
            }
        })).ToArray();

        var normalFailed = 0;
        using var client = app.Client(key, TimeSpan.FromSeconds(10));
        var n = 0;
        while (!slow.All(t => t.IsCompleted))
        {
            try
            {
                using var response = await client.PostAsync(new Uri("/v1/profiles", UriKind.Relative),
                    Bodies.Json(Bodies.Request([Bodies.Profile("e", $"during-slow-{n++}", "normal", Bodies.Epoch)])));
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    normalFailed++;
                    _problems.Enqueue($"a normal request during slow-loris answered {(int)response.StatusCode}");
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                normalFailed++;
                _problems.Enqueue($"a normal request during slow-loris failed: {ex.GetType().Name}");
            }
            await Task.Delay(100);
        }
        var results = await Task.WhenAll(slow);
        var closed = results.Count(r => r.ClosedByServer);
        var maxOpen = results.Max(r => r.Seconds);
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"slow-loris: {closed} of {results.Length} slow connections cut off by the server, the longest after {maxOpen:F1} s; {n} normal requests meanwhile, {normalFailed} failed"));
        return (closed, maxOpen, normalFailed);
    }

    private async Task SampleMemoryAsync(AppProcess app, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            if (app.Memory() is { } m)
            {
                _peakRss = Math.Max(_peakRss, Math.Max(m.RssMb, m.PeakMb));
            }
            try
            {
                await Task.Delay(250, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task<bool> AliveAsync(AppProcess app, string key)
    {
        if (app.HasExited)
        {
            _problems.Enqueue("the app exited: " + app.OutputTail);
            return false;
        }
        using var client = app.Client(key, TimeSpan.FromSeconds(30));
        using var live = await client.GetAsync(new Uri("/health/live", UriKind.Relative));
        using var post = await client.PostAsync(new Uri("/v1/profiles", UriKind.Relative),
            Bodies.Json(Bodies.Request([Bodies.Profile("e", "after-hostile", "after", Bodies.Epoch)])));
        return live.StatusCode == HttpStatusCode.OK && post.StatusCode == HttpStatusCode.OK;
    }
}
