using DestinationKit.Gcp.Streaming;
using DestinationKit.Model.Aep;
using DestinationKit.Model.Spec;
using Pulumi;

namespace DestinationKit.Infra.Targets;

/// <summary><c>gcp</c> (streaming): the <see cref="GcpStreamingEndpoint"/>, in the project of the standard <c>gcp:project</c> config.</summary>
internal static class GcpStreamingTarget
{
    public const string ComponentName = "streaming";

    public static TargetOutputs Deploy(DestinationSpec spec)
    {
        var endpoint = new GcpStreamingEndpoint(ComponentName, GcpStreamingEndpointArgs.FromSpec(spec));
        var facts = endpoint.EndpointUrl.Apply(url => new DeploymentFacts { EndpointUrl = new Uri(url) });
        return new TargetOutputs(facts.Apply(f => AepConfigurationBuilder.Build(spec, f).ToJson()))
        {
            Endpoint = endpoint.EndpointUrl,
            TokenUrl = spec.Streaming!.Auth == StreamingAuth.OAuth2 ? facts.Apply(f => AepConfigurationBuilder.TokenUrl(spec, f).AbsoluteUri) : null,
            Credentials = endpoint.CredentialsJson,
        };
    }
}
