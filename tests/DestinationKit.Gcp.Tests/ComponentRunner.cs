using System.Collections.Immutable;
using DestinationKit.Gcp.Streaming;
using Pulumi;
using Pulumi.Testing;

namespace DestinationKit.Gcp.Tests;

/// <summary>Creates a component under mocks, as a stack program would.</summary>
internal static class ComponentRunner
{
    /// <summary>The image the streaming tests name through <see cref="ContainerImage.OverrideVariable"/>, so that no
    /// test ever builds or pushes one.</summary>
    public const string PrebuiltImage = "europe-west1-docker.pkg.dev/test-project/prebuilt/ingestion:test";

    public static async Task<(GcsLandingZone Zone, ImmutableArray<Resource> Resources)> RunAsync(RecordingMocks mocks, GcsLandingZoneArgs args,
        ComponentResourceOptions? options = null)
    {
        GcsLandingZone? zone = null;
        var resources = await Deployment.TestAsync(mocks,
            new TestOptions { IsPreview = false, ProjectName = Specs.Project, StackName = Specs.Stack },
            () => { zone = new GcsLandingZone("landing", args, options); });
        return (zone!, resources);
    }

    /// <summary>Mocks that know Google Cloud and the Random and TLS providers of the app's credentials.</summary>
    public static RecordingMocks StreamingMocks() => new(GcpBehaviour.Instance, RandomBehaviour.Instance, TlsBehaviour.Instance);

    public static async Task<(GcpStreamingEndpoint Endpoint, ImmutableArray<Resource> Resources)> RunStreamingAsync(RecordingMocks mocks,
        GcpStreamingEndpointArgs args, ComponentResourceOptions? options = null)
    {
        GcpStreamingEndpoint? endpoint = null;
        Environment.SetEnvironmentVariable(ContainerImage.OverrideVariable, PrebuiltImage);
        try
        {
            var resources = await Deployment.TestAsync(mocks,
                new TestOptions { IsPreview = false, ProjectName = Specs.Project, StackName = Specs.Stack },
                () => { endpoint = new GcpStreamingEndpoint("streaming", args, options); });
            return (endpoint!, resources);
        }
        finally
        {
            Environment.SetEnvironmentVariable(ContainerImage.OverrideVariable, null);
        }
    }
}
