using System.Collections.Immutable;
using DestinationKit.Model.Naming;
using DestinationKit.Model.Spec;
using DestinationKit.Streaming;
using Pulumi;

namespace DestinationKit.Gcp.Streaming;

/// <summary>How the gateway checks callers before a data route reaches the app.</summary>
public enum GatewayTokenCheck
{
    /// <summary>Auth <c>api-key</c>: nothing at the gateway (it cannot read a bearer API key); the app checks the key.</summary>
    None,

    /// <summary>Auth <c>oauth2</c>, issuer <c>app</c>: the app's own tokens, checked against its keys, published through a
    /// second gateway (<see cref="GcpStreamingEndpoint"/> explains why).</summary>
    AppTokens,

    /// <summary>Auth <c>oauth2</c>, issuer <c>external</c>: that issuer's tokens, checked against its JWKS.</summary>
    ExternalTokens,
}

/// <summary>What <see cref="GcpStreamingEndpoint"/> creates, as plain values decided from the spec: names, region,
/// limits, the gateway's token check, the app's credentials and settings.</summary>
public sealed record GcpStreamingEndpointArgs
{
    /// <summary>Region of the Cloud Run service, the gateways, the bucket, the repository and the secret's replica.</summary>
    public required string Region { get; init; }

    /// <summary>The destination's name, for display names and the API's title.</summary>
    public required string DisplayName { get; init; }

    public required string ServiceName { get; init; }
    public required string RepositoryId { get; init; }
    public required string ApiId { get; init; }
    public required string GatewayId { get; init; }

    /// <summary>The gateway that publishes the app's signing keys (only with <see cref="GatewayTokenCheck.AppTokens"/>).</summary>
    public required string JwksGatewayId { get; init; }

    public required string SecretId { get; init; }
    public required string SinkBucketName { get; init; }

    /// <summary>The project-level custom role with the app's object permissions, bound on the sink bucket only.</summary>
    public required string SinkRoleId { get; init; }

    public required string AppServiceAccountId { get; init; }
    public required string GatewayServiceAccountId { get; init; }

    /// <summary>Days after which stored requests, and noncurrent object versions, are deleted.</summary>
    public required int RetentionDays { get; init; }

    /// <summary>Lets <c>pulumi destroy</c> delete the sink bucket with its objects (throw-away stacks only).</summary>
    public bool ForceDestroy { get; init; }

    public required bool CustomerManagedEncryption { get; init; }

    /// <summary>An existing Cloud KMS key for the sink bucket; null to let the component create one.</summary>
    public string? KmsKeyName { get; init; }

    public required GatewayTokenCheck TokenCheck { get; init; }

    /// <summary><c>iss</c> of the tokens the gateway accepts: the app's (set in its environment) or the external issuer's.</summary>
    public string? JwtIssuer { get; init; }

    /// <summary>With <see cref="GatewayTokenCheck.ExternalTokens"/>: the issuer's JWKS.</summary>
    public string? ExternalJwksUri { get; init; }

    /// <summary><c>aud</c> the gateway requires.</summary>
    public string? JwtAudience { get; init; }

    /// <summary>The tenants' generated credentials (API keys or OAuth clients) and the token signing key.</summary>
    public required AppCredentialsArgs Credentials { get; init; }

    /// <summary>The app's settings without the sink bucket and the provisioned credentials, which the component adds.</summary>
    public required ImmutableSortedDictionary<string, Input<string>> AppVariables { get; init; }

    /// <summary>Requests one instance takes at once (Cloud Run's concurrency): the app's own limit, at most Cloud Run's 1000.</summary>
    public required int ContainerConcurrency { get; init; }

    public string Cpu { get; init; } = "1";
    public string Memory { get; init; } = "1Gi";

    /// <summary>One warm instance by default: the app's queryable state is rebuilt from the bucket on every cold start.</summary>
    public int MinInstances { get; init; } = 1;

    public int MaxInstances { get; init; } = 10;

    /// <summary>Labels for every resource that takes labels.</summary>
    public required ImmutableSortedDictionary<string, string> Labels { get; init; }

    /// <summary>The header the app reads the caller's credential from: API Gateway moves the caller's
    /// <c>Authorization</c> there and puts its own identity token for Cloud Run in <c>Authorization</c>.</summary>
    public const string ForwardedCredentialHeader = "X-Forwarded-Authorization";

    /// <summary>Cloud Run's largest per-instance concurrency.</summary>
    public const int MaxContainerConcurrency = 1000;

    public static GcpStreamingEndpointArgs FromSpec(DestinationSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Target != DestinationTarget.Gcp)
            throw new ArgumentException($"a Google Cloud streaming endpoint is built for target gcp, not {spec.Target}", nameof(spec));
        var streaming = spec.Streaming!;
        var names = new ResourceNames(spec);
        var sinkBucket = names.SinkBucket;
        string Name(string purpose) => $"{spec.NamePrefix}-{purpose}-{StableHash.Of($"{sinkBucket}/{purpose}", 8)}";
        var serviceName = Name("ingest");

        var (check, issuer, jwks, audience) = streaming.OAuth2 switch
        {
            _ when streaming.Auth == StreamingAuth.ApiKey => (GatewayTokenCheck.None, null, null, null),
            { Issuer: TokenIssuer.External, External: { } external } =>
                (GatewayTokenCheck.ExternalTokens, external.IssuerUrl.OriginalString, external.JwksUri.AbsoluteUri, external.Audience),
            _ => (GatewayTokenCheck.AppTokens, AppIssuer(serviceName), (string?)null, AppEnvironment.Audience),
        };

        var environment = AppEnvironment.Common(spec, publicBaseUrl: null).ToBuilder();
        environment["Auth__CredentialHeader"] = ForwardedCredentialHeader;
        if (check == GatewayTokenCheck.AppTokens) environment["Auth__Issuer"] = issuer!;

        var customerManaged = spec.Encryption.Kind == EncryptionKind.CustomerManaged;
        return new GcpStreamingEndpointArgs
        {
            Region = spec.Region ?? throw new ArgumentException("a Google Cloud streaming endpoint needs a region", nameof(spec)),
            DisplayName = spec.Aep.DestinationName,
            ServiceName = serviceName,
            RepositoryId = Name("images"),
            ApiId = Name("api"),
            GatewayId = Name("gateway"),
            JwksGatewayId = Name("jwks"),
            SecretId = Name("credentials"),
            SinkBucketName = sinkBucket,
            SinkRoleId = $"{sinkBucket.Replace('-', '_')}_app",
            AppServiceAccountId = names.GcpServiceAccountId("app"),
            GatewayServiceAccountId = names.GcpServiceAccountId("gateway"),
            RetentionDays = spec.RetentionDays,
            ForceDestroy = spec.ForceDestroy,
            CustomerManagedEncryption = customerManaged,
            KmsKeyName = customerManaged ? spec.Encryption.KeyId : null,
            TokenCheck = check,
            JwtIssuer = issuer,
            ExternalJwksUri = jwks,
            JwtAudience = audience,
            Credentials = AppCredentialsArgs.FromSpec(spec),
            AppVariables = environment.ToImmutable(),
            ContainerConcurrency = Math.Min(streaming.App.MaxConcurrentRequests, MaxContainerConcurrency),
            Labels = ResourceTags.For(spec),
        };
    }

    /// <summary>The app's token issuer: any string does for API Gateway, which reads the keys from the JWKS URL it is
    /// given; unique per stack. Not the gateway's URL: the app would then depend on the gateway, which depends on it.</summary>
    public static string AppIssuer(string serviceName) => $"urn:destinationkit:gcp:{serviceName}";
}
