using DestinationKit.Aws.Streaming;
using DestinationKit.Model.Aep;
using DestinationKit.Model.Spec;
using DestinationKit.Streaming;
using Pulumi;

namespace DestinationKit.Infra.Targets;

/// <summary><c>aws</c> (streaming): the <see cref="StreamingEndpoint"/>, in <c>destination:region</c> of the account the
/// AWS provider signs in to. The app is published first (or taken from <c>DESTINATIONKIT_APP_PACKAGE</c>) and zipped,
/// before any resource.</summary>
internal static class AwsStreamingTarget
{
    public const string ComponentName = "streaming";

    /// <summary>Self-contained for linux-x64: the custom runtime brings no .NET.</summary>
    public static readonly AppPublishOptions Publish = new() { Name = "aws-lambda" };

    /// <summary>Where the zipped package waits for its upload; named after its content, so runs reuse it.</summary>
    public static string PackageFolder => Path.Combine(Path.GetTempPath(), "destinationkit", "aws-lambda");

    public static TargetOutputs Deploy(DestinationSpec spec)
    {
        var endpoint = new StreamingEndpoint(ComponentName, StreamingEndpointArgs.FromSpec(spec, AppPackage.Publish(Publish), PackageFolder));
        var tokenUrl = endpoint.TokenUrl ?? Output.Create("");
        var facts = Output.Tuple(endpoint.EndpointUrl, tokenUrl).Apply(urls => new DeploymentFacts
        {
            EndpointUrl = new Uri(urls.Item1),
            // The builder derives the app's token URL from the endpoint; Cognito's comes from the user pool's domain.
            TokenUrl = spec.Streaming?.OAuth2?.Issuer == TokenIssuer.Cognito ? new Uri(urls.Item2) : null,
        });
        return new TargetOutputs(facts.Apply(f => AepConfigurationBuilder.Build(spec, f).ToJson()))
        {
            Endpoint = endpoint.EndpointUrl,
            TokenUrl = endpoint.TokenUrl,
            Credentials = endpoint.CredentialsJson,
        };
    }
}
