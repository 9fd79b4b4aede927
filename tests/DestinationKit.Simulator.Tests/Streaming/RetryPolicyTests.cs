using DestinationKit.Simulator.Configuration;
using DestinationKit.Simulator.Streaming;

namespace DestinationKit.Simulator.Tests.Streaming;

public class RetryPolicyTests
{
    [Theory]
    [InlineData(403)]
    [InlineData(408)]
    [InlineData(409)]
    [InlineData(429)]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(504)]
    public void Best_effort_retries_its_codes_after_15_and_30_seconds_then_gives_up(int status)
    {
        var policy = RetryPolicy.For(AggregationKind.BestEffort);
        Assert.Equal(TimeSpan.FromSeconds(15), policy.NextDelay(1, status));
        Assert.Equal(TimeSpan.FromSeconds(30), policy.NextDelay(2, status));
        Assert.Null(policy.NextDelay(3, status));
    }

    [Theory]
    [InlineData(400)]
    [InlineData(401)]
    [InlineData(404)]
    [InlineData(413)]
    [InlineData(420)]
    [InlineData(501)]
    [InlineData(505)]
    public void Best_effort_never_retries_other_codes(int status)
    {
        Assert.Null(RetryPolicy.BestEffort.NextDelay(1, status));
    }

    [Theory]
    [InlineData(420)]
    [InlineData(429)]
    [InlineData(501)]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(504)]
    [InlineData(599)]
    public void Configurable_re_attempts_420_429_and_codes_above_500_once_after_30_minutes(int status)
    {
        var policy = RetryPolicy.For(AggregationKind.Configurable);
        Assert.Equal(TimeSpan.FromMinutes(30), policy.NextDelay(1, status));
        Assert.Null(policy.NextDelay(2, status));
    }

    [Theory]
    [InlineData(400)]
    [InlineData(401)]
    [InlineData(403)]
    [InlineData(408)]
    [InlineData(409)]
    [InlineData(500)]
    public void Configurable_drops_everything_else_including_500(int status)
    {
        Assert.Null(RetryPolicy.Configurable.NextDelay(1, status));
    }

    [Theory]
    [InlineData(200)]
    [InlineData(201)]
    [InlineData(204)]
    public void A_success_ends_the_schedule(int status)
    {
        Assert.Null(RetryPolicy.BestEffort.NextDelay(1, status));
        Assert.Null(RetryPolicy.Configurable.NextDelay(1, status));
    }

    [Fact]
    public void No_answer_is_retried_like_a_retryable_code()
    {
        Assert.Equal(TimeSpan.FromSeconds(15), RetryPolicy.BestEffort.NextDelay(1, 0));
        Assert.Equal(TimeSpan.FromMinutes(30), RetryPolicy.Configurable.NextDelay(1, 0));
    }
}
