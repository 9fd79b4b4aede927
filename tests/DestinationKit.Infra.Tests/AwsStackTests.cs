using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using DestinationKit.Aws.Landing;
using DestinationKit.Aws.Sftp;
using DestinationKit.Model.Aep;
using DestinationKit.Model.Configuration;
using DestinationKit.Model.Naming;
using DestinationKit.Model.Spec;
using Pulumi;
using Pulumi.Utilities;

namespace DestinationKit.Infra.Tests;

/// <summary>The stack with targets aws-s3 and sftp on aws: the components are created from the configuration, and the
/// stack exports the bucket, the SFTP host, the tenants' credentials (secret) and the AEP configuration for what was
/// deployed.</summary>
public class AwsStackTests
{
    private const string Tenants = """["acme", {"id": "globex", "name": "Globex Corporation"}, "initech"]""";

    /// <summary>Three tenants on aws-s3; <paramref name="changes"/> add keys or replace them.</summary>
    private static Dictionary<string, string> S3Config(params (string Key, string Value)[] changes) =>
        Config([("target", "aws-s3"), .. changes]);

    private static Dictionary<string, string> SftpConfig(params (string Key, string Value)[] changes) =>
        Config([("target", "sftp"), ("cloud", "aws"), .. changes]);

    private static Dictionary<string, string> Config((string Key, string Value)[] settings)
    {
        var config = StackRunner.Config(("mode", "batch"), ("region", "eu-west-1"), ("tenants", Tenants), ("destinationName", "Acme Audiences"));
        foreach (var (key, value) in settings) config[$"destination:{key}"] = value;
        return config;
    }

    private static DestinationSpec Spec(Dictionary<string, string> config) =>
        DestinationSpecParser.Parse(StackConfiguration.From(StackRunner.Project, StackRunner.Stack, config));

    [Fact]
    public async Task Aws_s3_deploys_the_landing_zone_and_exports_the_bucket_and_the_builders_aep_configuration()
    {
        var mocks = StackRunner.NewMocks();

        var resources = await StackRunner.RunAsync(mocks, S3Config());

        var stack = Assert.Single(resources.OfType<DestinationStack>());
        Assert.Single(resources.OfType<S3LandingZone>());
        var spec = Spec(S3Config());
        var bucket = new ResourceNames(spec).LandingBucket;
        Assert.Equal("aws-s3", await OutputUtilities.GetValueAsync(stack.Target));
        Assert.Equal(bucket, await OutputUtilities.GetValueAsync(stack.Bucket));
        Assert.Null(await OutputUtilities.GetValueAsync(stack.SftpHost));
        Assert.Single(mocks.Created, r => r.Type == "aws:s3/bucket:Bucket");
        Assert.Equal(3, mocks.Created.Count(r => r.Type == "aws:iam/accessKey:AccessKey"));

        var exported = await OutputUtilities.GetValueAsync(stack.AepConfiguration);
        Assert.Equal(AepConfigurationBuilder.Build(spec, DeploymentFacts.None).ToJson(), exported);
        Assert.False(await Output.IsSecretAsync(stack.AepConfiguration));
        using var document = JsonDocument.Parse(exported);
        var server = document.RootElement.GetProperty("destinationServer");
        Assert.Equal("FILE_BASED_S3", server.GetProperty("destinationServerType").GetString());
        Assert.Equal(bucket, server.GetProperty("fileBasedS3Destination").GetProperty("bucket").GetProperty("value").GetString());
        Assert.Equal("S3", document.RootElement.GetProperty("destinationConfiguration")
            .GetProperty("customerAuthenticationConfigurations")[0].GetProperty("authType").GetString());
    }

    [Fact]
    public async Task The_aws_s3_credentials_output_is_secret_and_holds_each_tenants_access_key_prefix_and_user()
    {
        var names = new ResourceNames(Spec(S3Config()));

        var resources = await StackRunner.RunAsync(StackRunner.NewMocks(), S3Config());

        var stack = Assert.Single(resources.OfType<DestinationStack>());
        Assert.True(await Output.IsSecretAsync(stack.Credentials));
        Assert.False(await Output.IsSecretAsync(stack.Bucket));
        using var credentials = JsonDocument.Parse(await OutputUtilities.GetValueAsync(stack.Credentials) ?? "");
        Assert.Equal(["acme", "globex", "initech"], credentials.RootElement.EnumerateObject().Select(p => p.Name));
        foreach (var tenant in credentials.RootElement.EnumerateObject())
        {
            var key = $"landing-{tenant.Name}-access-key";
            Assert.Equal(["accessKeyId", "secretAccessKey", "prefix", "iamUser", "customerData"], tenant.Value.EnumerateObject().Select(p => p.Name));
            Assert.Equal(AwsBehaviour.AccessKeyId(key), tenant.Value.GetProperty("accessKeyId").GetString());
            Assert.Equal(AwsBehaviour.SecretAccessKey(key), tenant.Value.GetProperty("secretAccessKey").GetString());
            Assert.Equal($"{tenant.Name}/", tenant.Value.GetProperty("prefix").GetString());
            Assert.Equal($"arn:aws:iam::{AwsBehaviour.AccountId}:user/{names.IamUser(tenant.Name)}", tenant.Value.GetProperty("iamUser").GetString());
            Assert.Equal(tenant.Name, tenant.Value.GetProperty("customerData").GetProperty("tenantId").GetString());
        }
    }

