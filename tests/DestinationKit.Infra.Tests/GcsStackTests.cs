using System.Text.Json;
using DestinationKit.Gcp;
using DestinationKit.Model.Aep;
using DestinationKit.Model.Configuration;
using DestinationKit.Model.Naming;
using DestinationKit.Model.Spec;
using Pulumi;
using Pulumi.Utilities;

namespace DestinationKit.Infra.Tests;

/// <summary>The stack with target gcp-gcs: the landing zone is created from the configuration and the stack exports
/// the bucket, the tenants' credentials (secret) and the AEP configuration for the deployed bucket.</summary>
public class GcsStackTests
{
    /// <summary>Three tenants on gcp-gcs; <paramref name="changes"/> add keys or replace them.</summary>
    private static Dictionary<string, string> GcsConfig(params (string Key, string Value)[] changes)
    {
        var config = StackRunner.Config(
            ("mode", "batch"),
            ("target", "gcp-gcs"),
            ("region", "europe-west1"),
            ("tenants", """["acme", {"id": "globex", "name": "Globex Corporation"}, "initech"]"""),
            ("destinationName", "Acme Audiences"));
        foreach (var (key, value) in changes) config[$"destination:{key}"] = value;
        return config;
    }

    private static DestinationSpec Spec(Dictionary<string, string> config) =>
        DestinationSpecParser.Parse(StackConfiguration.From(StackRunner.Project, StackRunner.Stack, config));

    [Fact]
    public async Task Gcp_gcs_deploys_the_landing_zone_and_exports_the_bucket()
    {
        var mocks = StackRunner.NewMocks();

        var resources = await StackRunner.RunAsync(mocks, GcsConfig());

        var stack = Assert.Single(resources.OfType<DestinationStack>());
        var zone = Assert.Single(resources.OfType<GcsLandingZone>());
        var bucket = new ResourceNames(Spec(GcsConfig())).LandingBucket;
        Assert.Equal("gcp-gcs", await OutputUtilities.GetValueAsync(stack.Target));
        Assert.Equal(bucket, await OutputUtilities.GetValueAsync(stack.Bucket));
        Assert.Equal(bucket, await OutputUtilities.GetValueAsync(zone.BucketName));
        Assert.Equal(3, mocks.Created.Count(r => r.Type == "gcp:storage/hmacKey:HmacKey"));
        Assert.Equal(3, mocks.Created.Count(r => r.Type == "gcp:storage/bucketIAMMember:BucketIAMMember"));
        Assert.Single(mocks.Created, r => r.Type == "gcp:storage/bucket:Bucket");
        Assert.Single(mocks.Created, r => r.Type == GcsLandingZone.TypeToken);
        // Nothing for the ingestion app yet: the app's Google Cloud sink comes with the streaming target.
        Assert.Null(await OutputUtilities.GetValueAsync(stack.IngestionSources));
    }

    [Fact]
    public async Task The_credentials_output_is_secret_and_holds_each_tenants_hmac_key_prefix_and_service_account()
    {
        var mocks = StackRunner.NewMocks();
        var names = new ResourceNames(Spec(GcsConfig()));

        var resources = await StackRunner.RunAsync(mocks, GcsConfig());

        var stack = Assert.Single(resources.OfType<DestinationStack>());
        Assert.True(await Output.IsSecretAsync(stack.Credentials));
        Assert.False(await Output.IsSecretAsync(stack.Bucket));
        using var credentials = JsonDocument.Parse(await OutputUtilities.GetValueAsync(stack.Credentials) ?? "");
        Assert.Equal(["acme", "globex", "initech"], credentials.RootElement.EnumerateObject().Select(p => p.Name));
        foreach (var tenant in credentials.RootElement.EnumerateObject())
        {
            var hmac = $"landing-{tenant.Name}-hmac";
            Assert.Equal(["accessId", "secretAccessKey", "prefix", "serviceAccount"], tenant.Value.EnumerateObject().Select(p => p.Name));
            Assert.Equal(GcpBehaviour.HmacAccessId(hmac), tenant.Value.GetProperty("accessId").GetString());
            Assert.Equal(GcpBehaviour.HmacSecret(hmac), tenant.Value.GetProperty("secretAccessKey").GetString());
            Assert.Equal($"{tenant.Name}/", tenant.Value.GetProperty("prefix").GetString());
            Assert.Equal(GcpBehaviour.ServiceAccountEmail(names.GcpServiceAccountId(tenant.Name)), tenant.Value.GetProperty("serviceAccount").GetString());
        }
    }

