using DestinationKit.Automation.Driver;
using DestinationKit.Automation.Ephemeral;

namespace DestinationKit.Automation.Tests;

public class SweeperTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan MaxAge = TimeSpan.FromHours(3);

    private static StackInfo Stack(string name, DateTimeOffset? lastUpdate = null) => new(name, lastUpdate, false);

    [Fact]
    public void Only_stacks_of_the_prefix_pattern_older_than_the_age_are_selected()
    {
        StackInfo[] stacks =
        [
            Stack("ci-20261129t085959z-aaaaaa"),                     // 3 h 0 min 1 s old: stale
            Stack("ci-20261129t090000z-bbbbbb"),                     // exactly 3 h: stale
            Stack("ci-20261129t090001z-cccccc"),                     // just under 3 h: kept
            Stack("ci-20261128t090000z-dddddd", Now.AddMinutes(-5)), // created long ago but updated just now: kept
            Stack("ci-20261128t090000z-eeeeee", Now.AddHours(-4)),   // created and updated long ago: stale
            Stack("nightly-20261128t090000z-ffffff"),                // another prefix
            Stack("ci-dev"),                                         // a person's stack
            Stack("prod"),
            Stack("ci-20261128t090000z-ABCDEF"),                     // not a name EphemeralStackNames makes
            Stack("ci-x-20261128t090000z-gggggg"),                   // prefix "ci-x", not "ci"
        ];

        var stale = StaleStackSweeper.SelectStale(stacks, "ci", MaxAge, Now);

        Assert.Equal(["ci-20261128t090000z-eeeeee", "ci-20261129t085959z-aaaaaa", "ci-20261129t090000z-bbbbbb"], stale.Select(s => s.Name));
    }

    [Fact]
    public void Names_made_now_are_recognised_with_their_creation_time()
    {
        var name = EphemeralStackNames.Create("ci-gcs", Now);

        Assert.True(EphemeralStackNames.TryParse("ci-gcs", name, out var created));
        Assert.Equal(Now, created);
        Assert.False(EphemeralStackNames.TryParse("ci", name, out _));
        Assert.NotEqual(name, EphemeralStackNames.Create("ci-gcs", Now));
    }

    [Theory]
    [InlineData("")]
    [InlineData("CI")]
    [InlineData("1ci")]
    [InlineData("ci_x")]
    [InlineData("a-prefix-much-too-long")]
    public void A_bad_prefix_is_refused(string prefix)
    {
        Assert.Throws<ArgumentException>(() => EphemeralStackNames.Create(prefix, Now));
        Assert.Throws<ArgumentException>(() => StaleStackSweeper.SelectStale([], prefix, MaxAge, Now));
    }

    [Fact]
    public async Task A_sweep_destroys_and_removes_each_stale_stack_and_goes_on_past_failures()
    {
        var driver = new FakeDriver();
        var deployer = new DestinationDeployer(driver);
        foreach (var name in new[] { "ci-20261128t090000z-aaaaaa", "ci-20261128t090000z-bbbbbb", "ci-20261129t113000z-cccccc", "prod" })
        {
            await deployer.UpAsync(Configs.Dlz(name));
            driver.Listed.Add(Stack(name));
        }
        driver.Hooks["destroy"] = _ =>
        {
            driver.Failures.Remove("destroy");
            if (driver.Calls[^1] == "destroy ci-20261128t090000z-aaaaaa") driver.Failures["destroy"] = new InvalidOperationException("locked");
            return Task.CompletedTask;
        };
        driver.Calls.Clear();

        var result = await new StaleStackSweeper(deployer, new FixedTime(Now)).SweepAsync("ci", MaxAge);

        Assert.Equal(["ci-20261128t090000z-bbbbbb"], result.Removed);
        Assert.Equal("locked", result.Failed["ci-20261128t090000z-aaaaaa"]);
        Assert.Equal(
            ["list", "select ci-20261128t090000z-aaaaaa", "destroy ci-20261128t090000z-aaaaaa", "dispose ci-20261128t090000z-aaaaaa",
             "select ci-20261128t090000z-bbbbbb", "destroy ci-20261128t090000z-bbbbbb", "dispose ci-20261128t090000z-bbbbbb", "remove ci-20261128t090000z-bbbbbb"],
            driver.Calls);
        Assert.Equal(["ci-20261128t090000z-aaaaaa", "ci-20261129t113000z-cccccc", "prod"], driver.Stacks.Keys.Order(StringComparer.Ordinal));
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
