using System.Reflection;
using System.Text.RegularExpressions;
using DestinationKit.Automation.Driver;
using DestinationKit.Model.Configuration;

namespace DestinationKit.Automation.Tests;

public class DeployerTests
{
    private readonly FakeDriver _driver = new();
    private readonly List<DeploymentEvent> _events = [];

    private DestinationDeployer Deployer()
    {
        var deployer = new DestinationDeployer(_driver);
        deployer.Progress += (_, e) => _events.Add(e);
        return deployer;
    }

    [Fact]
    public async Task Up_validates_then_opens_installs_the_targets_plugins_configures_deploys_and_reads_outputs_in_that_order()
    {
        _driver.OutputsAfterUp = Outputs.Gcs;

        var configuration = Configs.Gcs("prod");
        var outputs = await Deployer().UpAsync(configuration);

        Assert.Equal(["create-or-select prod", "plugin:gcp@9.35.0 prod", "config prod", "up prod", "outputs prod", "dispose prod"], _driver.Calls);
        Assert.Equal("gcp-gcs", outputs.Target);
        Assert.Equal("acme-landing-abcdefgh", outputs.Bucket);
        Assert.Same(configuration, _driver.Stacks["prod"].Program);
        Assert.Equal(
            [DeploymentStage.Validated, DeploymentStage.StackOpened, DeploymentStage.InstallingPlugin, DeploymentStage.Configured,
             DeploymentStage.OperationStarted, DeploymentStage.Resource, DeploymentStage.ResourceDone, DeploymentStage.OperationFinished],
            _events.Select(e => e.Stage));
        Assert.All(_events, e => Assert.Equal("prod", e.Stack));
    }

    [Fact]
    public async Task Dlz_needs_no_provider_plugin()
    {
        await Deployer().UpAsync(Configs.Dlz());

        Assert.Equal(["create-or-select", "config", "up", "outputs", "dispose"], _driver.Operations);
    }

    [Fact]
    public async Task An_invalid_configuration_is_rejected_with_the_parsers_messages_before_the_backend_is_touched()
    {
        var values = new Dictionary<string, string>(Configs.Dlz().Values) { ["destination:mode"] = "streamin", ["destination:regoin"] = "x" };
        var configuration = Configs.Dlz() with { Values = values };

        var error = await Assert.ThrowsAsync<InvalidDestinationConfigException>(() => Deployer().UpAsync(configuration));

        Assert.Empty(_driver.Calls);
        var expected = DestinationSpecParser.TryParse(configuration).Errors;
        Assert.Equal(expected, error.Errors);
        Assert.Contains("destination:regoin: is not a known key", error.Message, StringComparison.Ordinal);
        Assert.Equal(DeploymentStage.Validated, Assert.Single(_events).Stage);
    }

    [Fact]
    public async Task A_secret_stored_in_plain_text_is_rejected_and_never_echoed()
    {
        var configuration = Configs.Dlz() with { SecretKeys = new HashSet<string>() };

        var error = await Assert.ThrowsAsync<InvalidDestinationConfigException>(() => Deployer().PreviewAsync(configuration));

        Assert.Empty(_driver.Calls);
        Assert.Contains("destination:dlzSasUris: holds a secret but is stored in plain text", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("sig=", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cancelled_token_stops_before_anything_runs()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Deployer().UpAsync(Configs.Gcs(), cancelled.Token));

        Assert.Empty(_driver.Calls);
    }

    [Fact]
    public async Task Cancellation_during_plugin_installation_stops_before_config_and_up_and_releases_the_stack()
    {
        using var cts = new CancellationTokenSource();
        _driver.Hooks["plugin:gcp@9.35.0"] = _ => cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Deployer().UpAsync(Configs.Gcs(), cts.Token));

        Assert.Equal(["create-or-select", "plugin:gcp@9.35.0", "dispose"], _driver.Operations);
    }

    [Fact]
    public async Task The_callers_token_reaches_the_operation()
    {
        using var cts = new CancellationTokenSource();

        await Deployer().UpAsync(Configs.Dlz(), cts.Token);

        Assert.Equal(cts.Token, _driver.Tokens["up"]);
    }

    [Fact]
    public async Task A_failed_up_releases_the_stack_and_propagates()
    {
        _driver.Failures["up"] = new InvalidOperationException("engine failed");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Deployer().UpAsync(Configs.Dlz()));

        Assert.Equal("engine failed", error.Message);
        Assert.Equal(["create-or-select", "config", "up", "dispose"], _driver.Operations);
    }

    [Fact]
    public async Task Preview_reports_the_changes_without_deploying()
    {
        var outcome = await Deployer().PreviewAsync(Configs.Gcs("prod"));

        Assert.Equal("3 create", outcome.Changes.ToString());
        Assert.Equal(["create-or-select", "plugin:gcp@9.35.0", "config", "preview", "dispose"], _driver.Operations);
    }

    [Fact]
    public async Task Destroy_selects_an_existing_stack_and_removes_it_only_when_asked()
    {
        var deployer = Deployer();
        await deployer.UpAsync(Configs.Dlz("a"));
        await deployer.UpAsync(Configs.Dlz("b"));
        _driver.Calls.Clear();

        await deployer.DestroyAsync("a");
        await deployer.DestroyAsync("b", remove: true);

        Assert.Equal(["select a", "destroy a", "dispose a", "select b", "destroy b", "dispose b", "remove b"], _driver.Calls);
        Assert.True(_driver.Stacks.ContainsKey("a"));
        Assert.False(_driver.Stacks.ContainsKey("b"));
    }

    [Fact]
    public async Task A_failed_destroy_never_removes_the_stack()
    {
        var deployer = Deployer();
        await deployer.UpAsync(Configs.Dlz("a"));
        _driver.Failures["destroy"] = new InvalidOperationException("bucket not empty");

        await Assert.ThrowsAsync<InvalidOperationException>(() => deployer.DestroyAsync("a", remove: true));

        Assert.DoesNotContain("remove a", _driver.Calls);
    }

    [Fact]
    public async Task Outputs_of_a_missing_stack_say_so()
    {
        var error = await Assert.ThrowsAsync<StackMissingException>(() => Deployer().GetOutputsAsync("nope"));

        Assert.Equal("stack nope does not exist in this backend", error.Message);
    }

    [Fact]
    public async Task Progress_never_carries_a_secret_value()
    {
        await Deployer().UpAsync(Configs.Dlz());

        Assert.DoesNotContain(_events, e => e.Message.Contains("sig=", StringComparison.Ordinal));
        Assert.Contains(_events, e => e.Stage == DeploymentStage.Configured && e.Message.StartsWith("5 keys (1 secret): ", StringComparison.Ordinal));
    }

    [Fact]
    public void Plugin_versions_are_the_provider_package_versions()
    {
        var root = typeof(DeployerTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!;
        var props = File.ReadAllText(Path.Combine(root, "Directory.Packages.props"));
        foreach (var (plugin, package) in ProviderPlugins.Packages)
        {
            var version = Regex.Match(props, $"PackageVersion Include=\"{Regex.Escape(package)}\" Version=\"([^\"]+)\"").Groups[1].Value;
            Assert.Equal(version, plugin.Version);
        }
    }
}
