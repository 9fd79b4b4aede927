using System.Net;
using System.Text;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using DestinationKit.Ingestion.Tests.Sinks;
using Pulumi;
using Pulumi.Utilities;

namespace DestinationKit.Streaming.Tests;

/// <summary>The sink variables <see cref="AppEnvironment"/> gives a cloud configure the real app: what one instance
/// acknowledges is in the bucket, and a second instance on an empty disk (a new Lambda or Cloud Run instance) answers
/// from it. The bucket is s3rver or the GCS JSON API stub, reached through the app's settings for local servers.</summary>
public class AppSinkTests
{
    private static readonly string Key = "dkp_" + new string('k', 48);
    private static readonly string Document = "{\"version\":1,\"tenants\":{\"acme\":{\"apiKeys\":[\"" + Key + "\"],\"oauthClients\":[]}}}";

    [Fact]
    public async Task The_s3_sink_of_the_aws_environment_stores_in_the_bucket_that_a_new_instance_rebuilds_from()
    {
        var bucket = LocalServices.UniqueBucket("streaming");
        var environment = AppEnvironment.Common(Specs.Streaming("aws"), null).AddRange(AppEnvironment.S3Sink(bucket));
        Dictionary<string, string> local = new()
        {
            ["Ingestion__S3__ServiceUrl"] = LocalServices.S3Endpoint,
            ["Ingestion__S3__AccessKey"] = LocalServices.S3AccessKey,
            ["Ingestion__S3__SecretKey"] = LocalServices.S3SecretKey,
            ["Ingestion__S3__Region"] = "us-east-1",
            ["Ingestion__S3__CreateIfMissing"] = "true",
        };
        try
        {
            await WrittenThenRebuiltAsync(environment, local);
        }
        finally
        {
            await DeleteBucketAsync(bucket);
        }
    }

    [Fact]
    public async Task The_gcs_sink_of_the_gcp_environment_stores_in_the_bucket_that_a_new_instance_rebuilds_from()
    {
        await using var gcs = await GcsStub.StartAsync();
        var bucket = LocalServices.UniqueBucket("streaming");
        var environment = AppEnvironment.Common(Specs.Streaming("gcp"), null).AddRange(AppEnvironment.GcsSink(bucket));
        Dictionary<string, string> local = new()
        {
            ["Ingestion__Gcs__Endpoint"] = gcs.Endpoint.ToString(),
            ["Ingestion__Gcs__ProjectId"] = "test-project",
            ["Ingestion__Gcs__CreateIfMissing"] = "true",
        };

        await WrittenThenRebuiltAsync(environment, local);

        Assert.Contains(gcs.ObjectNames(bucket), name => name.StartsWith("requests/tenant=acme/", StringComparison.Ordinal));
        Assert.Empty(gcs.Unhandled);
    }

    private static async Task WrittenThenRebuiltAsync(System.Collections.Immutable.ImmutableSortedDictionary<string, Input<string>> environment,
        Dictionary<string, string> local)
    {
        await using (var first = await StartAsync(environment, local))
        {
            using var client = first.Client(Key);
            var written = await client.PostAsync("/v1/profiles", new StringContent(
                """{"schemaVersion":1,"profiles":[{"identities":{"email":["ada@example.com"]},"audiences":{"ups":{"aud1":{"status":"realized"}}},"attributes":{}}]}""",
                Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, written.StatusCode);
        }
        await using var second = await StartAsync(environment, local);
        using var reader = second.Client(Key);
        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync("/v1/profiles/email/ada@example.com")).StatusCode);
    }

    /// <summary>A cloud's environment on this machine: its own port and data folder (a fresh one each time, as a new
    /// instance has), the settings of the local server, and the provisioned document.</summary>
    private static async Task<RunningApp> StartAsync(System.Collections.Immutable.ImmutableSortedDictionary<string, Input<string>> environment,
        Dictionary<string, string> local)
    {
        var app = new RunningApp();
        foreach (var (name, value) in environment.Where(v => v.Key is not ("Urls" or "Ingestion__DataDirectory")))
            app.Environment[name] = await OutputUtilities.GetValueAsync(value.ToOutput());
        foreach (var (name, value) in local) app.Environment[name] = value;
        app.Environment[AppEnvironment.ProvisionedJson] = Document;
        await app.StartAsync();
        return app;
    }

    private static async Task DeleteBucketAsync(string bucket)
    {
        using var s3 = new AmazonS3Client(new BasicAWSCredentials(LocalServices.S3AccessKey, LocalServices.S3SecretKey),
            new AmazonS3Config { ServiceURL = LocalServices.S3Endpoint, ForcePathStyle = true, AuthenticationRegion = "us-east-1" });
        try
        {
            foreach (var o in (await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket })).S3Objects ?? [])
                await s3.DeleteObjectAsync(bucket, o.Key);
            await s3.DeleteBucketAsync(bucket);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
        }
    }
}
