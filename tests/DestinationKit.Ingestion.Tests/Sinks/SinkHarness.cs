using System.Text;
using System.Text.Json;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using DestinationKit.Ingestion.Storage;
using DestinationKit.Ingestion.Storage.Cloud;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace DestinationKit.Ingestion.Tests.Sinks;

/// <summary>A cloud sink over a given object store with its local projection in a temporary folder, started and stopped by the test.</summary>
public sealed class SinkHarness : IAsyncDisposable
{
    private SinkHarness(IObjectStore objects, CloudSinkOptions cloud, IngestionOptions options, string dataDirectory)
    {
        DataDirectory = dataDirectory;
        Projection = new SqliteStore(Options.Create(options), new HostingEnvironment { ContentRootPath = dataDirectory }, NullLogger<SqliteStore>.Instance);
        Store = new ObjectLogStore(objects, cloud, Projection, Options.Create(options), NullLogger<ObjectLogStore>.Instance);
    }

    public string DataDirectory { get; }

    public SqliteStore Projection { get; }

    public ObjectLogStore Store { get; }

    /// <summary>Starts a sink; <paramref name="dataDirectory"/> reuses a projection folder (a restart), else a new one.</summary>
    public static async Task<SinkHarness> StartAsync(IObjectStore objects, CloudSinkOptions cloud, string? dataDirectory = null, Action<IngestionOptions>? configure = null)
    {
        var options = new IngestionOptions { DataDirectory = dataDirectory ?? Directory.CreateTempSubdirectory("dk-sink-").FullName };
        configure?.Invoke(options);
        var harness = new SinkHarness(objects, cloud, options, options.DataDirectory);
        await harness.Projection.StartAsync(CancellationToken.None);
        await harness.Store.StartAsync(CancellationToken.None);
        await harness.Store.WaitForRebuildAsync(TimeSpan.FromSeconds(60));
        return harness;
    }

    /// <summary>Stops the sink and its projection but keeps the folder (for a restart on it).</summary>
    public async Task StopAsync()
    {
        await Store.StopAsync(CancellationToken.None);
        await Projection.StopAsync(CancellationToken.None);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await Store.DisposeAsync();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Waits until the projection has applied everything fed to it so far.</summary>
    public Task CaughtUpAsync() => Projection.WaitForAppliedAsync(Projection.GetFreshness().DurableSequence, TimeSpan.FromSeconds(30));
}

/// <summary>Requests with an id of their own, and reading them back out of request objects.</summary>
public static class Requests
{
    /// <summary>A contract-v1 body of one profile whose identity is <paramref name="id"/>, spread over lines as clients do.</summary>
    public static byte[] Body(string id, string audience = "aud-1", string status = "realized") => Encoding.UTF8.GetBytes($$"""
        {
          "schemaVersion": 1,
          "profiles": [
            {"identities": {"email": ["{{id}}"]},
             "audiences": {"ups": {"{{audience}}": {"status": "{{status}}", "qualifiedAt": "2026-11-01T10:00:00Z"} } },
             "attributes": {"firstName": "Zoë \"{{id}}\"", "note": "line\nbreak"} }
          ]
        }
        """);

    /// <summary>The identity ids of every request in the request objects of <paramref name="objects"/> under <paramref name="prefix"/>.</summary>
    public static async Task<(List<string> Ids, List<string> Keys)> ReadBackAsync(IObjectStore objects, string prefix)
    {
        var (ids, keys, unreadable) = await TryReadBackAsync(objects, prefix);
        Assert.Empty(unreadable);
        return (ids, keys);
    }

    /// <summary>As <see cref="ReadBackAsync"/>, with the keys of objects that cannot be read (a test says whether any may be).</summary>
    public static async Task<(List<string> Ids, List<string> Keys, List<string> Unreadable)> TryReadBackAsync(IObjectStore objects, string prefix)
    {
        var ids = new List<string>();
        var keys = new List<string>();
        var unreadable = new List<string>();
        await foreach (var key in objects.ListAsync(ObjectLayout.RequestsRoot(ObjectLayout.NormalizePrefix(prefix)), CancellationToken.None))
        {
            keys.Add(key);
            List<LoggedRequest> requests;
            try
            {
                var content = await objects.GetAsync(key, CancellationToken.None);
                Assert.NotNull(content);
                requests = ObjectLayout.Decode(content);
            }
            catch (Exception ex) when (ex is not Xunit.Sdk.XunitException)
            {
                unreadable.Add($"{key}: {ex.GetType().Name}");
                continue;
            }
            foreach (var request in requests)
            {
                ids.AddRange(IdsOf(request.Body));
            }
        }
        return (ids, keys, unreadable);
    }

    public static IEnumerable<string> IdsOf(byte[] body)
    {
        using var doc = JsonDocument.Parse(body);
        foreach (var profile in doc.RootElement.GetProperty("profiles").EnumerateArray())
        {
            foreach (var id in profile.GetProperty("identities").GetProperty("email").EnumerateArray())
            {
                yield return id.GetString()!;
            }
        }
    }
}

/// <summary>Buckets made and removed with the plain SDK clients, independent of the code under test.</summary>
public static class Buckets
{
    public static AmazonS3Client S3Client(string endpoint) => new(new BasicAWSCredentials(LocalServices.S3AccessKey, LocalServices.S3SecretKey),
        new AmazonS3Config
        {
            ServiceURL = endpoint,
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        });

    public static async Task DeleteS3BucketAsync(string endpoint, string bucket)
    {
        using var s3 = S3Client(endpoint);
        try
        {
            var request = new ListObjectsV2Request { BucketName = bucket };
            while (true)
            {
                var page = await s3.ListObjectsV2Async(request);
                foreach (var o in page.S3Objects ?? [])
                {
                    await s3.DeleteObjectAsync(bucket, o.Key);
                }
                if (page.IsTruncated != true)
                {
                    break;
                }
                request.ContinuationToken = page.NextContinuationToken;
            }
            await s3.DeleteBucketAsync(bucket);
        }
        catch (AmazonS3Exception)
        {
        }
        catch (HttpRequestException)
        {
        }
    }

    public static async Task DeleteContainerAsync(string connectionString, string container)
    {
        try
        {
            await new Azure.Storage.Blobs.BlobContainerClient(connectionString, container).DeleteIfExistsAsync();
        }
        catch (Azure.RequestFailedException)
        {
        }
    }
}
