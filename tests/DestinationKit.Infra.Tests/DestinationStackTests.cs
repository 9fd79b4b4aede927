using DestinationKit.Model.Aep;
using DestinationKit.Model.Configuration;
using DestinationKit.Model.Spec;
using System.Text.Json;
using Pulumi;
using Pulumi.Utilities;

[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace DestinationKit.Infra.Tests;

public class DestinationStackTests
{
    private const string SasUri = "https://dlzacct.blob.core.windows.net/dlz-destination?sv=2023-01-03&se=2030-01-01T00%3A00%3A00Z&sp=rl&sig=c2VjcmV0LXNpZ25hdHVyZQ%3D%3D";

    private static Dictionary<string, string> DlzConfig() => StackRunner.Config(
        ("mode", "batch"),
        ("target", "dlz"),
        ("tenants", "[\"acme\", \"globex\"]"),
        ("destinationName", "Acme Audiences"),
        ("dlzSasUris", $"{{\"acme\": \"{SasUri}\"}}"));

    [Fact]
    public async Task A_bad_configuration_fails_with_every_error_before_any_resource_is_created()
    {
        var config = StackRunner.Config(
            ("mode", "streamin"),
            ("tenants", "[\"Acme\"]"),
            ("regoin", "eu-west-1"));

        var (error, mocks) = await RunExpectingFailure(config);

        Assert.Empty(mocks.Created);
        Assert.StartsWith("The destination configuration has 6 errors:", error.Message, StringComparison.Ordinal);
        Assert.Contains("destination:mode: got \"streamin\"; allowed: batch, streaming; did you mean \"streaming\"?", error.Message, StringComparison.Ordinal);
        Assert.Contains("destination:target: is required", error.Message, StringComparison.Ordinal);
        Assert.Contains("destination:tenants[0]: got \"Acme\"; a tenant id is 3–32 characters", error.Message, StringComparison.Ordinal);
        Assert.Contains("destination:region: is required", error.Message, StringComparison.Ordinal);
        Assert.Contains("destination:destinationName: is required", error.Message, StringComparison.Ordinal);
        Assert.Contains("destination:regoin: is not a known key; did you mean \"region\"?", error.Message, StringComparison.Ordinal);
        // Pulumi prints a RunException's message alone; no stack trace reaches the user.
        Assert.DoesNotContain(" at DestinationKit", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_plain_text_secret_key_is_rejected_without_echoing_the_secret()
    {
        var (error, mocks) = await RunExpectingFailure(DlzConfig(), secretKeys: []);

        Assert.Empty(mocks.Created);
        Assert.Contains("destination:dlzSasUris: holds a secret but is stored in plain text; set it with `pulumi config set --secret destination:dlzSasUris '<value>'`",
            error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("c2VjcmV0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_good_configuration_exports_the_aep_configuration_and_keeps_credentials_secret()
    {
        var mocks = StackRunner.NewMocks();
        var resources = await StackRunner.RunAsync(mocks, DlzConfig(), secretKeys: ["destination:dlzSasUris"]);

        Assert.Empty(mocks.Created);
        var stack = Assert.Single(resources.OfType<DestinationStack>());

        var expected = AepConfigurationBuilder.Build(
            DestinationSpecParser.Parse(StackConfiguration.From(StackRunner.Project, StackRunner.Stack, DlzConfig(), ["destination:dlzSasUris"])),
            DeploymentFacts.None).ToJson();
        Assert.Equal(expected, await OutputUtilities.GetValueAsync(stack.AepConfiguration));
        Assert.Contains("\"destinationServerType\": \"FILE_BASED_DLZ\"", expected, StringComparison.Ordinal);
        Assert.Equal("dlz", await OutputUtilities.GetValueAsync(stack.Target));

        Assert.True(await Output.IsSecretAsync(stack.IngestionSources));
        Assert.False(await Output.IsSecretAsync(stack.AepConfiguration));
        using var sources = JsonDocument.Parse(await OutputUtilities.GetValueAsync(stack.IngestionSources) ?? "");
        var acme = Assert.Single(sources.RootElement.EnumerateObject());
        Assert.Equal("acme", acme.Name);
        Assert.Equal(SasUri, acme.Value.GetProperty("sasUri").GetString());
    }

    private static async Task<(Exception Error, RecordingMocks Mocks)> RunExpectingFailure(
        Dictionary<string, string> config, IEnumerable<string>? secretKeys = null)
    {
        var mocks = StackRunner.NewMocks();
        var error = await Assert.ThrowsAsync<RunException>(() => StackRunner.RunAsync(mocks, config, secretKeys));
        return (error, mocks);
    }
}
