using DestinationKit.Model.Spec;

namespace DestinationKit.Automation;

/// <summary>A Pulumi resource provider plugin at one version.</summary>
public sealed record ProviderPlugin(string Name, string Version)
{
    public override string ToString() => $"{Name} v{Version}";
}

/// <summary>The provider plugins each target's program needs. An inline program cannot install plugins itself, so
/// the library installs them before running it. Versions are those of the provider packages the components are
/// built against (Directory.Packages.props; a test keeps the two equal).</summary>
public static class ProviderPlugins
{
    public static readonly ProviderPlugin Aws = new("aws", "7.48.0");
    public static readonly ProviderPlugin AzureNative = new("azure-native", "3.28.0");
    public static readonly ProviderPlugin Gcp = new("gcp", "9.35.0");
    public static readonly ProviderPlugin Tls = new("tls", "5.5.1");
    public static readonly ProviderPlugin Random = new("random", "4.21.1");

    /// <summary>The NuGet package each plugin comes with.</summary>
    public static readonly IReadOnlyDictionary<ProviderPlugin, string> Packages = new Dictionary<ProviderPlugin, string>
    {
        [Aws] = "Pulumi.Aws",
        [AzureNative] = "Pulumi.AzureNative",
        [Gcp] = "Pulumi.Gcp",
        [Tls] = "Pulumi.Tls",
        [Random] = "Pulumi.Random",
    };

    /// <summary>The plugins the program needs for a destination; none for <c>dlz</c>, which creates no resource.</summary>
    public static IReadOnlyList<ProviderPlugin> For(DestinationSpec spec) => spec.Target switch
    {
        DestinationTarget.Dlz => [],
        DestinationTarget.GcpGcs => [Gcp],
        DestinationTarget.AwsS3 => [Aws],
        DestinationTarget.AzureBlob or DestinationTarget.AzureAdls => [AzureNative],
        DestinationTarget.Sftp => spec.Cloud == CloudProvider.Azure ? [AzureNative, Tls] : [Aws, Tls],
        DestinationTarget.Aws => [Aws, Random],
        DestinationTarget.Azure => [AzureNative, Random],
        DestinationTarget.Gcp => [Gcp, Random],
        _ => [],
    };
}
