using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using DestinationKit.Ingestion.Storage.Cloud;
using Microsoft.Extensions.DependencyInjection;

namespace DestinationKit.Ingestion.Tests.Sinks;

/// <summary>
/// The app with a cloud sink, its server stopped in the middle of a steady load and started again: requests answer
/// 503 with Retry-After while it is down (never 500, never a false 200), readiness says so, and after it is back,
/// everything ever acknowledged is in the bucket and AEP-like retries of the refused requests go through.
/// Each test stops a server of its own: Azurite, a process on a free port; GCS, the stub; S3, a port in front of s3rver.
/// </summary>
public abstract class OutageContract : IAsyncLifetime
{
    protected virtual string BucketName => "dk-outage";

    protected abstract Task StartServerAsync();

    protected abstract Task StopServerAsync();

    protected abstract Task RestartServerAsync();

    protected abstract Task StopForGoodAsync();

    /// <summary>The app's settings that select this sink, on the test's server and bucket.</summary>
    protected abstract Dictionary<string, string> SinkSettings();

    protected abstract IObjectStore OpenBucket();

    public Task InitializeAsync() => StartServerAsync();

    public Task DisposeAsync() => StopForGoodAsync();

    private static ByteArrayContent Content(string id)
    {
        var content = new ByteArrayContent(Requests.Body(id));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    [Fact]
    public async Task Server_stopped_mid_run_answers_503_and_loses_nothing_acknowledged()
    {
        await OpenBucket().CreateIfMissingAsync(CancellationToken.None);
        using var app = new TestApp();
        foreach (var (k, v) in SinkSettings())
        {
            app.Settings[k] = v;
        }
        app.Settings["Ingestion:RetryAfterSeconds"] = "3";
        var client = app.ClientFor("acme");
        var acknowledged = new ConcurrentDictionary<string, byte>();
        var refused = new ConcurrentQueue<string>();
        var unexpected = new ConcurrentQueue<string>();

        async Task<HttpStatusCode> SendAsync(string id)
        {
            using var response = await client.PostAsync("/v1/profiles", Content(id));
            switch (response.StatusCode)
            {
                case HttpStatusCode.OK:
                    acknowledged[id] = 0;
                    break;
                case HttpStatusCode.ServiceUnavailable:
                    Assert.Equal("3", response.Headers.GetValues("Retry-After").Single());
                    refused.Enqueue(id);
                    break;
                default:
                    unexpected.Enqueue($"{id}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                    break;
            }
            return response.StatusCode;
        }

        // Before: all acknowledged.
        for (var batch = 0; batch < 5; batch++)
        {
            await Task.WhenAll(Enumerable.Range(0, 12).Select(i => SendAsync($"before-{batch}-{i}@example.com")));
        }
        Assert.Equal(60, acknowledged.Count);
        var readyBefore = await client.GetAsync("/health/ready");
        Assert.True(readyBefore.StatusCode == HttpStatusCode.OK, await readyBefore.Content.ReadAsStringAsync());

        // During: 8 senders keep going; the server stops after 40 more acknowledgements.
        using var stopLoad = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var next = 0;
        var senders = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            while (!stopLoad.IsCancellationRequested)
            {
                await SendAsync($"during-{Interlocked.Increment(ref next)}@example.com");
            }
        })).ToArray();
        await WaitUntilAsync(() => acknowledged.Count >= 100, TimeSpan.FromSeconds(30), "40 acknowledgements under load");
        await StopServerAsync();
        await WaitUntilAsync(() => refused.Count >= 20, TimeSpan.FromSeconds(45), "20 requests answered 503 while the server is down");
        var ready = await client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        await stopLoad.CancelAsync();
        await Task.WhenAll(senders);
        Assert.Empty(unexpected);

        // After: the server is back; what was refused is sent again (as AEP retries) and goes through.
        await RestartServerAsync();
        var retry = Stopwatch.StartNew();
        var pending = refused.Distinct().ToList();
        while (pending.Count > 0 && retry.Elapsed < TimeSpan.FromSeconds(30))
        {
            var statuses = await Task.WhenAll(pending.Select(SendAsync));
            pending = pending.Where((_, i) => statuses[i] != HttpStatusCode.OK).ToList();
            if (pending.Count > 0)
            {
                await Task.Delay(200);
            }
        }
        Assert.Empty(pending);
        Assert.Empty(unexpected);

