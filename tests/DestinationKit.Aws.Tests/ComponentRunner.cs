using System.Collections.Immutable;
using Pulumi;
using Pulumi.Testing;

namespace DestinationKit.Aws.Tests;

/// <summary>Creates a component under mocks, as a stack program would.</summary>
internal static class ComponentRunner
{
    public static RecordingMocks NewMocks() => new(AwsBehaviour.Instance, TlsBehaviour.Instance);

    public static async Task<(T Component, ImmutableArray<Resource> Resources)> RunAsync<T>(RecordingMocks mocks, Func<T> create)
        where T : ComponentResource
    {
        T? component = null;
        var resources = await Deployment.TestAsync(mocks,
            new TestOptions { IsPreview = false, ProjectName = Specs.Project, StackName = Specs.Stack },
            () => { component = create(); });
        return (component!, resources);
    }
}
