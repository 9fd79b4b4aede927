using System.Collections.Immutable;
using System.Text.Json;
using DestinationKit.Model.Configuration;
using Pulumi;
using Pulumi.Testing;

namespace DestinationKit.Infra.Tests;

/// <summary>Runs <see cref="DestinationStack"/> under mocks with a given configuration, the way the Pulumi CLI
/// hands it over: PULUMI_CONFIG and PULUMI_CONFIG_SECRET_KEYS.</summary>
internal static class StackRunner
{
    public const string Project = "destinationkit";
    public const string Stack = "test";

    /// <summary>Mocks that know what every cloud the stack can deploy to computes.</summary>
    public static RecordingMocks NewMocks() => new(GcpBehaviour.Instance, AwsBehaviour.Instance, AzureBehaviour.Instance, TlsBehaviour.Instance);

    public static Task<ImmutableArray<Resource>> RunAsync(RecordingMocks mocks,
        IReadOnlyDictionary<string, string> config, IEnumerable<string>? secretKeys = null) =>
        RunAsync(config, secretKeys, options => Deployment.TestAsync<DestinationStack>(mocks, options));

    /// <summary>As above, with stack options: their resource transformations see the arguments of every resource.</summary>
    public static Task<ImmutableArray<Resource>> RunAsync(RecordingMocks mocks,
        IReadOnlyDictionary<string, string> config, IEnumerable<string>? secretKeys, StackOptions stackOptions) =>
        RunAsync(config, secretKeys, options => Deployment.TestWithServiceProviderAsync<DestinationStack>(mocks,
            new StackWithOptions(StackConfiguration.From(Project, Stack, config, secretKeys ?? []), stackOptions), options));

    private static async Task<ImmutableArray<Resource>> RunAsync(IReadOnlyDictionary<string, string> config,
        IEnumerable<string>? secretKeys, Func<TestOptions, Task<ImmutableArray<Resource>>> run)
    {
        Environment.SetEnvironmentVariable("PULUMI_CONFIG", JsonSerializer.Serialize(config));
        Environment.SetEnvironmentVariable("PULUMI_CONFIG_SECRET_KEYS", JsonSerializer.Serialize(secretKeys ?? []));
        try
        {
            return await run(new TestOptions { IsPreview = false, ProjectName = Project, StackName = Stack });
        }
        finally
        {
            Environment.SetEnvironmentVariable("PULUMI_CONFIG", null);
            Environment.SetEnvironmentVariable("PULUMI_CONFIG_SECRET_KEYS", null);
        }
    }

    private sealed class StackWithOptions(StackConfiguration configuration, StackOptions options) : IServiceProvider
    {
        public object? GetService(Type serviceType) =>
            serviceType == typeof(DestinationStack) ? new DestinationStack(configuration, options) : null;
    }

    public static Dictionary<string, string> Config(params (string Key, string Value)[] pairs) =>
        pairs.ToDictionary(p => $"destination:{p.Key}", p => p.Value);
}