        var (inBucket, _, unreadable) = await Requests.TryReadBackAsync(OpenBucket(), "");
        var missing = acknowledged.Keys.Except(inBucket).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} acknowledged requests are not in the bucket: {string.Join(", ", missing.Take(5))}; "
            + $"unreadable objects: {string.Join(", ", unreadable)}");
        Assert.Empty(unreadable);

        // A new instance on an empty disk rebuilds the queryable state from this bucket.
        using var rebuilt = new TestApp();
        foreach (var (k, v) in SinkSettings())
        {
            rebuilt.Settings[k] = v;
        }
        var rebuiltClient = rebuilt.ClientFor("acme");
        var store = rebuilt.Services.GetRequiredService<ObjectLogStore>();
        await store.WaitForRebuildAsync(TimeSpan.FromSeconds(60));
        await rebuilt.CaughtUpAsync();
        Assert.Equal(HttpStatusCode.OK, (await rebuiltClient.GetAsync("/v1/profiles/email/before-4-11@example.com")).StatusCode);
        // And the projection has them too (fed before each answer).
        await app.CaughtUpAsync();
        foreach (var id in new[] { "before-0-0@example.com", acknowledged.Keys.First(k => k.StartsWith("during-", StringComparison.Ordinal)), refused.First() })
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/v1/profiles/email/{id}")).StatusCode);
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(deadline.Elapsed < timeout, $"timed out waiting for {what}");
            await Task.Delay(20);
        }
    }
}

/// <summary>
/// S3: s3rver of the local services behind a <see cref="TcpCutter"/> that closes its port mid-run. (Killing s3rver
/// itself leaves half-written files that break its listings, a state S3 does not have.)
/// </summary>
public sealed class S3OutageTests : OutageContract
{
    private readonly string _bucket = LocalServices.UniqueBucket("outage");
    private TcpCutter? _cutter;

    private TcpCutter Cutter => _cutter ?? throw new InvalidOperationException("not started");

    protected override Task StartServerAsync()
    {
        _cutter = new TcpCutter(new Uri(LocalServices.S3Endpoint).Port);
        return Task.CompletedTask;
    }

    protected override Task StopServerAsync() => Cutter.CutAsync();

    protected override Task RestartServerAsync()
    {
        Cutter.Restore();
        return Task.CompletedTask;
    }

    protected override async Task StopForGoodAsync()
    {
        if (_cutter is not null)
        {
            await _cutter.DisposeAsync();
        }
        await Buckets.DeleteS3BucketAsync(LocalServices.S3Endpoint, _bucket);
    }

    protected override string BucketName => _bucket;

    protected override Dictionary<string, string> SinkSettings() => new()
    {
        ["Ingestion:Sink"] = "s3",
        ["Ingestion:S3:Bucket"] = _bucket,
        ["Ingestion:S3:ServiceUrl"] = Cutter.Endpoint,
        ["Ingestion:S3:AccessKey"] = LocalServices.S3AccessKey,
        ["Ingestion:S3:SecretKey"] = LocalServices.S3SecretKey,
        ["Ingestion:S3:RequestTimeoutSeconds"] = "5",
        ["Ingestion:S3:MaxRetries"] = "1",
    };

    protected override IObjectStore OpenBucket() => new S3ObjectStore(new S3SinkOptions
    {
        Bucket = _bucket,
        ServiceUrl = LocalServices.S3Endpoint,
        AccessKey = LocalServices.S3AccessKey,
        SecretKey = LocalServices.S3SecretKey,
    });
}

public sealed class BlobOutageTests : OutageContract
{
    private NodeServer? _server;

    private NodeServer Server => _server ?? throw new InvalidOperationException("not started");

    protected override async Task StartServerAsync() => _server = await NodeServer.StartAzuriteAsync();

    protected override Task StopServerAsync() => Server.StopAsync();

    protected override Task RestartServerAsync() => Server.StartAsync();

    protected override async Task StopForGoodAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    protected override Dictionary<string, string> SinkSettings() => new()
    {
        ["Ingestion:Sink"] = "blob",
        ["Ingestion:Blob:Container"] = BucketName,
        ["Ingestion:Blob:ConnectionString"] = Server.AzuriteConnectionString,
        ["Ingestion:Blob:RequestTimeoutSeconds"] = "5",
        ["Ingestion:Blob:MaxRetries"] = "1",
    };

    protected override IObjectStore OpenBucket() => new BlobObjectStore(new BlobSinkOptions { Container = BucketName, ConnectionString = Server.AzuriteConnectionString });
}

public sealed class GcsOutageTests : OutageContract
{
    private GcsStub? _stub;

    private GcsStub Stub => _stub ?? throw new InvalidOperationException("not started");

    protected override async Task StartServerAsync() => _stub = await GcsStub.StartAsync();

    protected override Task StopServerAsync() => Stub.StopAsync();

    protected override Task RestartServerAsync() => Stub.RestartAsync();

    protected override async Task StopForGoodAsync()
    {
        if (_stub is not null)
        {
            Assert.Empty(_stub.Unhandled);
            await _stub.DisposeAsync();
        }
    }

    protected override Dictionary<string, string> SinkSettings() => new()
    {
        ["Ingestion:Sink"] = "gcs",
        ["Ingestion:Gcs:Bucket"] = BucketName,
        ["Ingestion:Gcs:Endpoint"] = Stub.Endpoint.ToString(),
        ["Ingestion:Gcs:RequestTimeoutSeconds"] = "5",
        ["Ingestion:Gcs:MaxRetries"] = "1",
    };

    protected override IObjectStore OpenBucket() => new GcsObjectStore(new GcsSinkOptions { Bucket = BucketName, Endpoint = Stub.Endpoint.ToString() });
}
