using System.CommandLine;
using DestinationKit.Automation.Cli;
using DestinationKit.Automation.Driver;
using DestinationKit.Simulator.Terminal;

namespace DestinationKit.Automation.Tests;

public sealed class CliTests : IDisposable
{
    private readonly FakeDriver _driver = new();
    private readonly Dictionary<string, string?> _environment = new(StringComparer.Ordinal);
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "dk-cli-" + Guid.NewGuid().ToString("N"));
    private PulumiDriverOptions? _options;

    public CliTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string File(string name, string text)
    {
        var path = Path.Combine(_directory, name);
        System.IO.File.WriteAllText(path, text);
        return path;
    }

    private async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        var root = new RootCommand("test");
        foreach (var command in DeploymentCommands.Build(o =>
                 {
                     _options = o;
                     return _driver;
                 }, name => _environment.GetValueOrDefault(name)))
            root.Subcommands.Add(command);
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (code, output.ToString(), error.ToString());
    }

    private const string GcsJson = """
        {"destination:mode": "batch", "destination:target": "gcp-gcs", "destination:region": "europe-west1",
         "destination:tenants": "[\"acme\"]", "destination:destinationName": "Acme Audiences", "gcp:project": "acme-prod"}
        """;

    [Fact]
    public async Task Up_deploys_prints_outputs_without_secrets_and_shows_progress()
    {
        _driver.OutputsAfterUp = Outputs.Gcs;
        var aep = Path.Combine(_directory, "aep.json");

        var (code, output, error) = await RunAsync("up", "-c", File("gcs.json", GcsJson), "-s", "prod", "--backend", "file:///state", "--aep-config", aep);

        Assert.Equal(0, code);
        Assert.Contains("bucket:  acme-landing-abcdefgh", output, StringComparison.Ordinal);
        Assert.Contains("tenant   acme: accessId, prefix, secretAccessKey, serviceAccount [secret]", output, StringComparison.Ordinal);
        Assert.DoesNotContain(Outputs.HmacSecret, output + error, StringComparison.Ordinal);
        Assert.Contains("InstallingPlugin  gcp v9.35.0", error, StringComparison.Ordinal);
        Assert.Equal(Outputs.AepJson, await System.IO.File.ReadAllTextAsync(aep));
        Assert.Equal("file:///state", _options!.BackendUrl);
        Assert.Equal("prod", _driver.Stacks.Keys.Single());
    }

    [Fact]
    public async Task An_invalid_configuration_exits_2_with_every_error()
    {
        var (code, _, error) = await RunAsync("preview", "-c", File("bad.json", """{"destination:mode": "streamin"}"""), "-s", "x");

        Assert.Equal(DeploymentCommands.ExitInvalidInput, code);
        Assert.Contains("error: The destination configuration has", error, StringComparison.Ordinal);
        Assert.Contains("destination:mode: got \"streamin\"", error, StringComparison.Ordinal);
        Assert.Empty(_driver.Calls);
    }

    [Fact]
    public async Task Secrets_come_from_the_environment_and_are_set_as_secrets()
    {
        _environment["DLZ_SAS"] = $$"""{"acme": "{{Configs.SasUri}}"}""";
        var yaml = File("Pulumi.files.yaml", """
            config:
              destination:mode: batch
              destination:target: dlz
              destination:tenants: '["acme"]'
              destination:destinationName: Acme Files
              destination:dlzSasUris:
                secure: AAABAGNpcGhlcnRleHQ=
            """);

        var (without, _, withoutError) = await RunAsync("up", "-c", yaml);
        var (code, output, error) = await RunAsync("up", "-c", yaml, "--secret", "destination:dlzSasUris=DLZ_SAS");

        Assert.Equal(DeploymentCommands.ExitInvalidInput, without);
        Assert.Contains("encrypted values cannot be read without Pulumi; give each with --secret KEY=ENVIRONMENT_VARIABLE: destination:dlzSasUris", withoutError, StringComparison.Ordinal);
        Assert.Equal(0, code);
        var config = _driver.Stacks["files"].Config;
        Assert.Equal(new StackConfigValue($$"""{"acme": "{{Configs.SasUri}}"}""", true), config["destination:dlzSasUris"]);
        Assert.DoesNotContain("sig=", output + error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Destroy_with_remove_and_outputs_of_a_missing_stack()
    {
        await RunAsync("up", "-c", File("gcs.json", GcsJson), "-s", "prod");

        var (destroyed, _, _) = await RunAsync("destroy", "-s", "prod", "--remove");
        var (missing, _, error) = await RunAsync("outputs", "-s", "prod");

        Assert.Equal(0, destroyed);
        Assert.Empty(_driver.Stacks);
        Assert.Equal(DeploymentCommands.ExitFailed, missing);
        Assert.Contains("error: stack prod does not exist in this backend", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Outputs_can_write_the_aep_document_to_standard_output()
    {
        await RunAsync("up", "-c", File("gcs.json", GcsJson), "-s", "prod");

        var (code, output, _) = await RunAsync("outputs", "-s", "prod", "--aep-config", "-");

        Assert.Equal(0, code);
        Assert.Equal(Outputs.AepJson, output);
    }

    [Fact]
    public async Task Sweep_reports_what_it_removed()
    {
        var old = "ci-20200101t000000z-aaaaaa";
        await RunAsync("up", "-c", File("gcs.json", GcsJson), "-s", old);
        _driver.Listed.Add(new StackInfo(old, null, false));
        _driver.Listed.Add(new StackInfo("prod", null, false));

        var (code, output, _) = await RunAsync("sweep", "--older-than-hours", "1");

        Assert.Equal(0, code);
        Assert.Equal($"removed {old}{Environment.NewLine}1 removed, 0 failed{Environment.NewLine}", output);
    }

    [Fact]
    public async Task Ephemeral_runs_the_test_against_a_unique_stack_with_its_outputs_and_always_tears_down()
    {
        var seen = Path.Combine(_directory, "seen.json");
        _driver.OutputsAfterUp = Outputs.Gcs;

        var (passed, output, _) = await RunAsync("ephemeral", "-c", File("gcs.json", GcsJson), "-s", "x", "--prefix", "ci-gcs", "--",
            "sh", "-c", $"cp \"$DK_STACK_OUTPUTS\" {seen} && test -n \"$DK_STACK\"");
        var (failed, _, _) = await RunAsync("ephemeral", "-c", File("gcs.json", GcsJson), "--", "sh", "-c", "exit 3");

        Assert.Equal(0, passed);
        Assert.Contains("test exited with 0", output, StringComparison.Ordinal);
        Assert.Contains(Outputs.HmacSecret, await System.IO.File.ReadAllTextAsync(seen), StringComparison.Ordinal);
        Assert.Equal(3, failed);
        Assert.Empty(_driver.Stacks);
        Assert.Equal(2, _driver.Calls.Count(c => c.StartsWith("remove ci-", StringComparison.Ordinal)));
        Assert.Contains(_driver.Calls, c => c.StartsWith("remove ci-gcs-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Progress_none_leaves_standard_error_to_warnings_and_errors()
    {
        _driver.OutputsAfterUp = Outputs.Gcs;

        var (code, _, error) = await RunAsync("up", "-c", File("gcs.json", GcsJson), "-s", "prod", "--progress", "none");

        Assert.Equal(0, code);
        Assert.Equal("", error);
    }

    [Fact]
    public async Task The_tool_plays_AEP_too_and_a_mistake_in_the_options_exits_2()
    {
        var stack = File("Pulumi.files.yaml", """
            config:
              destination:mode: batch
              destination:target: aws-s3
              destination:region: eu-west-1
              destination:tenants: '["acme"]'
              destination:destinationName: Acme Audiences
            """);
        var folder = Path.Combine(_directory, "exports");
        var summary = Path.Combine(_directory, "summary.json");

        async Task<(int, string, string)> Tool(params string[] args)
        {
            using var output = new StringWriter();
            using var error = new StringWriter();
            var code = await CommandLineInvocation.InvokeAsync(DestinationKitCli.Build(), args, new InvocationConfiguration { Output = output, Error = error });
            return (code, output.ToString(), error.ToString());
        }

        var (written, output, _) = await Tool("simulate", "batch", "--stack-config", stack, "--tenant", "acme", "--location", folder,
            "--profiles", "50", "--audiences", "2", "--summary", summary, "--progress", "none");
        var (mistake, _, error) = await Tool("simulate", "batch", "--stack-config", stack, "--profiles", "many");

        Assert.True(written == 0, output);
        Assert.Equal(2, Directory.GetFiles(folder, "Acme Audiences_*.csv").Length);
        Assert.Contains("\"ok\": true", await System.IO.File.ReadAllTextAsync(summary), StringComparison.Ordinal);
        Assert.Equal(2, mistake);
        Assert.StartsWith("error: Cannot parse argument 'many' for option '--profiles'", error, StringComparison.Ordinal);
    }
}
