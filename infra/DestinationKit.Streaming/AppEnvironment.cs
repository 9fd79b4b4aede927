using System.Collections.Immutable;
using System.Globalization;
using DestinationKit.Model.Spec;
using Pulumi;

namespace DestinationKit.Streaming;

/// <summary>The deployed app's environment variables (the app's settings, docs/app.md): those every cloud sets the
/// same way, and the sink section of each cloud's object store. A cloud component adds the source of the provisioned
/// credentials (<see cref="ProvisionedJson"/> or <see cref="ProvisionedSsmParameter"/>). No value here is secret.</summary>
public static class AppEnvironment
{
    /// <summary>The document itself (a Key Vault reference or a Secret Manager secret resolved into the variable).</summary>
    public const string ProvisionedJson = "Auth__Provisioned__Json";

    /// <summary>Name or ARN of the SSM SecureString parameter holding the document.</summary>
    public const string ProvisionedSsmParameter = "Auth__Provisioned__SsmParameter";

    /// <summary>The port the app listens on, on every interface (Lambda Web Adapter's, Cloud Run's and App Service's default).</summary>
    public const int Port = 8080;

    /// <summary>The app's local files (the queryable projection, rebuilt from the bucket): writable on Lambda, Cloud
    /// Run and App Service, and lost with the instance, which is fine.</summary>
    public const string DataDirectory = "/tmp/destinationkit";

    /// <summary>Seconds between imports of what other instances wrote to the bucket, so that every instance's queries see
    /// every instance's writes within a minute (docs/app.md, "Sinks"); a listing of the last hours' prefixes each time.</summary>
    public const int RefreshSeconds = 60;

    /// <summary><c>aud</c> of the app's tokens, for a gateway that validates them.</summary>
    public const string Audience = "destinationkit-ingestion";

    /// <summary>Routes a gateway must let through without credentials; every other route needs the gateway's or the app's auth.</summary>
    public static IReadOnlyList<(string Method, string Path)> UnauthenticatedRoutes { get; } =
    [
        ("POST", "/oauth2/token"),
        ("GET", "/.well-known/openid-configuration"),
        ("GET", "/.well-known/jwks.json"),
        ("GET", "/health/live"),
        ("GET", "/health/ready"),
    ];

    /// <summary>What every cloud sets alike. With the gateway's public base URL, the app's discovery document points
    /// there and its tokens carry it as the issuer (what API Gateway's JWT authorizer requires: an https issuer that
    /// serves <c>/.well-known/openid-configuration</c>).</summary>
    public static ImmutableSortedDictionary<string, Input<string>> Common(DestinationSpec spec, Input<string>? publicBaseUrl)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var streaming = spec.Streaming ?? throw new ArgumentException("the app runs only for streaming destinations", nameof(spec));
        var variables = ImmutableSortedDictionary.CreateBuilder<string, Input<string>>(StringComparer.Ordinal);
        variables["Urls"] = $"http://0.0.0.0:{Port.ToString(CultureInfo.InvariantCulture)}";
        variables["Ingestion__Sink"] = streaming.App.Sink;
        variables["Ingestion__DataDirectory"] = DataDirectory;
        variables["Ingestion__MaxRequestBodyBytes"] = Number(streaming.App.MaxRequestBodyBytes);
        variables["Ingestion__MaxConcurrentRequests"] = Number(streaming.App.MaxConcurrentRequests);
        variables["Auth__Audience"] = Audience;
        var issuesTokens = streaming.Auth == StreamingAuth.OAuth2 && streaming.OAuth2?.Issuer == TokenIssuer.App;
        variables["Auth__EnableTokenEndpoint"] = issuesTokens ? "true" : "false";
        if (issuesTokens) variables["Auth__TokenLifetimeSeconds"] = Number(streaming.OAuth2!.TokenLifetimeSeconds);
        if (streaming.OAuth2?.External is { } external)
        {
            variables["Auth__External__Issuer"] = external.IssuerUrl.OriginalString;
            variables["Auth__External__JwksUrl"] = external.JwksUri.AbsoluteUri;
            variables["Auth__External__Audience"] = external.Audience;
            variables["Auth__External__TenantClaim"] = external.TenantClaim;
        }
        if (publicBaseUrl is not null)
        {
            var trimmed = publicBaseUrl.Apply(url => url.TrimEnd('/'));
            variables["Auth__PublicBaseUrl"] = trimmed;
            variables["Auth__Issuer"] = trimmed;
        }
        return variables.ToImmutable();
    }

    /// <summary>An Amazon Cognito user pool as the issuer of the tokens the app accepts (<c>Auth:External:Kind</c>
    /// cognito): they are checked against the pool's JWKS (<c>&lt;issuer&gt;/.well-known/jwks.json</c>), carry no
    /// audience or tenant claim, and name their tenant by their <c>client_id</c>, which the document lists for each tenant
    /// (<see cref="AppCredentialsArgs.ExternalClientIds"/>).</summary>
    /// <param name="issuer">The pool's issuer, <c>https://cognito-idp.&lt;region&gt;.amazonaws.com/&lt;pool id&gt;</c>.</param>
    public static ImmutableSortedDictionary<string, Input<string>> CognitoIssuer(Input<string> issuer) =>
        ImmutableSortedDictionary<string, Input<string>>.Empty.WithComparers(StringComparer.Ordinal)
            .Add("Auth__External__Issuer", issuer)
            .Add("Auth__External__JwksUrl", issuer.Apply(url => url.TrimEnd('/') + "/.well-known/jwks.json"))
            .Add("Auth__External__Kind", "cognito");

    /// <summary><c>Ingestion:Sink</c> s3: the bucket (its region is the Lambda's <c>AWS_REGION</c>; credentials the function's role).</summary>
    public static ImmutableSortedDictionary<string, Input<string>> S3Sink(Input<string> bucket) =>
        Sink("S3").Add("Ingestion__S3__Bucket", bucket);

    /// <summary><c>Ingestion:Sink</c> blob: the account's blob endpoint and the container, reached with the App Service's
    /// managed identity (a user-assigned one when its client id is given).</summary>
    public static ImmutableSortedDictionary<string, Input<string>> BlobSink(Input<string> serviceUri, Input<string> container,
        Input<string>? managedIdentityClientId = null)
    {
        var variables = Sink("Blob")
            .Add("Ingestion__Blob__ServiceUri", serviceUri)
            .Add("Ingestion__Blob__Container", container);
        return managedIdentityClientId is null ? variables : variables.Add("Ingestion__Blob__ManagedIdentityClientId", managedIdentityClientId);
    }

    /// <summary><c>Ingestion:Sink</c> gcs: the bucket (credentials: the Cloud Run service account).</summary>
    public static ImmutableSortedDictionary<string, Input<string>> GcsSink(Input<string> bucket) =>
        Sink("Gcs").Add("Ingestion__Gcs__Bucket", bucket);

    private static ImmutableSortedDictionary<string, Input<string>> Sink(string section) =>
        ImmutableSortedDictionary<string, Input<string>>.Empty.WithComparers(StringComparer.Ordinal)
            .Add($"Ingestion__{section}__RefreshSeconds", Number(RefreshSeconds));

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}
