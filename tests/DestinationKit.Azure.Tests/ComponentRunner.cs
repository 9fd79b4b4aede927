using System.Collections.Immutable;
using Pulumi;
using Pulumi.Testing;

namespace DestinationKit.Azure.Tests;

/// <summary>Creates a component under mocks, as a stack program would, with the behaviours of the providers it uses.</summary>
internal static class ComponentRunner
{
    public static RecordingMocks NewMocks() => new(AzureBehaviour.Instance, TlsBehaviour.Instance);

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
