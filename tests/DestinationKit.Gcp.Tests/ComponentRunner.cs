using System.Collections.Immutable;
using Pulumi;
using Pulumi.Testing;

namespace DestinationKit.Gcp.Tests;

/// <summary>Creates a <see cref="GcsLandingZone"/> under mocks, as a stack program would.</summary>
internal static class ComponentRunner
{
    public static async Task<(GcsLandingZone Zone, ImmutableArray<Resource> Resources)> RunAsync(RecordingMocks mocks, GcsLandingZoneArgs args,
        ComponentResourceOptions? options = null)
    {
        GcsLandingZone? zone = null;
        var resources = await Deployment.TestAsync(mocks,
            new TestOptions { IsPreview = false, ProjectName = Specs.Project, StackName = Specs.Stack },
            () => { zone = new GcsLandingZone("landing", args, options); });
        return (zone!, resources);
    }
}
