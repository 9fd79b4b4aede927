using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json;
using Amazon.S3.Model;
using DestinationKit.Ingestion.Storage.Cloud;
using Microsoft.Extensions.DependencyInjection;

namespace DestinationKit.Ingestion.Tests.Sinks;

/// <summary>
/// The real app configured with the S3 sink on s3rver: contract-v1 requests and audience calls over HTTP land in the
/// bucket, read back here with the plain AWS SDK and gzip (not the sink's own reader).
/// </summary>
public sealed class S3EndToEndTests : IAsyncLifetime
{
    private readonly string _bucket = LocalServices.UniqueBucket("e2e");

    public async Task InitializeAsync()
    {
        using var s3 = Buckets.S3Client(LocalServices.S3Endpoint);
        await s3.PutBucketAsync(_bucket);
    }

    public Task DisposeAsync() => Buckets.DeleteS3BucketAsync(LocalServices.S3Endpoint, _bucket);

    private TestApp App()
    {
        var app = new TestApp();
        app.Settings["Ingestion:Sink"] = "s3";
        app.Settings["Ingestion:S3:Bucket"] = _bucket;
        app.Settings["Ingestion:S3:Prefix"] = "aep/";
        app.Settings["Ingestion:S3:ServiceUrl"] = LocalServices.S3Endpoint;
        app.Settings["Ingestion:S3:AccessKey"] = LocalServices.S3AccessKey;
        app.Settings["Ingestion:S3:SecretKey"] = LocalServices.S3SecretKey;
        return app;
    }

    [Fact]
    public async Task Contract_v1_requests_land_in_the_bucket_and_answer_queries()
    {
        using var app = App();
        Assert.IsType<ObjectLogStore>(app.Services.GetRequiredService<Storage.IIngestionStore>());
        var client = app.ClientFor("acme");
        var bodies = Enumerable.Range(0, 50).Select(i => Json.Profiles(
            Json.Profile("email", $"p{i}@example.com", Json.Member("seg-1", "realized", "2026-11-01T10:00:00Z"), $$"""{"tier":"gold-{{i}}"}"""))).ToList();
        var responses = await Task.WhenAll(bodies.Select(b => client.PostAsync("/v1/profiles", b)));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var sequences = new List<long>();
        foreach (var r in responses)
        {
            var json = await r.ReadAsync();
            Assert.Equal(1, json.GetProperty("accepted").GetInt32());
            sequences.Add(json.GetProperty("sequence").GetInt64());
        }
        Assert.Equal(50, sequences.Distinct().Count());

        // In the bucket, read with the plain SDK: gzip NDJSON under the tenant's and the hour's partition.
        using var s3 = Buckets.S3Client(LocalServices.S3Endpoint);
        var listed = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = _bucket, Prefix = "aep/requests/" });
        var keys = (listed.S3Objects ?? []).Select(o => o.Key).ToList();
        Assert.NotEmpty(keys);
        Assert.True(keys.Count <= 50);
        var now = DateTime.UtcNow;
        Assert.All(keys, k => Assert.StartsWith("aep/requests/tenant=acme/date=", k, StringComparison.Ordinal));
        Assert.Contains(keys, k => k.Contains($"/date={now:yyyy-MM-dd}/hour=", StringComparison.Ordinal) || k.Contains($"/date={now.AddMinutes(-5):yyyy-MM-dd}/", StringComparison.Ordinal));
        var lines = new List<JsonElement>();
        foreach (var key in keys)
        {
            using var got = await s3.GetObjectAsync(_bucket, key);
            Assert.Equal("application/gzip", got.Headers.ContentType);
            using var gzip = new GZipStream(got.ResponseStream, CompressionMode.Decompress);
            using var reader = new StreamReader(gzip, Encoding.UTF8);
            while (await reader.ReadLineAsync() is { } line)
            {
                lines.Add(JsonDocument.Parse(line).RootElement.Clone());
            }
        }
        Assert.Equal(50, lines.Count);
        Assert.All(lines, l => Assert.Equal("acme", l.GetProperty("tenant").GetString()));
        Assert.All(lines, l => Assert.EndsWith("Z", l.GetProperty("receivedAt").GetString(), StringComparison.Ordinal));
        var tiers = lines.Select(l => l.GetProperty("body").GetProperty("profiles")[0].GetProperty("attributes").GetProperty("tier").GetString()).Order(StringComparer.Ordinal);
        Assert.Equal(Enumerable.Range(0, 50).Select(i => $"gold-{i}").Order(StringComparer.Ordinal), tiers);

        // The queryable state answers from the local projection.
        await app.CaughtUpAsync();
        var profile = await (await client.GetAsync("/v1/profiles/email/p7@example.com")).ReadAsync();
        Assert.Equal("\"gold-7\"", profile.GetProperty("attributes").GetProperty("tier").GetRawText());
    }

    [Fact]
    public async Task Audiences_created_over_http_are_objects_in_the_bucket()
    {
        using var app = App();
        var client = app.ClientFor("acme");
        var created = await client.PostAsync("/v1/audiences", Json.Body("""{"name":"Loyal","aepAudienceId":"aep-9","description":"d"}"""));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.ReadAsync()).GetProperty("id").GetString();

        using var s3 = Buckets.S3Client(LocalServices.S3Endpoint);
        using var got = await s3.GetObjectAsync(_bucket, $"aep/audiences/tenant=acme/{id}.json");
        var stored = await JsonDocument.ParseAsync(got.ResponseStream);
        Assert.Equal("aep-9", stored.RootElement.GetProperty("aepAudienceId").GetString());
        Assert.Equal("Loyal", stored.RootElement.GetProperty("name").GetString());

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/v1/audiences/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/v1/audiences/{id}")).StatusCode);
    }

    [Fact]
    public async Task A_missing_bucket_answers_503_and_is_not_ready()
    {
        using var app = App();
        app.Settings["Ingestion:S3:Bucket"] = LocalServices.UniqueBucket("absent");
        app.Settings["Ingestion:S3:MaxRetries"] = "0";
        var client = app.ClientFor("acme");
        var response = await client.PostAsync("/v1/profiles", Json.Profiles(Json.Profile("email", "x@example.com")));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.True(response.Headers.Contains("Retry-After"));
        var ready = await client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Contains("The store is not ready", await ready.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
