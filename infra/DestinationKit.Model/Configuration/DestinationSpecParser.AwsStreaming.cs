using System.Collections.Immutable;
using System.Text.RegularExpressions;
using DestinationKit.Model.Permissions;
using DestinationKit.Model.Platform;
using DestinationKit.Model.Spec;

namespace DestinationKit.Model.Configuration;

/// <summary>Limits of the <c>aws</c> streaming target (API Gateway → Lambda → S3, docs/aws.md "Streaming") that a
/// configuration can break; each is checked here so the run stops before anything is created.</summary>
public static partial class DestinationSpecParser
{
    /// <summary>Largest request body the app accepts on aws. Lambda takes at most 6 MB (6291456 bytes) per synchronous
    /// invocation, and what it receives is API Gateway's event: the body as a JSON string (every quote and backslash
    /// escaped, about an eighth more for contract-v1 JSON) inside headers and request context. Planning a quarter for
    /// the escaping and 64 KB for the rest leaves (6291456 − 65536) × 4/5 = 4980736 bytes (4.75 MiB).</summary>
    public const int AwsMaxRequestBodyBytes = 4_980_736;

    /// <summary>Largest value of an SSM parameter (advanced tier), which carries the app's credentials on aws.</summary>
    public const int AwsCredentialsParameterMaxBytes = 8192;

    /// <summary>Cognito's longest access token lifetime (one day).</summary>
    public const int CognitoMaxTokenLifetimeSeconds = 86_400;

    /// <summary>Length of the client ids Cognito gives app clients (26 lowercase letters and digits).</summary>
    public const int CognitoClientIdLength = 26;

    /// <summary>Bytes of the app's provisioned-credentials document (version 1, written by DestinationKit.Streaming)
    /// for these tenants, rounded up: the signing key and the JSON around it, then per tenant its id, its API keys
    /// (<c>dkp_</c> + 48 characters) or its OAuth client entries (client id <c>&lt;tenant&gt;-aep</c>, 48-character
    /// secret), one per generation still valid, or with Cognito its app client's id (no secret). Tests check it
    /// against the real document.</summary>
    public static int EstimatedCredentialsDocumentBytes(IEnumerable<Tenant> tenants, StreamingAuth auth, TokenIssuer issuer = TokenIssuer.App)
    {
        ArgumentNullException.ThrowIfNull(tenants);
        const int fixedBytes = 1900; // {"version":1,"tenants":{…},"signingKey":{"privateKeyPem":"<RSA 2048 PKCS#8 PEM, newlines escaped>"}}
        return fixedBytes + tenants.Sum(t =>
        {
            var generations = t.Credentials.Previous is null ? 1 : 2;
            // "<id>":{"apiKeys":[…],"oauthClients":[…]}, with the separating comma
            var entry = t.Id.Length + 36;
            return auth == StreamingAuth.ApiKey ? entry + generations * 55 // "dkp_<48>",
                : issuer == TokenIssuer.Cognito ? entry + CognitoClientIdLength + 16 // {"clientId":"<26>"},
                : issuer == TokenIssuer.App ? entry + generations * (t.Id.Length + 85) // {"clientId":"<id>-aep","clientSecret":"<48>"},
                : entry;
        });
    }

