using System.Collections.Immutable;
using System.Text.Json;
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

    public static async Task<ImmutableArray<Resource>> RunAsync(RecordingMocks mocks,
        IReadOnlyDictionary<string, string> config, IEnumerable<string>? secretKeys = null)
    {
        Environment.SetEnvironmentVariable("PULUMI_CONFIG", JsonSerializer.Serialize(config));
        Environment.SetEnvironmentVariable("PULUMI_CONFIG_SECRET_KEYS", JsonSerializer.Serialize(secretKeys ?? []));
        try
        {
            return await Deployment.TestAsync<DestinationStack>(mocks,
                new TestOptions { IsPreview = false, ProjectName = Project, StackName = Stack });
        }
        finally
        {
            Environment.SetEnvironmentVariable("PULUMI_CONFIG", null);
            Environment.SetEnvironmentVariable("PULUMI_CONFIG_SECRET_KEYS", null);
        }
    }

    public static Dictionary<string, string> Config(params (string Key, string Value)[] pairs) =>
        pairs.ToDictionary(p => $"destination:{p.Key}", p => p.Value);
}
