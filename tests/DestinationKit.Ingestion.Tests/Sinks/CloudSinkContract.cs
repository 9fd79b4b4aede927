using System.Text.RegularExpressions;
using DestinationKit.Ingestion.Storage;
using DestinationKit.Ingestion.Storage.Cloud;

namespace DestinationKit.Ingestion.Tests.Sinks;

/// <summary>
/// What every cloud sink must do, run against each one on a real local server (s3rver, Azurite) or the GCS stub:
/// appends under concurrency all land in the bucket, batched into fewer objects, in the documented layout; the
/// projection answers queries and is rebuilt from the bucket alone; audiences live in the bucket.
/// </summary>
public abstract partial class CloudSinkContract : IAsyncLifetime
{
    private readonly List<Func<Task>> _cleanup = [];

    /// <summary>An object store over a new, empty bucket of its own (removed after the test).</summary>
    protected abstract Task<IObjectStore> NewBucketAsync(string bucket);

    /// <summary>Another client of the same bucket (a second instance of the app).</summary>
    protected abstract IObjectStore OpenBucket(string bucket);

    protected abstract CloudSinkOptions Options();

    protected void OnCleanup(Func<Task> cleanup) => _cleanup.Add(cleanup);

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual async Task DisposeAsync()
    {
        foreach (var c in _cleanup)
        {
            await c();
        }
    }

    [GeneratedRegex(@"^requests/tenant=(?<tenant>[a-z0-9_-]+)/date=\d{4}-\d{2}-\d{2}/hour=\d{2}/\d{8}T\d{9}Z-[0-9a-f]{8}-\d{6}\.ndjson\.gz$")]
    private static partial Regex RequestKey();

    [Fact]
    public async Task Concurrent_appends_all_land_in_the_bucket_in_fewer_objects()
    {
        var bucket = LocalServices.UniqueBucket("conc");
        await using var sink = await SinkHarness.StartAsync(await NewBucketAsync(bucket), Options());
        string[] tenants = ["acme", "globex", "initech"];
        const int count = 300;
        var appends = Enumerable.Range(0, count).Select(i => Task.Run(async () =>
        {
            var id = $"user-{i}@example.com";
            var sequence = await sink.Store.AppendAsync(tenants[i % tenants.Length], Requests.Body(id), 1_764_000_000_000 + i, CancellationToken.None);
            return (Id: id, Sequence: sequence);
        })).ToArray();
        var acknowledged = await Task.WhenAll(appends);

        Assert.Equal(count, acknowledged.Select(a => a.Sequence).Distinct().Count());
        var (ids, keys) = await Requests.ReadBackAsync(OpenBucket(bucket), "");
        Assert.Equal(acknowledged.Select(a => a.Id).Order(StringComparer.Ordinal), ids.Order(StringComparer.Ordinal));
        Assert.True(keys.Count < count, $"{keys.Count} objects for {count} requests: no group commit");
        Assert.True(keys.Count >= tenants.Length);
        Assert.Equal(keys.Count, sink.Store.ObjectsWritten);
        Assert.All(keys, k => Assert.Matches(RequestKey(), k));
        // An object holds one tenant's requests only.
        var objects = OpenBucket(bucket);
        foreach (var key in keys)
        {
            var tenant = RequestKey().Match(key).Groups["tenant"].Value;
            Assert.All(ObjectLayout.Decode((await objects.GetAsync(key, CancellationToken.None))!), r => Assert.Equal(tenant, r.Tenant));
        }
    }

    [Fact]
    public async Task The_projection_answers_queries_and_is_rebuilt_from_the_bucket_alone()
    {
        var bucket = LocalServices.UniqueBucket("rebuild");
        var options = Options();
        options.Prefix = "ingestion/v1";
        var first = await SinkHarness.StartAsync(await NewBucketAsync(bucket), options);
        var folder = first.DataDirectory;
        await Task.WhenAll(Enumerable.Range(0, 40).Select(i =>
            first.Store.AppendAsync("acme", Requests.Body($"r{i}@example.com", status: i == 7 ? "exited" : "realized"), 1_764_000_000_000, CancellationToken.None).AsTask()));
        await first.CaughtUpAsync();
        var profile = await first.Store.GetProfileAsync("acme", "email", "r7@example.com", CancellationToken.None);
        Assert.NotNull(profile);
        Assert.Equal("exited", profile.Audiences["ups"]["aud-1"].Status);
        await first.StopAsync();

        // A new instance on an empty disk: everything comes back from the bucket.
        await using (var fresh = await SinkHarness.StartAsync(OpenBucket(bucket), options))
        {
            await fresh.CaughtUpAsync();
            Assert.True(fresh.Store.ObjectsImported > 0);
            Assert.Equal(40, fresh.Store.GetFreshness().DurableSequence);
            var rebuilt = await fresh.Store.GetProfileAsync("acme", "email", "r7@example.com", CancellationToken.None);
            Assert.NotNull(rebuilt);
            Assert.Equal(profile.Audiences["ups"]["aud-1"], rebuilt.Audiences["ups"]["aud-1"]);
            Assert.Equal(profile.AttributesRawJson, rebuilt.AttributesRawJson);
            var members = await fresh.Store.GetMembersAsync("acme", ["aud-1"], null, 100, CancellationToken.None);
            Assert.Equal(39, members.Members.Count);
        }

        // The same instance again on its own disk: nothing to import, nothing counted twice.
        await using var again = await SinkHarness.StartAsync(OpenBucket(bucket), options, folder);
        Assert.Equal(0, again.Store.ObjectsImported);
        Assert.Equal(40, again.Store.GetFreshness().DurableSequence);
    }

