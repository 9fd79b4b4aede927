using DestinationKit.Azure.Streaming;
using DestinationKit.Model.Aep;
using DestinationKit.Model.Spec;
using DestinationKit.Streaming;
using Pulumi;

namespace DestinationKit.Infra.Targets;

/// <summary><c>azure</c> (streaming): the <see cref="StreamingEndpoint"/>, in the subscription the azure-native provider
/// signs in to. The app is published first (or taken from <c>DESTINATIONKIT_APP_PACKAGE</c>), before any resource.</summary>
internal static class AzureStreamingTarget
{
    public const string ComponentName = "streaming";

    /// <summary>Framework-dependent: App Service's .NET stack brings the runtime, so the package is small.</summary>
    public static readonly AppPublishOptions Publish = new() { Name = "azure-app-service", SelfContained = false };

    public static TargetOutputs Deploy(DestinationSpec spec)
    {
        var args = StreamingEndpointArgs.FromSpec(spec, AppPackage.Publish(Publish), DateTimeOffset.UtcNow);
        var endpoint = new StreamingEndpoint(ComponentName, args);
        var facts = endpoint.EndpointUrl.Apply(url => new DeploymentFacts { EndpointUrl = new Uri(url) });
        return new TargetOutputs(facts.Apply(f => AepConfigurationBuilder.Build(spec, f).ToJson()))
        {
            Endpoint = endpoint.EndpointUrl,
            TokenUrl = endpoint.TokenUrl,
            Credentials = endpoint.CredentialsJson,
        };
    }
}
