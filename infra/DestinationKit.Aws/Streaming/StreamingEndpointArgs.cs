using System.Collections.Immutable;
using DestinationKit.Aws.Landing;
using DestinationKit.Model.Configuration;
using DestinationKit.Model.Naming;
using DestinationKit.Model.Permissions;
using DestinationKit.Model.Platform;
using DestinationKit.Model.Spec;
using DestinationKit.Streaming;

namespace DestinationKit.Aws.Streaming;

/// <summary>Who checks a token before a data route reaches the function.</summary>
public enum GatewayAuthorizer
{
    /// <summary>Auth <c>api-key</c>: nobody at the gateway (API Gateway's own keys read <c>x-api-key</c>, not the bearer
    /// key AEP sends); the app checks the key before it reads the body.</summary>
    None,

    /// <summary>Auth <c>oauth2</c>, issuer <c>app</c>: API Gateway's JWT authorizer, with the app's public keys (its
    /// discovery document is on an open route of the same API).</summary>
    AppTokens,

    /// <summary>Auth <c>oauth2</c>, issuer <c>cognito</c>: API Gateway's JWT authorizer, with the user pool's keys.</summary>
    CognitoTokens,
}

/// <summary>What <see cref="StreamingEndpoint"/> creates, decided from the spec: names, region, limits, who checks
/// tokens, and the app to deploy. docs/aws.md, "Streaming", explains each.</summary>
public sealed record StreamingEndpointArgs
{
    /// <summary>The spec the app's settings and credentials come from (<see cref="AppEnvironment"/>, <see cref="AppCredentialsArgs"/>).</summary>
    public required DestinationSpec Spec { get; init; }

    /// <summary>The region of every regional resource, whatever the provider's <c>aws:region</c>.</summary>
    public required string Region { get; init; }

    /// <summary>The sink bucket: requests expire after the retention, audiences and the code package stay.</summary>
    public required S3LandingBucketArgs Sink { get; init; }

    public required string FunctionName { get; init; }
    public required string FunctionRoleName { get; init; }
    public required string ApiName { get; init; }
    public required string CredentialsParameterName { get; init; }

    /// <summary>The published app (<see cref="AppPackage.Publish"/>), zipped with its bootstrap by the component.</summary>
    public required string AppFolder { get; init; }

    /// <summary>Where the zipped package is written before it is uploaded.</summary>
    public required string PackageFolder { get; init; }

    public required string AdapterLayerArn { get; init; }

    /// <summary>Days the function's and the API's logs are kept (a value CloudWatch Logs accepts).</summary>
    public required int LogRetentionDays { get; init; }

    /// <summary>Steady requests per second over the whole stage, beyond which API Gateway answers 429.</summary>
    public required double RateLimitPerSecond { get; init; }

    public required int BurstLimit { get; init; }

    public required GatewayAuthorizer Authorizer { get; init; }

    /// <summary>With <see cref="GatewayAuthorizer.CognitoTokens"/>: the user pool and its clients.</summary>
    public CognitoIssuerArgs? Cognito { get; init; }

    public required ImmutableSortedDictionary<string, string> Tags { get; init; }

