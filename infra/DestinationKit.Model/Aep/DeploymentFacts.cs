namespace DestinationKit.Model.Aep;

/// <summary>What only a deployment knows and the AEP configuration needs: the endpoint, bucket, account or
/// host that was created. Names the model can derive itself (buckets, accounts) default from the spec.</summary>
public sealed record DeploymentFacts
{
    /// <summary>Streaming: the public base URL of the gateway, e.g. https://abc.execute-api.eu-west-1.amazonaws.com/.</summary>
    public Uri? EndpointUrl { get; init; }

    /// <summary>Streaming with OAuth 2.0 from Cognito: the user pool domain's token URL.</summary>
    public Uri? TokenUrl { get; init; }

    /// <summary>SFTP: the server's host name, known only after the server exists on AWS.</summary>
    public string? SftpHost { get; init; }

    public static DeploymentFacts None { get; } = new();
}