    /// <summary>What only <c>aws</c> restricts: the credentials document must fit one SSM parameter (with Cognito it
    /// carries each tenant's app client id), and a Cognito user pool sets its own limits on token lifetimes, scope names,
    /// domain names and partitions.</summary>
    private static void CheckAwsStreaming(ConfigReader reader, DestinationTarget? target, string? region, string? prefix,
        ImmutableArray<Tenant>? tenants, StreamingSettings? streaming)
    {
        if (target != DestinationTarget.Aws) return;
        if (region is not null && LambdaWebAdapter.LayerArn(region) is null)
        {
            reader.Error(ConfigKeys.Region.Name, $"got \"{region}\"; target aws runs the app on Lambda with the Lambda Web Adapter layer, "
                + "which AWS publishes in the commercial regions and in cn-north-1 and cn-northwest-1 only");
        }
        if (streaming is null) return;
        if (tenants is { } list)
        {
            var issuer = streaming.OAuth2?.Issuer ?? TokenIssuer.App;
            var bytes = EstimatedCredentialsDocumentBytes(list, streaming.Auth, issuer);
            if (bytes > AwsCredentialsParameterMaxBytes)
            {
                reader.Error(ConfigKeys.Tenants.Name,
                    $"has {list.Length} tenants, whose credentials (about {bytes} bytes with the signing key"
                    + (list.Any(t => t.Credentials.Previous is not null) ? ", counting the previous credential of each rotation" : "")
                    + (issuer == TokenIssuer.Cognito ? " and each tenant's Cognito app client id" : "")
                    + $") do not fit the SSM parameter that carries them to the app on aws (at most {AwsCredentialsParameterMaxBytes} bytes); split the tenants over two stacks, "
                    + (issuer == TokenIssuer.Cognito ? "" : "finish rotations (remove \"previous\" from destination:credentialRotation), ")
                    + "or shorten tenant ids");
            }
        }
        if (streaming.OAuth2 is not { Issuer: TokenIssuer.Cognito } oauth) return;
        var path = ConfigKeys.OAuth2.Name;
        if (oauth.TokenLifetimeSeconds > CognitoMaxTokenLifetimeSeconds)
        {
            reader.Error($"{path}.tokenLifetimeSeconds",
                $"got {oauth.TokenLifetimeSeconds}; Cognito issues access tokens for at most {CognitoMaxTokenLifetimeSeconds} seconds (one day)");
        }
        CheckCognitoScopes(reader, $"{path}.scopes", oauth.Scopes);
        if (region is not null && AwsPolicies.Partition(region) != "aws")
        {
            reader.Error($"{path}.issuer", $"got \"cognito\" in region {region} ({AwsPolicies.Partition(region)} partition); "
                + "the Cognito token domain this stack creates (<prefix>.auth.<region>.amazoncognito.com) exists in the commercial partition only; use app");
        }
        if (prefix is not null && CognitoReservedWords.FirstOrDefault(w => prefix.Contains(w, StringComparison.Ordinal)) is { } word)
        {
            reader.Error(ConfigKeys.NamePrefix.Name, $"got {ConfigReader.Quote(prefix)}, which contains \"{word}\"; "
                + $"the Cognito domain is named after the prefix and Cognito refuses domains containing {string.Join(", ", CognitoReservedWords.Select(w => $"\"{w}\""))}");
        }
    }

    private static readonly ImmutableArray<string> CognitoReservedWords = ["aws", "amazon", "cognito"];

    /// <summary>Cognito scopes are <c>&lt;resource server identifier&gt;/&lt;scope name&gt;</c>; the stack creates one
    /// resource server, so every scope names the same identifier. Without scopes the stack defines
    /// <see cref="DefaultCognitoScope"/> and AEP requests none (Cognito then grants all of the client's scopes).</summary>
    private static void CheckCognitoScopes(ConfigReader reader, string path, ImmutableArray<string> scopes)
    {
        var identifiers = new HashSet<string>(StringComparer.Ordinal);
        // Scopes that are not RFC 6749 tokens at all are reported once, by the general check.
        foreach (var scope in scopes.Where(s => ScopeTokenPattern().IsMatch(s)))
        {
            var slash = scope.LastIndexOf('/');
            var (identifier, name) = slash < 0 ? ("", scope) : (scope[..slash], scope[(slash + 1)..]);
            if (identifier.Length == 0 || name.Length == 0 || identifier.Length > 256 || name.Length > 256
                || !CognitoIdentifierPattern().IsMatch(identifier) || !CognitoScopeNamePattern().IsMatch(name))
            {
                reader.Error(path, $"got {ConfigReader.Quote(scope)}; with issuer cognito a scope is <resource server identifier>/<scope name>, "
                    + "such as \"destinationkit/profiles.write\" (each part 1–256 printable characters, the name without \"/\")");
                continue;
            }
            identifiers.Add(identifier);
        }
        if (identifiers.Count > 1)
        {
            reader.Error(path, $"names {identifiers.Count} resource servers ({string.Join(", ", identifiers.Order(StringComparer.Ordinal))}); "
                + "the stack creates one Cognito resource server, so every scope must start with the same identifier");
        }
    }

    /// <summary>The resource server and scope the stack defines when <c>oauth2.scopes</c> is empty.</summary>
    public const string DefaultCognitoScope = "destinationkit/ingest";

    /// <summary>Cognito's resource server identifier and scope name patterns (printable ASCII without quotes and backslashes;
    /// a scope name has no slash).</summary>
    [GeneratedRegex(@"^[\x21\x23-\x5B\x5D-\x7E]+$")]
    private static partial Regex CognitoIdentifierPattern();

    [GeneratedRegex(@"^[\x21\x23-\x2E\x30-\x5B\x5D-\x7E]+$")]
    private static partial Regex CognitoScopeNamePattern();
}
