using System.IO.Compression;
using System.Text;
using System.Text.Json;
using DestinationKit.Ingestion.Storage;
using DestinationKit.Ingestion.Storage.Cloud;

namespace DestinationKit.Ingestion.Tests.Sinks;

/// <summary>The object format and layout of the cloud sinks, and the choice of sink; no server needed.</summary>
public sealed class ObjectLayoutTests
{
    [Fact]
    public void Request_objects_are_gzip_ndjson_one_request_per_line_and_read_back_exactly()
    {
        var multiLine = Encoding.UTF8.GetBytes("{\r\n  \"schemaVersion\": 1,\n  \"profiles\": [{\"attributes\": {\"a\": \"x\\ny \\\"q\\\"\"}}]\n}\n");
        var withBom = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("""{"schemaVersion":1,"profiles":[]}""")).ToArray();
        var requests = new List<LoggedRequest>
        {
            new("acme", 1_764_000_000_123, multiLine),
            new("acme", 1_764_000_000_124, withBom),
        };
        var gz = ObjectLayout.Encode(requests);

        using var gzip = new GZipStream(new MemoryStream(gz), CompressionMode.Decompress);
        var text = new StreamReader(gzip, Encoding.UTF8).ReadToEnd();
        var lines = text.Split('\n');
        Assert.Equal(3, lines.Length);
        Assert.Equal("", lines[2]);
        var first = JsonDocument.Parse(lines[0]).RootElement;
        Assert.Equal("acme", first.GetProperty("tenant").GetString());
        Assert.Equal("2025-11-24T16:00:00.123Z", first.GetProperty("receivedAt").GetString());
        Assert.Equal("x\ny \"q\"", first.GetProperty("body").GetProperty("profiles")[0].GetProperty("attributes").GetProperty("a").GetString());

        var decoded = ObjectLayout.Decode(gz);
        Assert.Equal(2, decoded.Count);
        Assert.Equal(requests.Select(r => (r.Tenant, r.ReceivedAtMs)), decoded.Select(r => (r.Tenant, r.ReceivedAtMs)));
        Assert.True(JsonElement.DeepEquals(JsonDocument.Parse(multiLine).RootElement, JsonDocument.Parse(decoded[0].Body).RootElement));
        Assert.Equal("""{"schemaVersion":1,"profiles":[]}""", Encoding.UTF8.GetString(decoded[1].Body));
    }

    [Fact]
    public void Keys_are_partitioned_by_tenant_date_and_hour()
    {
        var at = new DateTimeOffset(2026, 11, 29, 9, 5, 7, 89, TimeSpan.FromHours(2));
        Assert.Equal("p/requests/tenant=acme/date=2026-11-29/hour=07/20261129T070507089Z-0a1b2c3d-000042.ndjson.gz",
            ObjectLayout.RequestKey("p/", "acme", at, "0a1b2c3d", 42));
        Assert.Equal("audiences/tenant=acme/aud_1.json", ObjectLayout.AudienceKey("", "acme", "aud_1"));
        Assert.Equal("", ObjectLayout.NormalizePrefix("/"));
        Assert.Equal("a/b/", ObjectLayout.NormalizePrefix("/a/b"));
    }

    [Fact]
    public void The_sink_setting_is_checked()
    {
        Assert.False(CloudSinks.IsCloud(new IngestionOptions()));
        Assert.False(CloudSinks.IsCloud(new IngestionOptions { Sink = " SQLite " }));
        Assert.True(CloudSinks.IsCloud(new IngestionOptions { Sink = "gcs" }));
        var error = Assert.Throws<InvalidOperationException>(() => CloudSinks.IsCloud(new IngestionOptions { Sink = "dynamo" }));
        Assert.Equal("Ingestion:Sink: got \"dynamo\"; allowed: sqlite, s3, blob, gcs.", error.Message);
        Assert.Equal("Ingestion:S3:Bucket is required when Ingestion:Sink is s3.",
            Assert.Throws<InvalidOperationException>(() => CloudSinks.Create(new IngestionOptions { Sink = "s3" })).Message);
        Assert.Equal("Ingestion:Gcs:Bucket is required when Ingestion:Sink is gcs.",
            Assert.Throws<InvalidOperationException>(() => CloudSinks.Create(new IngestionOptions { Sink = "gcs" })).Message);
    }

    [Fact]
    public async Task A_failed_write_fails_its_whole_group_and_acknowledges_nothing()
    {
        var objects = new FlakyObjectStore();
        await using var sink = await SinkHarness.StartAsync(objects, new S3SinkOptions { MaxConcurrentWrites = 1, LingerMilliseconds = 50 });
        objects.Failing = true;
        var appends = Enumerable.Range(0, 20).Select(i => sink.Store.AppendAsync("acme", Requests.Body($"f{i}@example.com"), 0, CancellationToken.None).AsTask()).ToList();
        foreach (var append in appends)
        {
            await Assert.ThrowsAsync<StoreUnavailableException>(() => append);
        }
        Assert.Equal(0, sink.Projection.GetFreshness().DurableSequence);
        Assert.False((await sink.Store.CheckAsync(CancellationToken.None)).Healthy);

        objects.Failing = false;
        Assert.Equal(1, await sink.Store.AppendAsync("acme", Requests.Body("ok@example.com"), 0, CancellationToken.None));
        Assert.True((await sink.Store.CheckAsync(CancellationToken.None)).Healthy);
        Assert.Single(objects.Keys);
    }

    /// <summary>An in-memory object store that fails every call while <see cref="Failing"/> is set.</summary>
    private sealed class FlakyObjectStore : IObjectStore
    {
        private readonly SortedDictionary<string, byte[]> _objects = new(StringComparer.Ordinal);

        public volatile bool Failing;

        public IReadOnlyCollection<string> Keys
        {
            get
            {
                lock (_objects)
                {
                    return [.. _objects.Keys];
                }
            }
        }

        public string Location => "memory://flaky";

        private void ThrowIfFailing()
        {
            if (Failing)
            {
                throw new HttpRequestException("connection refused");
            }
        }

        public Task PutAsync(string key, ReadOnlyMemory<byte> content, string contentType, CancellationToken cancellationToken)
        {
            ThrowIfFailing();
            lock (_objects)
            {
                _objects[key] = content.ToArray();
            }
            return Task.CompletedTask;
        }

        public Task<byte[]?> GetAsync(string key, CancellationToken cancellationToken)
        {
            ThrowIfFailing();
            lock (_objects)
            {
                return Task.FromResult(_objects.TryGetValue(key, out var v) ? v : null);
            }
        }

        public async IAsyncEnumerable<string> ListAsync(string prefix, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
        {
            ThrowIfFailing();
            await Task.Yield();
            foreach (var key in Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)))
            {
                yield return key;
            }
        }

        public Task<IReadOnlyList<string>> ListFoldersAsync(string prefix, CancellationToken cancellationToken)
        {
            ThrowIfFailing();
            IReadOnlyList<string> folders = Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal) && k.IndexOf('/', prefix.Length) >= 0)
                .Select(k => k[..(k.IndexOf('/', prefix.Length) + 1)]).Distinct().ToList();
            return Task.FromResult(folders);
        }

        public Task CheckAsync(CancellationToken cancellationToken)
        {
            ThrowIfFailing();
            return Task.CompletedTask;
        }

        public Task CreateIfMissingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
