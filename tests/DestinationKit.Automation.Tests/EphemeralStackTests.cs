using DestinationKit.Automation.Ephemeral;

namespace DestinationKit.Automation.Tests;

public class EphemeralStackTests
{
    private readonly FakeDriver _driver = new();
    private readonly DestinationDeployer _deployer;

    public EphemeralStackTests() => _deployer = new DestinationDeployer(_driver);

    [Fact]
    public async Task The_stack_is_deployed_handed_to_the_test_then_destroyed_and_removed()
    {
        string? seen = null;

        var result = await EphemeralStack.RunAsync(_deployer, Configs.Dlz(), (outputs, _) =>
        {
            seen = outputs.StackName;
            lock (_driver.Calls) _driver.Calls.Add("test");
            return Task.FromResult(42);
        });

        Assert.Equal(42, result);
        Assert.Matches("^ci-[0-9]{8}t[0-9]{6}z-[a-z0-9]{6}$", seen);
        Assert.Equal(["create-or-select", "config", "up", "outputs", "dispose", "test", "select", "destroy", "dispose", "remove"], _driver.Operations);
        Assert.All(_driver.Calls.Where(c => c != "test"), c => Assert.EndsWith(" " + seen, c, StringComparison.Ordinal));
        Assert.Empty(_driver.Stacks);
    }

    [Fact]
    public async Task The_program_runs_with_the_unique_stack_name_so_resource_names_do_not_collide()
    {
        var programs = new List<string>();
        _driver.Hooks["up"] = _ =>
        {
            programs.Add(_driver.Stacks.Single().Value.Program!.Stack);
            return Task.CompletedTask;
        };

        await EphemeralStack.RunAsync(_deployer, Configs.Dlz("dev"), (_, _) => Task.CompletedTask);
        await EphemeralStack.RunAsync(_deployer, Configs.Dlz("dev"), (_, _) => Task.CompletedTask);

        Assert.Equal(2, programs.Distinct().Count());
        Assert.DoesNotContain("dev", programs);
    }

    [Fact]
    public async Task A_throw_away_stack_may_destroy_buckets_holding_the_files_its_test_wrote()
    {
        var deployed = new List<DestinationKit.Model.Configuration.StackConfiguration>();
        _driver.Hooks["up"] = _ =>
        {
            deployed.Add(_driver.Stacks.Single().Value.Program!);
            return Task.CompletedTask;
        };

        await EphemeralStack.RunAsync(_deployer, Configs.Gcs(), (_, _) => Task.CompletedTask);
        await EphemeralStack.RunAsync(_deployer, Configs.Dlz(), (_, _) => Task.CompletedTask);

        Assert.Equal("true", deployed[0].Values["destination:forceDestroy"]);
        Assert.True(DestinationKit.Model.Configuration.DestinationSpecParser.Parse(deployed[0]).ForceDestroy);
        Assert.False(deployed[1].Values.ContainsKey("destination:forceDestroy"));
    }

    [Fact]
    public async Task A_failing_test_still_tears_down_and_its_exception_is_rethrown_unchanged()
    {
        var failure = new InvalidOperationException("assertion failed");

        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            EphemeralStack.RunAsync(_deployer, Configs.Dlz(), (_, _) => throw failure));

        Assert.Same(failure, thrown);
        Assert.Equal(["destroy", "dispose", "remove"], _driver.Operations.TakeLast(3));
        Assert.Empty(_driver.Stacks);
    }

    [Fact]
    public async Task A_deployment_failing_half_way_still_tears_down_what_was_created()
    {
        _driver.Failures["up"] = new InvalidOperationException("quota exceeded");
        var testRan = false;

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            EphemeralStack.RunAsync(_deployer, Configs.Gcs(), (_, _) =>
            {
                testRan = true;
                return Task.CompletedTask;
            }));

        Assert.False(testRan);
        Assert.Equal(["create-or-select", "plugin:gcp@9.35.0", "config", "up", "dispose", "select", "destroy", "dispose", "remove"], _driver.Operations);
        Assert.Empty(_driver.Stacks);
    }

    [Fact]
    public async Task A_cancelled_test_still_tears_down_on_a_token_of_its_own()
    {
        using var cts = new CancellationTokenSource();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            EphemeralStack.RunAsync(_deployer, Configs.Dlz(), async (_, token) =>
            {
                await cts.CancelAsync();
                await Task.Delay(Timeout.Infinite, token);
            }, cancellationToken: cts.Token));

        Assert.Equal(["destroy", "dispose", "remove"], _driver.Operations.TakeLast(3));
        Assert.False(_driver.Tokens["destroy"].IsCancellationRequested);
        Assert.NotEqual(cts.Token, _driver.Tokens["remove"]);
        Assert.Empty(_driver.Stacks);
    }

    [Fact]
    public async Task Cancellation_during_the_deployment_still_tears_down()
    {
        using var cts = new CancellationTokenSource();
        _driver.Hooks["up"] = _ => cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            EphemeralStack.RunAsync(_deployer, Configs.Dlz(), (_, _) => Task.CompletedTask, cancellationToken: cts.Token));

        Assert.Equal(["destroy", "dispose", "remove"], _driver.Operations.TakeLast(3));
    }

    [Fact]
    public async Task A_failed_destroy_leaves_the_stack_for_the_sweeper_and_says_so()
    {
        _driver.Failures["destroy"] = new InvalidOperationException("bucket not empty");

        var error = await Assert.ThrowsAsync<EphemeralStackTeardownException>(() =>
            EphemeralStack.RunAsync(_deployer, Configs.Dlz(), (_, _) => Task.CompletedTask));

        Assert.DoesNotContain("remove", _driver.Operations);
        Assert.True(_driver.Stacks.ContainsKey(error.StackName));
        Assert.Contains("left for the sweeper: bucket not empty", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task When_both_the_test_and_the_teardown_fail_both_are_reported()
    {
        _driver.Failures["remove"] = new InvalidOperationException("backend unavailable");
        var failure = new InvalidOperationException("assertion failed");

        var error = await Assert.ThrowsAsync<AggregateException>(() =>
            EphemeralStack.RunAsync(_deployer, Configs.Dlz(), (_, _) => throw failure));

        Assert.Same(failure, error.InnerExceptions[0]);
        Assert.IsType<EphemeralStackTeardownException>(error.InnerExceptions[1]);
    }

    [Fact]
    public async Task An_invalid_configuration_creates_no_stack_at_all()
    {
        var values = new Dictionary<string, string>(Configs.Dlz().Values) { ["destination:mode"] = "nope" };

        await Assert.ThrowsAsync<DestinationKit.Model.Configuration.InvalidDestinationConfigException>(() =>
            EphemeralStack.RunAsync(_deployer, Configs.Dlz() with { Values = values }, (_, _) => Task.CompletedTask));

        Assert.Empty(_driver.Calls);
    }

    [Fact]
    public async Task A_teardown_that_hangs_is_abandoned_after_its_timeout()
    {
        _driver.Hooks["destroy"] = token => Task.Delay(Timeout.Infinite, token);

        var error = await Assert.ThrowsAsync<EphemeralStackTeardownException>(() =>
            EphemeralStack.RunAsync(_deployer, Configs.Dlz(), (_, _) => Task.CompletedTask,
                new EphemeralStackOptions { TeardownTimeout = TimeSpan.FromMilliseconds(50) }));

        Assert.IsAssignableFrom<OperationCanceledException>(error.InnerException);
        Assert.DoesNotContain("remove", _driver.Operations);
    }
}