    /// <summary>The <c>aws</c> streaming endpoint of a spec, running the app published in <paramref name="appFolder"/>.</summary>
    public static StreamingEndpointArgs FromSpec(DestinationSpec spec, string appFolder, string packageFolder)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Target != DestinationTarget.Aws || spec.Streaming is not { } streaming)
            throw new ArgumentException($"an AWS streaming endpoint is built for target aws, not {spec.Target}", nameof(spec));
        var region = spec.Region ?? throw new ArgumentException("an AWS streaming endpoint needs a region", nameof(spec));
        var names = new ResourceNames(spec);
        var customerManaged = spec.Encryption.Kind == EncryptionKind.CustomerManaged;
        var tags = ResourceTags.For(spec);
        var oauth = streaming.Auth == StreamingAuth.OAuth2 ? streaming.OAuth2 : null;
        return new StreamingEndpointArgs
        {
            Spec = spec,
            Region = region,
            Sink = new S3LandingBucketArgs
            {
                BucketName = names.SinkBucket,
                Region = region,
                RetentionDays = spec.RetentionDays,
                ForceDestroy = spec.ForceDestroy,
                ExpiringPrefix = AwsStreamingPolicies.SinkPrefixes[0],
                CustomerManagedEncryption = customerManaged,
                KmsKeyArn = customerManaged ? spec.Encryption.KeyId : null,
                Tags = tags,
            },
            FunctionName = names.StreamingFunction,
            FunctionRoleName = names.StreamingFunctionRole,
            ApiName = names.StreamingApi,
            CredentialsParameterName = names.CredentialsParameter,
            AppFolder = appFolder,
            PackageFolder = packageFolder,
            AdapterLayerArn = LambdaWebAdapter.LayerArn(region)
                ?? throw new ArgumentException($"the Lambda Web Adapter is not published in {region}", nameof(spec)),
            LogRetentionDays = LogRetention(spec.RetentionDays),
            RateLimitPerSecond = streaming.App.RateLimitPerSecond,
            BurstLimit = streaming.App.BurstLimit,
            Authorizer = oauth?.Issuer switch
            {
                TokenIssuer.App => GatewayAuthorizer.AppTokens,
                TokenIssuer.Cognito => GatewayAuthorizer.CognitoTokens,
                null => GatewayAuthorizer.None,
                _ => throw new ArgumentException($"oauth2 issuer {oauth.Issuer} is not offered on target aws", nameof(spec)),
            },
            Cognito = oauth?.Issuer == TokenIssuer.Cognito ? CognitoIssuerArgs.FromSpec(spec, names, oauth) : null,
            Tags = tags,
        };
    }

    /// <summary>The retention periods CloudWatch Logs accepts, in days.</summary>
    public static readonly ImmutableArray<int> LogRetentionPeriods =
        [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

    /// <summary>The shortest accepted period that keeps logs at least as long as the stack keeps requests.</summary>
    public static int LogRetention(int retentionDays) =>
        LogRetentionPeriods.FirstOrDefault(p => p >= retentionDays, LogRetentionPeriods[^1]);
}

/// <summary>The Cognito user pool that issues AEP's tokens (oauth2 issuer <c>cognito</c>).</summary>
public sealed record CognitoIssuerArgs
{
    public required string UserPoolName { get; init; }

    /// <summary>Prefix of the pool's domain, <c>&lt;prefix&gt;.auth.&lt;region&gt;.amazoncognito.com</c>.</summary>
    public required string DomainPrefix { get; init; }

    public required string ResourceServerIdentifier { get; init; }

    /// <summary>The resource server's scope names (without the identifier).</summary>
    public required ImmutableArray<string> ScopeNames { get; init; }

    /// <summary>Lifetime of the access tokens, in seconds (at most a day).</summary>
    public required int TokenLifetimeSeconds { get; init; }

    /// <summary>One client-credentials app client per tenant, named after it.</summary>
    public required ImmutableArray<string> Tenants { get; init; }

    public static CognitoIssuerArgs FromSpec(DestinationSpec spec, ResourceNames names, OAuth2Settings oauth)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(oauth);
        // The parser guarantees <identifier>/<name> and one identifier for all.
        var scopes = oauth.Scopes.IsEmpty ? [DestinationSpecParser.DefaultCognitoScope] : oauth.Scopes;
        var identifier = scopes[0][..scopes[0].LastIndexOf('/')];
        return new CognitoIssuerArgs
        {
            UserPoolName = names.CognitoUserPool,
            DomainPrefix = names.CognitoDomain,
            ResourceServerIdentifier = identifier,
            ScopeNames = [.. scopes.Select(s => s[(s.LastIndexOf('/') + 1)..])],
            TokenLifetimeSeconds = oauth.TokenLifetimeSeconds,
            Tenants = [.. spec.Tenants.Select(t => t.Id)],
        };
    }
}