    [Fact]
    public async Task The_exported_aep_configuration_is_the_builders_for_the_deployed_bucket()
    {
        var mocks = StackRunner.NewMocks();

        var resources = await StackRunner.RunAsync(mocks, GcsConfig());

        var stack = Assert.Single(resources.OfType<DestinationStack>());
        var spec = Spec(GcsConfig());
        var exported = await OutputUtilities.GetValueAsync(stack.AepConfiguration);
        Assert.Equal(AepConfigurationBuilder.Build(spec, DeploymentFacts.None).ToJson(), exported);
        Assert.False(await Output.IsSecretAsync(stack.AepConfiguration));
        using var document = JsonDocument.Parse(exported);
        var server = document.RootElement.GetProperty("destinationServer");
        Assert.Equal("FILE_BASED_GOOGLE_CLOUD", server.GetProperty("destinationServerType").GetString());
        Assert.Equal(await OutputUtilities.GetValueAsync(stack.Bucket),
            server.GetProperty("fileBasedGoogleCloudStorageDestination").GetProperty("bucket").GetProperty("value").GetString());
        Assert.Equal("GOOGLE_CLOUD_STORAGE", document.RootElement.GetProperty("destinationConfiguration")
            .GetProperty("customerAuthenticationConfigurations")[0].GetProperty("authType").GetString());
    }

    [Fact]
    public async Task Customer_managed_encryption_and_tags_reach_the_resources()
    {
        var mocks = StackRunner.NewMocks();

        await StackRunner.RunAsync(mocks, GcsConfig(("encryption", "customer-managed"), ("tags", """{"team": "data-platform"}""")));

        Assert.Single(mocks.Created, r => r.Type == "gcp:kms/keyRing:KeyRing");
        var key = Assert.Single(mocks.Created, r => r.Type == "gcp:kms/cryptoKey:CryptoKey");
        var bucket = Assert.Single(mocks.Created, r => r.Type == "gcp:storage/bucket:Bucket");
        var encryption = Assert.IsAssignableFrom<IReadOnlyDictionary<string, object>>(bucket.Inputs["encryption"]);
        Assert.EndsWith($"/cryptoKeys/{key.Name}", (string)encryption["defaultKmsKeyName"], StringComparison.Ordinal);
        Assert.Equal($"serviceAccount:{GcpBehaviour.StorageServiceAgent}",
            Assert.Single(mocks.Created, r => r.Type == "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember").Inputs["member"]);
        foreach (var labelled in new[] { key, bucket })
        {
            var labels = Assert.IsAssignableFrom<IReadOnlyDictionary<string, object>>(labelled.Inputs["labels"]);
            Assert.Equal("data-platform", labels["team"]);
            Assert.Equal("destinationkit", labels["managed-by"]);
            Assert.Equal("aep", labels["destination-prefix"]);
            Assert.Equal(StackRunner.Stack, labels["stack"]);
        }
    }

    [Fact]
    public async Task A_bad_gcp_gcs_configuration_fails_with_every_error_before_any_resource()
    {
        var mocks = StackRunner.NewMocks();
        var config = GcsConfig(
            ("region", "europe-west1-b"),
            ("encryptionKeyId", "my-key"),
            ("tags", """{"Team": "Data Platform"}"""));

        var error = await Assert.ThrowsAsync<RunException>(() => StackRunner.RunAsync(mocks, config));

        Assert.Empty(mocks.Created);
        Assert.Empty(mocks.Calls);
        Assert.StartsWith("The destination configuration has 3 errors:", error.Message, StringComparison.Ordinal);
        Assert.Contains("destination:region: got \"europe-west1-b\"", error.Message, StringComparison.Ordinal);
        Assert.Contains("destination:encryptionKeyId: is set but encryption is platform", error.Message, StringComparison.Ordinal);
        Assert.Contains("destination:tags.Team:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dlz_exports_no_bucket_and_no_credentials()
    {
        var config = StackRunner.Config(("mode", "batch"), ("target", "dlz"), ("tenants", "[\"acme\"]"), ("destinationName", "Acme Audiences"));

        var resources = await StackRunner.RunAsync(StackRunner.NewMocks(), config);

        var stack = Assert.Single(resources.OfType<DestinationStack>());
        Assert.Null(await OutputUtilities.GetValueAsync(stack.Bucket));
        Assert.Null(await OutputUtilities.GetValueAsync(stack.Credentials));
    }
}
