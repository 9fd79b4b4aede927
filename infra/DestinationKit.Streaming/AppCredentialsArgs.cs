using System.Collections.Immutable;
using DestinationKit.Model.Spec;
using Pulumi;

namespace DestinationKit.Streaming;

/// <summary>Which credentials the stack generates for the app's tenants.</summary>
public enum AppCredentialKind
{
    /// <summary>Auth <c>api-key</c>: API keys that AEP sends as <c>Authorization: Bearer</c> (authType BEARER).</summary>
    ApiKeys,

    /// <summary>Auth <c>oauth2</c> with issuer <c>app</c>: an OAuth 2.0 client per tenant, whose tokens the app issues.</summary>
    OAuthClients,

    /// <summary>Auth <c>oauth2</c> with issuer <c>external</c> or <c>cognito</c>: that issuer manages the clients.</summary>
    None,
}

/// <summary>What <see cref="AppCredentials"/> creates, decided from the spec.</summary>
public sealed record AppCredentialsArgs
{
    public required AppCredentialKind Kind { get; init; }

    /// <summary>The tenants and, for each, the generations of its credential (<c>destination:credentialRotation</c>).</summary>
    public required ImmutableArray<AppTenantArgs> Tenants { get; init; }

    /// <summary>The gateway's public base URL: with it, <see cref="AppCredentials.CredentialsJson"/> carries each
    /// OAuth client's token URL. Nothing the component creates depends on it.</summary>
    public Input<string>? PublicBaseUrl { get; init; }

    /// <summary>Per tenant id, the client id that tenant's tokens from the external issuer carry (its Amazon Cognito app
    /// client): written into <see cref="AppCredentials.Document"/> as a client without a secret, so the app maps that
    /// issuer's tokens to the tenant (<see cref="AppEnvironment.CognitoIssuer"/>). Empty when no issuer names its tenants
    /// by client id.</summary>
    public ImmutableSortedDictionary<string, Input<string>> ExternalClientIds { get; init; } =
        ImmutableSortedDictionary<string, Input<string>>.Empty.WithComparers(StringComparer.Ordinal);

    public static AppCredentialsArgs FromSpec(DestinationSpec spec, Input<string>? publicBaseUrl = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var streaming = spec.Streaming ?? throw new ArgumentException("app credentials are for streaming destinations", nameof(spec));
        var kind = streaming.Auth switch
        {
            StreamingAuth.ApiKey => AppCredentialKind.ApiKeys,
            _ when streaming.OAuth2?.Issuer == TokenIssuer.App => AppCredentialKind.OAuthClients,
            _ => AppCredentialKind.None,
        };
        return new AppCredentialsArgs
        {
            Kind = kind,
            Tenants = [.. spec.Tenants.Select(t => new AppTenantArgs(t.Id, t.Credentials))],
            PublicBaseUrl = publicBaseUrl,
        };
    }
}

/// <summary>One tenant: its id and which generations of its credential exist.</summary>
public sealed record AppTenantArgs(string Id, CredentialGenerations Generations);
