using DestinationKit.Simulator.Configuration;

namespace DestinationKit.Simulator.Streaming;

/// <summary>AEP's retry policy for streaming destinations (shared/AEP.md §1.5, Adobe's rate-limiting-retry-policy page).
/// Best effort: 403, 408, 409, 429, 500, 502, 503, 504 are retried twice, 15 s and then 30 s after the failure; any other
/// code (400, 401, 404, ...) is dropped at once. Configurable aggregation: 420, 429 and codes greater than 500 are
/// re-attempted about 30 minutes later (Adobe's worked example: once); 500 itself and everything else are dropped.
/// A connection failure or timeout (status 0 here) is treated like a retryable code; Adobe does not document it.</summary>
public sealed record RetryPolicy(IReadOnlyList<TimeSpan> Delays, Func<int, bool> IsRetryable, string Description)
{
    private static readonly HashSet<int> BestEffortCodes = [403, 408, 409, 429, 500, 502, 503, 504];

    public static RetryPolicy BestEffort { get; } = new(
        [TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(30)],
        status => status == 0 || BestEffortCodes.Contains(status),
        "best effort: 403, 408, 409, 429, 500, 502, 503, 504 retried after 15 s and 30 s");

    public static RetryPolicy Configurable { get; } = new(
        [TimeSpan.FromMinutes(30)],
        status => status is 0 or 420 or 429 || status > 500,
        "configurable: 420, 429 and codes > 500 re-attempted after 30 min");

    public static RetryPolicy For(AggregationKind kind) => kind == AggregationKind.BestEffort ? BestEffort : Configurable;

    public static bool IsSuccess(int status) => status is >= 200 and < 300;

    /// <summary>The delay before attempt <paramref name="attempt"/> + 1 after <paramref name="status"/> (attempts count
    /// from 1), or null when AEP gives up: a success, a code it does not retry, or the schedule is used up.</summary>
    public TimeSpan? NextDelay(int attempt, int status) =>
        IsSuccess(status) || !IsRetryable(status) || attempt > Delays.Count ? null : Delays[attempt - 1];
}
