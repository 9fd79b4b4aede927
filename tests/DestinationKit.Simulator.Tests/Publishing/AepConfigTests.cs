using System.Text.Json.Nodes;
using DestinationKit.Model.Aep;
using DestinationKit.Model.Configuration;
using DestinationKit.Simulator.Publishing;

namespace DestinationKit.Simulator.Tests.Publishing;

public sealed class AepConfigTests : IDisposable
{
    private readonly PublishingHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    private const string BatchStack = """
        # a batch destination on Adobe's Data Landing Zone
        config:
          destination:mode: batch
          destination:target: dlz
          destination:namePrefix: acme
          destination:tenants: '["acme", "globex"]'
          destination:destinationName: Acme Files
          destination:dlzSasUris:
            secure: AAABAHm0cWv3cHJ6ZXQtc2VjcmV0LWNpcGhlcnRleHQ=
        """;

    [Fact]
    public async Task From_a_stack_file_it_writes_what_the_stack_would_export()
    {
        var stackFile = _harness.File("Pulumi.files.yaml", BatchStack);
        _harness.File("Pulumi.yaml", "name: acmeproject\nruntime: dotnet\n");
        var outFile = Path.Combine(_harness.Directory, "out.json");

        var (code, output, error) = await _harness.RunAsync("aep-config", "--stack-file", stackFile, "--out", outFile);

        Assert.Equal("", error);
        Assert.Equal(0, code);
        Assert.Equal($"wrote {outFile}" + Environment.NewLine, output);
        var expected = AepConfigurationBuilder.Build(DestinationSpecParser.Parse(StackConfiguration.From("acmeproject", "files", new Dictionary<string, string>
        {
            ["destination:mode"] = "batch",
            ["destination:target"] = "dlz",
            ["destination:namePrefix"] = "acme",
            ["destination:tenants"] = """["acme", "globex"]""",
            ["destination:destinationName"] = "Acme Files",
            ["destination:dlzSasUris"] = "{}",
        }, ["destination:dlzSasUris"])), DeploymentFacts.None).ToJson();
        Assert.Equal(expected, await File.ReadAllTextAsync(outFile));
    }

    [Fact]
    public void The_stack_file_is_read_as_pulumi_hands_it_to_the_program()
    {
        var stackFile = _harness.File("Pulumi.s.yaml", BatchStack + "\n  destination:tags:\n    team: data\n    tier: 2\n  destination:retentionDays: 30\n");

        var configuration = StackFileReader.Read(stackFile);

        Assert.Equal("destinationkit", configuration.Project);
        Assert.Equal("s", configuration.Stack);
        Assert.Equal(["destination:dlzSasUris"], configuration.SecretKeys);
        Assert.Equal("{}", configuration.Values["destination:dlzSasUris"]);
        Assert.Equal("""{"team":"data","tier":2}""", configuration.Values["destination:tags"]);
        Assert.Equal("30", configuration.Values["destination:retentionDays"]);
    }

    [Fact]
    public async Task A_streaming_stack_file_needs_the_endpoint()
    {
        var stackFile = Path.Combine(PublishingHarness.RepositoryRoot, "Pulumi.dev.yaml");

        var (code, _, error) = await _harness.RunAsync("aep-config", "--stack-file", stackFile, "--out", "-");
        var (withEndpoint, output, _) = await _harness.RunAsync("aep-config", "--stack-file", stackFile, "--endpoint", PublishingHarness.Endpoint.AbsoluteUri, "--out", "-");

        Assert.Equal(PublishExitCodes.InvalidInput, code);
        Assert.Contains("is a streaming destination: give --endpoint", error, StringComparison.Ordinal);
        Assert.Equal(0, withEndpoint);
        Assert.Equal(PublishingHarness.StreamingDocument(), output);
    }

    [Fact]
    public async Task An_invalid_stack_file_lists_every_error()
    {
        var stackFile = _harness.File("Pulumi.bad.yaml", "config:\n  destination:mode: streamin\n  destination:regoin: x\n");

        var (code, _, error) = await _harness.RunAsync("aep-config", "--stack-file", stackFile, "--out", "-");

        Assert.Equal(PublishExitCodes.InvalidInput, code);
        Assert.Contains("is not a valid destination configuration (", error, StringComparison.Ordinal);
        Assert.Contains("destination:mode: got \"streamin\"", error, StringComparison.Ordinal);
        Assert.Contains("destination:regoin: is not a known key", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task From_stack_outputs_it_writes_the_aep_document()
    {
        var document = PublishingHarness.StreamingDocument();
        var outputs = _harness.File("outputs.json", new JsonObject
        {
            ["target"] = "aws",
            ["aepConfiguration"] = document,
            ["credentials"] = "[secret]",
        }.ToJsonString());

        var (code, output, _) = await _harness.RunAsync("aep-config", "--stack-outputs", outputs, "-o", "-");

        Assert.Equal(0, code);
        Assert.Equal(document, output);
    }

    [Theory]
    [InlineData("error: give exactly one of --stack-outputs and --stack-file")]
    public async Task Exactly_one_source_is_required(string message)
    {
        var (none, _, noneError) = await _harness.RunAsync("aep-config");
        var (both, _, _) = await _harness.RunAsync("aep-config", "--stack-outputs", "a.json", "--stack-file", "Pulumi.x.yaml");

        Assert.Equal(PublishExitCodes.InvalidInput, none);
        Assert.Equal(message + Environment.NewLine, noneError);
        Assert.Equal(PublishExitCodes.InvalidInput, both);
    }

    [Fact]
    public async Task Help_names_every_option_and_where_credentials_come_from()
    {
        var (code, output, _) = await _harness.RunAsync("publish", "--help");

        Assert.Equal(0, code);
        foreach (var text in new[] { "--config", "--client-id", "--org-id", "--sandbox", "--client-secret-file", "ADOBE_CLIENT_SECRET", "Idempotent", "Exit codes" })
            Assert.Contains(text, output, StringComparison.Ordinal);
    }
}