    [Fact]
    public async Task Objects_of_another_instance_are_imported_by_a_refresh()
    {
        var bucket = LocalServices.UniqueBucket("refresh");
        await using var a = await SinkHarness.StartAsync(await NewBucketAsync(bucket), Options());
        await using var b = await SinkHarness.StartAsync(OpenBucket(bucket), Options());
        await a.Store.AppendAsync("acme", Requests.Body("from-a@example.com"), 1_764_000_000_000, CancellationToken.None);
        Assert.Null(await b.Store.GetProfileAsync("acme", "email", "from-a@example.com", CancellationToken.None));

        Assert.Equal(1, await b.Store.RefreshAsync(CancellationToken.None));
        await b.CaughtUpAsync();
        Assert.NotNull(await b.Store.GetProfileAsync("acme", "email", "from-a@example.com", CancellationToken.None));
        Assert.Equal(0, await b.Store.RefreshAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Audiences_live_in_the_bucket()
    {
        var bucket = LocalServices.UniqueBucket("aud");
        await using var sink = await SinkHarness.StartAsync(await NewBucketAsync(bucket), Options());
        var store = sink.Store;
        var (created, isNew) = await store.CreateAsync("acme", new AudienceInput("aep-1", "Loyal", "Bought twice", """{"sandbox":"prod"}"""), CancellationToken.None);
        Assert.True(isNew);
        Assert.Equal(SqliteStore.ExternalAudienceId("acme", "aep-1"), created.ExternalAudienceId);
        var (same, again) = await store.CreateAsync("acme", new AudienceInput("aep-1", "Other name", null, null), CancellationToken.None);
        Assert.False(again);
        Assert.Equal(created, same);
        await store.CreateAsync("acme", new AudienceInput("aep-2", "Second", null, null), CancellationToken.None);
        await store.CreateAsync("globex", new AudienceInput("aep-1", "Not acme's", null, null), CancellationToken.None);

        var updated = await store.UpdateAsync("acme", created.ExternalAudienceId, new AudienceInput(null, "Renamed", null, null), CancellationToken.None);
        Assert.Equal("Renamed", updated!.Name);
        Assert.Equal("Bought twice", updated.Description);
        Assert.Null(await store.UpdateAsync("acme", "aud_missing", new AudienceInput(null, "x", null, null), CancellationToken.None));

        // Another instance on an empty disk sees the same audiences: they are in the bucket.
        await using var other = await SinkHarness.StartAsync(OpenBucket(bucket), Options());
        Assert.Equal("Renamed", (await other.Store.GetAsync("acme", created.ExternalAudienceId, CancellationToken.None))!.Name);
        var listed = await other.Store.ListAsync("acme", null, 10, CancellationToken.None);
        Assert.Equal(2, listed.Count);
        Assert.Equal(listed.Select(a => a.ExternalAudienceId).Order(StringComparer.Ordinal), listed.Select(a => a.ExternalAudienceId));
        var page = await other.Store.ListAsync("acme", listed[0].ExternalAudienceId, 10, CancellationToken.None);
        Assert.Equal([listed[1]], page);

        Assert.True(await store.DeleteAsync("acme", created.ExternalAudienceId, CancellationToken.None));
        Assert.False(await store.DeleteAsync("acme", created.ExternalAudienceId, CancellationToken.None));
        Assert.Null(await store.DeleteAsync("acme", "aud_missing", CancellationToken.None));
        Assert.Null(await other.Store.GetAsync("acme", created.ExternalAudienceId, CancellationToken.None));
        Assert.Single(await other.Store.ListAsync("acme", null, 10, CancellationToken.None));

        // Created again after delete: back under the same id, keeping its creation time.
        var (revived, revivedIsNew) = await other.Store.CreateAsync("acme", new AudienceInput("aep-1", "Back", null, null), CancellationToken.None);
        Assert.True(revivedIsNew);
        Assert.Equal(created.ExternalAudienceId, revived.ExternalAudienceId);
        Assert.Equal(created.CreatedAt, revived.CreatedAt);
    }

    [Fact]
    public async Task Health_is_ready_with_a_reachable_bucket_and_not_with_a_missing_one()
    {
        var bucket = LocalServices.UniqueBucket("health");
        await using (var sink = await SinkHarness.StartAsync(await NewBucketAsync(bucket), Options()))
        {
            Assert.Equal((true, "ok"), await sink.Store.CheckAsync(CancellationToken.None));
        }
        await using var missing = await SinkHarness.StartAsync(OpenBucket(LocalServices.UniqueBucket("none")), WithoutRebuild(Options()));
        var (healthy, description) = await missing.Store.CheckAsync(CancellationToken.None);
        Assert.False(healthy);
        Assert.Contains("unreachable", description, StringComparison.Ordinal);
        var failure = await Assert.ThrowsAsync<StoreUnavailableException>(() =>
            missing.Store.AppendAsync("acme", Requests.Body("x@example.com"), 0, CancellationToken.None).AsTask());
        Assert.Equal("The request could not be made durable.", failure.Message);
    }

    private static CloudSinkOptions WithoutRebuild(CloudSinkOptions options)
    {
        options.RebuildOnStart = false;
        return options;
    }
}

/// <summary>The S3 sink against s3rver (scripts/services.sh).</summary>
public sealed class S3SinkTests : CloudSinkContract
{
    private static S3SinkOptions Sink(string bucket) => new()
    {
        Bucket = bucket,
        ServiceUrl = LocalServices.S3Endpoint,
        AccessKey = LocalServices.S3AccessKey,
        SecretKey = LocalServices.S3SecretKey,
        RequestTimeoutSeconds = 10,
        MaxRetries = 0,
    };

    protected override CloudSinkOptions Options() => new S3SinkOptions { RequestTimeoutSeconds = 10, MaxRetries = 0 };

    protected override async Task<IObjectStore> NewBucketAsync(string bucket)
    {
        var store = new S3ObjectStore(Sink(bucket));
        await store.CreateIfMissingAsync(CancellationToken.None);
        OnCleanup(() => Buckets.DeleteS3BucketAsync(LocalServices.S3Endpoint, bucket));
        return store;
    }

    protected override IObjectStore OpenBucket(string bucket) => new S3ObjectStore(Sink(bucket));
}

/// <summary>The Azure Blob sink against Azurite (scripts/services.sh).</summary>
public sealed class BlobSinkTests : CloudSinkContract
{
    private static BlobSinkOptions Sink(string container) => new()
    {
        Container = container,
        ConnectionString = LocalServices.AzuriteConnectionString,
        RequestTimeoutSeconds = 10,
        MaxRetries = 0,
    };

    protected override CloudSinkOptions Options() => new BlobSinkOptions { RequestTimeoutSeconds = 10, MaxRetries = 0 };

    protected override async Task<IObjectStore> NewBucketAsync(string bucket)
    {
        var store = new BlobObjectStore(Sink(bucket));
        await store.CreateIfMissingAsync(CancellationToken.None);
        OnCleanup(() => Buckets.DeleteContainerAsync(LocalServices.AzuriteConnectionString, bucket));
        return store;
    }

    protected override IObjectStore OpenBucket(string bucket) => new BlobObjectStore(Sink(bucket));

    [Fact]
    public void A_blob_sink_needs_a_container_and_an_address()
    {
        Assert.Equal("Ingestion:Blob:Container is required when Ingestion:Sink is blob.",
            Assert.Throws<InvalidOperationException>(() => new BlobObjectStore(new BlobSinkOptions())).Message);
        Assert.StartsWith("Ingestion:Blob:ServiceUri",
            Assert.Throws<InvalidOperationException>(() => new BlobObjectStore(new BlobSinkOptions { Container = "c" })).Message, StringComparison.Ordinal);
        // With a service URI and no connection string, DefaultAzureCredential is used (nothing is called until a write).
        Assert.Equal("https://acct.blob.core.windows.net/c", new BlobObjectStore(new BlobSinkOptions { Container = "c", ServiceUri = "https://acct.blob.core.windows.net" }).Location);
    }
}

/// <summary>The GCS sink against the in-process stub of the GCS JSON API (no emulator runs here).</summary>
public sealed class GcsSinkTests : CloudSinkContract
{
    private GcsStub? _stub;

    private GcsStub Stub => _stub ?? throw new InvalidOperationException("not started");

    public override async Task InitializeAsync() => _stub = await GcsStub.StartAsync();

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Assert.Empty(Stub.Unhandled);
        await Stub.DisposeAsync();
    }

    private GcsSinkOptions Sink(string bucket) => new() { Bucket = bucket, Endpoint = Stub.Endpoint.ToString(), RequestTimeoutSeconds = 10, MaxRetries = 0 };

    protected override CloudSinkOptions Options() => new GcsSinkOptions { RequestTimeoutSeconds = 10, MaxRetries = 0 };

    protected override async Task<IObjectStore> NewBucketAsync(string bucket)
    {
        var store = new GcsObjectStore(Sink(bucket));
        await store.CreateIfMissingAsync(CancellationToken.None);
        return store;
    }

    protected override IObjectStore OpenBucket(string bucket) => new GcsObjectStore(Sink(bucket));
}
