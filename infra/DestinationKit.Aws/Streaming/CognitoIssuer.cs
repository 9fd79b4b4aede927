using System.Collections.Immutable;
using Pulumi;
using Pulumi.Aws.Cognito;
using Pulumi.Aws.Cognito.Inputs;

namespace DestinationKit.Aws.Streaming;

/// <summary>An Amazon Cognito user pool as the OAuth 2.0 issuer of AEP's tokens: no users, a resource server with the
/// scopes AEP asks for, a domain (its <c>/oauth2/token</c> is the token URL AEP calls), and per tenant an app client
/// that may only use the client-credentials grant, with a secret and tokens of at most a day.</summary>
public sealed class CognitoIssuer : ComponentResource
{
    public const string TypeToken = "destinationkit:aws:CognitoIssuer";

    public CognitoIssuer(string name, CognitoIssuerArgs args, string region, ImmutableSortedDictionary<string, string> tags,
        ComponentResourceOptions? options = null)
        : base(TypeToken, name, options)
    {
        ArgumentNullException.ThrowIfNull(args);
        var child = new CustomResourceOptions { Parent = this };

        var pool = new UserPool($"{name}-pool", new UserPoolArgs
        {
            Name = args.UserPoolName,
            Region = region,
            // Machine clients only: nobody signs up or is invited.
            AdminCreateUserConfig = new UserPoolAdminCreateUserConfigArgs { AllowAdminCreateUserOnly = true },
            Tags = tags.ToImmutableDictionary(StringComparer.Ordinal),
        }, child);
        var domain = new UserPoolDomain($"{name}-domain", new UserPoolDomainArgs
        {
            Domain = args.DomainPrefix,
            UserPoolId = pool.Id,
            Region = region,
        }, child);
        var server = new ResourceServer($"{name}-resource-server", new ResourceServerArgs
        {
            Identifier = args.ResourceServerIdentifier,
            Name = "DestinationKit ingestion",
            UserPoolId = pool.Id,
            Region = region,
            Scopes = args.ScopeNames.Select(scope => new ResourceServerScopeArgs
            {
                ScopeName = scope,
                ScopeDescription = $"Send data to the ingestion endpoint ({scope})",
            }).ToList(),
        }, child);

        Clients = args.Tenants.ToImmutableSortedDictionary(tenant => tenant, tenant => new UserPoolClient($"{name}-{tenant}-client", new UserPoolClientArgs
        {
            Name = tenant,
            UserPoolId = pool.Id,
            Region = region,
            GenerateSecret = true,
            AllowedOauthFlowsUserPoolClient = true,
            AllowedOauthFlows = { "client_credentials" },
            // The scopes as the resource server defines them (<identifier>/<name>); taking them from it orders the two.
            AllowedOauthScopes = server.ScopeIdentifiers,
            AccessTokenValidity = args.TokenLifetimeSeconds,
            TokenValidityUnits = new UserPoolClientTokenValidityUnitsArgs { AccessToken = "seconds" },
            ExplicitAuthFlows = { "ALLOW_REFRESH_TOKEN_AUTH" },
            EnableTokenRevocation = true,
            PreventUserExistenceErrors = "ENABLED",
        }, child), StringComparer.Ordinal);

        // The pool's endpoint is cognito-idp.<region>.amazonaws.com/<pool id>: its tokens' iss, with https.
        Issuer = pool.Endpoint.Apply(endpoint => $"https://{endpoint}");
        TokenUrl = domain.Domain.Apply(prefix => TokenUrlFor(prefix, region));

        RegisterOutputs(new Dictionary<string, object?>
        {
            ["issuer"] = Issuer,
            ["tokenUrl"] = TokenUrl,
            ["clientIds"] = Output.All(Clients.Select(c => c.Value.Id.Apply(id => KeyValuePair.Create(c.Key, id))))
                .Apply(pairs => pairs.ToImmutableDictionary()),
        });
    }

    /// <summary><c>iss</c> of the pool's tokens, which the gateway's authorizer requires.</summary>
    public Output<string> Issuer { get; }

    public Output<string> TokenUrl { get; }

    /// <summary>Per tenant id, its app client (id and secret; the secret is a Pulumi secret).</summary>
    public ImmutableSortedDictionary<string, UserPoolClient> Clients { get; }

    public static string TokenUrlFor(string domainPrefix, string region) => $"https://{domainPrefix}.auth.{region}.amazoncognito.com/oauth2/token";
}