    [Fact]
    public async Task With_adobe_role_the_credentials_name_each_tenants_role_and_no_key_exists()
    {
        var config = S3Config(("s3Access", "adobe-role"));
        var names = new ResourceNames(Spec(config));
        var mocks = StackRunner.NewMocks();

        var resources = await StackRunner.RunAsync(mocks, config);

        var stack = Assert.Single(resources.OfType<DestinationStack>());
        Assert.DoesNotContain(mocks.Created, r => r.Type is "aws:iam/accessKey:AccessKey" or "aws:iam/user:User");
        using var credentials = JsonDocument.Parse(await OutputUtilities.GetValueAsync(stack.Credentials) ?? "");
        var globex = credentials.RootElement.GetProperty("globex");
        Assert.Equal(["roleArn", "prefix", "customerData"], globex.EnumerateObject().Select(p => p.Name));
        Assert.Equal($"arn:aws:iam::{AwsBehaviour.AccountId}:role/{names.IamRole("globex", "adobe")}", globex.GetProperty("roleArn").GetString());
    }

    [Fact]
    public async Task Sftp_on_aws_deploys_the_transfer_server_and_exports_its_host_in_the_aep_configuration()
    {
        var mocks = StackRunner.NewMocks();

        var resources = await StackRunner.RunAsync(mocks, SftpConfig());

        var stack = Assert.Single(resources.OfType<DestinationStack>());
        Assert.Single(resources.OfType<TransferSftpServer>());
        var spec = Spec(SftpConfig());
        var host = AwsBehaviour.TransferHost(AwsBehaviour.TransferServerId("landing-server"), "eu-west-1");
        Assert.Equal("sftp", await OutputUtilities.GetValueAsync(stack.Target));
        Assert.Equal(host, await OutputUtilities.GetValueAsync(stack.SftpHost));
        Assert.Equal(new ResourceNames(spec).LandingBucket, await OutputUtilities.GetValueAsync(stack.Bucket));
        Assert.Equal(3, mocks.Created.Count(r => r.Type == "aws:transfer/user:User"));

        var exported = await OutputUtilities.GetValueAsync(stack.AepConfiguration);
        Assert.Equal(AepConfigurationBuilder.Build(spec, new DeploymentFacts { SftpHost = host }).ToJson(), exported);
        using var document = JsonDocument.Parse(exported);
        var server = document.RootElement.GetProperty("destinationServer").GetProperty("fileBasedSftpDestination");
        Assert.Equal(host, server.GetProperty("hostName").GetProperty("value").GetString());
        Assert.Equal("/", server.GetProperty("rootDirectory").GetProperty("value").GetString());
        Assert.Equal(22, server.GetProperty("port").GetInt32());
        Assert.Equal("SFTP_WITH_SSH_KEY", document.RootElement.GetProperty("destinationConfiguration")
            .GetProperty("customerAuthenticationConfigurations")[0].GetProperty("authType").GetString());
    }

    [Fact]
    public async Task The_sftp_credentials_output_is_secret_and_holds_each_tenants_host_user_and_base64_rsa_key()
    {
        var resources = await StackRunner.RunAsync(StackRunner.NewMocks(), SftpConfig());

        var stack = Assert.Single(resources.OfType<DestinationStack>());
        Assert.True(await Output.IsSecretAsync(stack.Credentials));
        Assert.False(await Output.IsSecretAsync(stack.SftpHost));
        var host = await OutputUtilities.GetValueAsync(stack.SftpHost);
        using var credentials = JsonDocument.Parse(await OutputUtilities.GetValueAsync(stack.Credentials) ?? "");
        Assert.Equal(["acme", "globex", "initech"], credentials.RootElement.EnumerateObject().Select(p => p.Name));
        foreach (var tenant in credentials.RootElement.EnumerateObject())
        {
            Assert.Equal(["host", "port", "username", "sshKey", "customerData"], tenant.Value.EnumerateObject().Select(p => p.Name));
            Assert.Equal(host, tenant.Value.GetProperty("host").GetString());
            Assert.Equal(22, tenant.Value.GetProperty("port").GetInt32());
            Assert.Equal(tenant.Name, tenant.Value.GetProperty("username").GetString());
            var pem = Encoding.UTF8.GetString(Convert.FromBase64String(tenant.Value.GetProperty("sshKey").GetString()!));
            using var rsa = RSA.Create();
            rsa.ImportFromPem(pem);
            Assert.Equal(4096, rsa.KeySize);
        }
    }

    [Fact]
    public async Task A_bad_aws_configuration_fails_with_every_error_before_any_resource()
    {
        var mocks = StackRunner.NewMocks();
        var config = SftpConfig(
            ("encryption", "customer-managed"),
            ("encryptionKeyId", "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"),
            ("s3Access", "adobe-role"),
            ("tags", """{"aws:team": "data"}"""));

        var error = await Assert.ThrowsAsync<RunException>(() => StackRunner.RunAsync(mocks, config));

        Assert.Empty(mocks.Created);
        Assert.Empty(mocks.Calls);
        Assert.StartsWith("The destination configuration has 3 errors:", error.Message, StringComparison.Ordinal);
        Assert.Contains("destination:encryptionKeyId: got \"arn:aws:kms:us-east-1:", error.Message, StringComparison.Ordinal);
        Assert.Contains("destination:s3Access:", error.Message, StringComparison.Ordinal);
        Assert.Contains("destination:tags.aws:team:", error.Message, StringComparison.Ordinal);
    }
}
