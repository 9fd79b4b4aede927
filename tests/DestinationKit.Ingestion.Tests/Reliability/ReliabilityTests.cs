using System.Text;
using DestinationKit.Reliability;
using Xunit.Abstractions;

namespace DestinationKit.Ingestion.Tests.Reliability;

/// <summary>
/// The short versions of the reliability checks (docs/reliability.md); scripts/reliability.sh runs the long ones. They
/// run the built app out of process, one at a time and apart from the other tests: the crash and timing checks measure,
/// and would measure the other tests' load too.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ReliabilityCollection
{
    public const string Name = "reliability";
}

[Collection(ReliabilityCollection.Name)]
public sealed class ReliabilityTests(ITestOutputHelper output)
{
    private readonly TestLog _log = new(output);

    [Theory]
    [InlineData("sqlite")]
    [InlineData("s3")]
    public async Task Crashes_at_random_moments_lose_and_duplicate_no_acknowledged_update(string sink)
    {
        var result = await new CrashHarness(new CrashOptions { Sink = sink, Cycles = 4, Writers = 4, MaxLoadSeconds = 1, StartupKillShare = 0.25 }, _log).RunAsync();
        Assert.True(result.Passed, Explain(result.Summary, result.Problems));
        Assert.True(result.AcknowledgedUpdates > 100, result.Summary);
    }

    [Fact]
    public async Task A_stopped_slow_or_failing_sink_is_answered_503_or_429_and_recovered_from_without_loss()
    {
        var result = await new FaultHarness(new FaultOptions { FaultSeconds = 3 }, _log).RunAsync();
        Assert.True(result.Passed, Explain(result.Summary, result.Problems));
        Assert.Equal(5, result.Phases.Count);
    }

    [Fact]
    public async Task Hostile_requests_are_answered_with_clear_4xx_and_the_app_stays_up_in_bounded_memory()
    {
        var result = await new HostileHarness(new HostileOptions
        {
            Cases = 1500,
            Concurrency = 4,
            Seed = 20261129,
            SlowConnections = 6,
            MemoryLimitMb = 1536,
        }, _log).RunAsync(); // about 45 s, most of it Kestrel's 30 s header timeout ending the slow-loris connections
        Assert.True(result.Passed, Explain(result.Summary, result.Problems));
    }

    [Fact]
    public async Task Forged_tokens_other_tenants_and_guessing_get_nowhere()
    {
        var result = await new AuthAbuse(new AuthAbuseOptions { Guesses = 40, FailedAuthLimit = 10, FailedAuthWindowSeconds = 3 }, _log).RunAsync();
        Assert.True(result.Passed, Explain(result.Summary, result.Problems));
        Assert.Equal(10, result.Guesses401);
    }

    [Fact]
    public void Rejecting_a_key_takes_as_long_however_close_the_guess()
    {
        var result = new KeyTiming(new TimingOptions { SamplesPerRound = 10_000 }, _log).Run();
        Assert.True(result.Passed, result.Summary);
    }

    private static string Explain(string summary, IReadOnlyList<string> problems) =>
        summary + Environment.NewLine + string.Join(Environment.NewLine, problems.Take(20));

    /// <summary>The harness's progress lines, in the test's output.</summary>
    private sealed class TestLog(ITestOutputHelper output) : TextWriter
    {
        public override Encoding Encoding => Encoding.UTF8;

        public override void WriteLine(string? value)
        {
            try
            {
                output.WriteLine(value ?? "");
            }
            catch (InvalidOperationException)
            {
                // the test has finished; a late line from a background task is dropped
            }
        }
    }
}
