using DestinationKit.Automation.Driver;

namespace DestinationKit.Automation.Ephemeral;

/// <summary>What a sweep did: the stacks destroyed and removed, and those that could not be (name → why).</summary>
public sealed record SweepResult(IReadOnlyList<string> Removed, IReadOnlyDictionary<string, string> Failed);

/// <summary>Finds throw-away stacks left behind by runs that were killed before their teardown (name made by
/// <see cref="EphemeralStackNames"/> with the given prefix, and neither created nor updated for at least
/// <c>maxAge</c>), and destroys and removes them. Stacks of other names are never touched.</summary>
public sealed class StaleStackSweeper(DestinationDeployer deployer, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>The stale stacks among <paramref name="stacks"/>: the prefix's name pattern, and the later of the
    /// creation time in the name and the last update at least <paramref name="maxAge"/> before <paramref name="now"/>.</summary>
    public static IReadOnlyList<StackInfo> SelectStale(IEnumerable<StackInfo> stacks, string prefix, TimeSpan maxAge, DateTimeOffset now)
    {
        EphemeralStackNames.ValidatePrefix(prefix);
        if (maxAge < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(maxAge), "the age is not negative");
        return stacks
            .Where(stack => EphemeralStackNames.TryParse(prefix, stack.Name, out var created)
                && now - Max(created, stack.LastUpdate) >= maxAge)
            .OrderBy(stack => stack.Name, StringComparer.Ordinal)
            .ToList();
    }

    public async Task<SweepResult> SweepAsync(string prefix, TimeSpan maxAge, CancellationToken cancellationToken = default)
    {
        var stacks = await deployer.ListStacksAsync(cancellationToken).ConfigureAwait(false);
        var removed = new List<string>();
        var failed = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var stack in SelectStale(stacks, prefix, maxAge, _time.GetUtcNow()))
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                await deployer.DestroyAsync(stack.Name, remove: true, cancellationToken).ConfigureAwait(false);
                removed.Add(stack.Name);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                failed[stack.Name] = e.Message; // one stack's failure does not stop the sweep
            }
        }
        return new SweepResult(removed, failed);
    }

    private static DateTimeOffset Max(DateTimeOffset created, DateTimeOffset? lastUpdate) =>
        lastUpdate is { } update && update > created ? update : created;
}
