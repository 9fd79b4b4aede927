using System.Runtime.ExceptionServices;
using DestinationKit.Automation.Driver;
using DestinationKit.Model.Configuration;
using DestinationKit.Model.Spec;

namespace DestinationKit.Automation.Ephemeral;

/// <summary>Options of throw-away stacks.</summary>
public sealed record EphemeralStackOptions
{
    /// <summary>Start of the stack name; the sweeper finds stale stacks by it.</summary>
    public string Prefix { get; init; } = EphemeralStackNames.DefaultPrefix;

    /// <summary>How long the teardown may take. It runs on its own token, so a cancelled test still tears down.</summary>
    public TimeSpan TeardownTimeout { get; init; } = TimeSpan.FromMinutes(30);

    public TimeProvider Time { get; init; } = TimeProvider.System;
}

/// <summary>A teardown that did not finish: the stack is left in the backend (with whatever resources remain) for
/// <see cref="StaleStackSweeper"/> or a person to remove.</summary>
public sealed class EphemeralStackTeardownException(string stackName, Exception inner)
    : Exception($"tearing down throw-away stack {stackName} failed; it is left for the sweeper: {inner.Message}", inner)
{
    public string StackName { get; } = stackName;
}

/// <summary>Throw-away stacks for CI: creates a uniquely named stack, deploys it, hands its outputs to a test, and
/// always destroys and then removes it afterwards: when the test passes, fails, throws or is cancelled, and when the
/// deployment itself fails half-way. (.NET's Automation API has no <c>destroy --remove</c>: destroy, then
/// <c>RemoveStackAsync</c>; the stack is removed only after a successful destroy, so no resource is ever left
/// untracked.)</summary>
public static class EphemeralStack
{
    /// <summary>Runs <paramref name="test"/> against a fresh deployment of <paramref name="configuration"/> (its
    /// stack name is replaced by a unique one). The test's exception, if any, is rethrown after the teardown; if the
    /// teardown fails too, both are thrown in an <see cref="AggregateException"/>.</summary>
    public static async Task<T> RunAsync<T>(DestinationDeployer deployer, StackConfiguration configuration,
        Func<DestinationOutputs, CancellationToken, Task<T>> test, EphemeralStackOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        options ??= new EphemeralStackOptions();
        var name = EphemeralStackNames.Create(options.Prefix, options.Time.GetUtcNow());
        // An invalid configuration stops here, before any stack exists, so there is nothing to tear down.
        var stackConfiguration = ThrowAway(configuration with { Stack = name });

        T result;
        try
        {
            var outputs = await deployer.UpAsync(stackConfiguration, cancellationToken).ConfigureAwait(false);
            result = await test(outputs, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception failure)
        {
            var teardownFailure = await TeardownAsync(deployer, name, options).ConfigureAwait(false);
            if (teardownFailure is null) ExceptionDispatchInfo.Throw(failure);
            throw new AggregateException($"throw-away stack {name}: the run failed and so did its teardown", failure, teardownFailure);
        }

        var failed = await TeardownAsync(deployer, name, options).ConfigureAwait(false);
        return failed is null ? result : throw failed;
    }

    /// <summary>The same without a result.</summary>
    public static Task RunAsync(DestinationDeployer deployer, StackConfiguration configuration,
        Func<DestinationOutputs, CancellationToken, Task> test, EphemeralStackOptions? options = null,
        CancellationToken cancellationToken = default) =>
        RunAsync(deployer, configuration, async (outputs, token) =>
        {
            await test(outputs, token).ConfigureAwait(false);
            return true;
        }, options, cancellationToken);

    private static async Task<EphemeralStackTeardownException?> TeardownAsync(DestinationDeployer deployer, string name, EphemeralStackOptions options)
    {
        using var timeout = new CancellationTokenSource(options.TeardownTimeout, options.Time);
        try
        {
            await deployer.DestroyAsync(name, remove: true, timeout.Token).ConfigureAwait(false);
            return null;
        }
        catch (StackMissingException)
        {
            return null; // the deployment failed before the stack existed
        }
        catch (Exception e)
        {
            return new EphemeralStackTeardownException(name, e);
        }
    }

    /// <summary>The test leaves files in the stack's buckets, and a bucket with files cannot be destroyed: a throw-away
    /// stack sets <c>forceDestroy</c> unless its configuration decides (dlz creates no storage and refuses the key).</summary>
    private static StackConfiguration ThrowAway(StackConfiguration configuration)
    {
        var spec = DestinationDeployer.Validate(configuration);
        var key = ConfigKeys.ForceDestroy.FullName;
        if (spec.Target == DestinationTarget.Dlz || configuration.Values.ContainsKey(key)) return configuration;
        return configuration with { Values = new Dictionary<string, string>(configuration.Values, StringComparer.Ordinal) { [key] = "true" } };
    }
}
