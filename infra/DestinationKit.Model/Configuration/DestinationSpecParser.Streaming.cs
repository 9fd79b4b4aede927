using System.Collections.Immutable;
using System.Text.Json;
using System.Text.RegularExpressions;
using DestinationKit.Model.Spec;

namespace DestinationKit.Model.Configuration;

public static partial class DestinationSpecParser
{
    public static readonly IReadOnlyDictionary<string, StreamingAuth> AuthModes = new Dictionary<string, StreamingAuth>
    {
        ["api-key"] = StreamingAuth.ApiKey,
        ["oauth2"] = StreamingAuth.OAuth2,
    };

    private static readonly IReadOnlyDictionary<string, TokenIssuer> Issuers = new Dictionary<string, TokenIssuer>
    {
        ["app"] = TokenIssuer.App,
        ["external"] = TokenIssuer.External,
        ["cognito"] = TokenIssuer.Cognito,
    };

    private static readonly IReadOnlyDictionary<string, ClientAuthentication> ClientAuthentications = new Dictionary<string, ClientAuthentication>
    {
        ["body"] = ClientAuthentication.Body,
        ["basic"] = ClientAuthentication.Basic,
    };

    private static readonly IReadOnlyDictionary<string, AggregationType> AggregationTypes = new Dictionary<string, AggregationType>
    {
        ["best-effort"] = AggregationType.BestEffort,
        ["configurable"] = AggregationType.Configurable,
    };

    /// <summary>Bytes of one rendered profile we plan for: the contract's skeleton, a few audiences, and per
    /// identity namespace and attribute a generous allowance (ids are often 64-character hashes).</summary>
    public static int EstimatedProfileBytes(AepSettings aep) =>
        320 + 96 * Math.Max(1, aep.IdentityNamespaces.Length) + 80 * aep.ProfileFields.Length;

    private static StreamingSettings? ReadStreaming(ConfigReader reader, DestinationMode? mode, DestinationTarget? target,
        CloudProvider? cloud, AepSettings? aep)
    {
        if (mode != DestinationMode.Streaming)
        {
            if (mode is not null)
            {
                foreach (var key in new[] { ConfigKeys.Auth, ConfigKeys.OAuth2, ConfigKeys.App, ConfigKeys.Aggregation })
                    reader.RejectIfSet(key, "by batch destinations (streaming only)");
            }
            return null;
        }
        var givenAuth = reader.Choice(ConfigKeys.Auth, AuthModes);
        var auth = givenAuth ?? StreamingAuth.ApiKey;
        // With a misspelt auth the user's intent is unknown: judge oauth2 by neither mode.
        var oauth2 = givenAuth is null && reader.IsSet(ConfigKeys.Auth) ? null : ReadOAuth2(reader, auth, target);
        var app = ReadApp(reader, cloud);
        var aggregation = ReadAggregation(reader, aep);
        if (aep is not null && app is not null && aggregation is not null)
        {
            var needed = (long)aggregation.MaxProfilesPerRequest * EstimatedProfileBytes(aep);
            if (needed > app.MaxRequestBodyBytes)
            {
                reader.Error(ConfigKeys.Aggregation.Name,
                    $"allows {aggregation.MaxProfilesPerRequest} profiles a request, about {needed} bytes at "
                    + $"{EstimatedProfileBytes(aep)} bytes a profile, which exceeds app.maxRequestBodyBytes ({app.MaxRequestBodyBytes})"
                    + (cloud == CloudProvider.Aws ? $"; on aws at most {AwsMaxRequestBodyBytes} (what fits Lambda's 6 MB invocation payload once API Gateway wraps the body in its event)" : "")
                    + "; lower maxUsersPerRequest or maxNumEventsInBatch");
            }
        }
        return app is null || aggregation is null ? null : new StreamingSettings(auth, oauth2, app, aggregation);
    }

    private static OAuth2Settings? ReadOAuth2(ConfigReader reader, StreamingAuth auth, DestinationTarget? target)
    {
        var key = ConfigKeys.OAuth2;
        if (auth != StreamingAuth.OAuth2)
        {
            reader.RejectIfSet(key, "with auth api-key (set auth to oauth2)");
            return null;
        }
        var json = reader.Json(key, JsonValueKind.Object);
        var fields = new JsonFields(reader, key.Name, json ?? EmptyObject, key.FieldNames);
        var issuer = fields.Choice("issuer", Issuers) ?? TokenIssuer.App;
        if (issuer == TokenIssuer.Cognito && target is not null && target != DestinationTarget.Aws)
            fields.Error("issuer", $"got \"cognito\", which exists only on target aws; use app or external");
        // Target aws puts a JWT authorizer of its own issuers (the app, Cognito) in front of the function; an external
        // issuer's tokens would reach the app unchecked by the gateway, which the component does not offer yet.
        if (issuer == TokenIssuer.External && target == DestinationTarget.Aws)
            fields.Error("issuer", "got \"external\", which target aws does not offer yet; use app (the app's own token endpoint) or cognito (docs/aws.md)");
        var lifetime = fields.Int("tokenLifetimeSeconds", 86400, 3600, 604800);
        var clientAuth = fields.Choice("clientAuthentication", ClientAuthentications) ?? ClientAuthentication.Body;
        var scopes = fields.Strings("scopes").OrEmpty();
        if (scopes.Length > 10) fields.Error("scopes", $"has {scopes.Length} scopes; at most 10 allowed");
        foreach (var scope in scopes.Where(s => !ScopeTokenPattern().IsMatch(s)))
            fields.Error("scopes", $"got {ConfigReader.Quote(scope)}; a scope is printable ASCII without spaces, quotes or backslashes (RFC 6749)");

        var externalFields = new[] { "issuerUrl", "jwksUri", "tokenUrl", "audience", "tenantClaim" };
        ExternalIssuer? external = null;
        if (issuer == TokenIssuer.External)
        {
            var issuerUrl = HttpsUrl(fields, "issuerUrl");
            var jwks = HttpsUrl(fields, "jwksUri");
            var tokenUrl = HttpsUrl(fields, "tokenUrl");
            var audience = fields.String("audience", required: true, maxLength: 256, hint: ExternalHint);
            var tenantClaim = fields.String("tenantClaim", maxLength: 64) ?? "tenant";
            if (issuerUrl is not null && jwks is not null && tokenUrl is not null && audience is not null)
                external = new ExternalIssuer(issuerUrl, jwks, tokenUrl, audience, tenantClaim);
        }
        else
        {
            foreach (var field in externalFields.Where(fields.Has))
                fields.Error(field, $"is used only with issuer external; remove it or set issuer to external");
        }
        if (issuer == TokenIssuer.External && fields.Has("tokenLifetimeSeconds"))
            fields.Error("tokenLifetimeSeconds", "is set by the external issuer, not here; remove it");
        return new OAuth2Settings(issuer, lifetime, clientAuth, scopes, external);
    }

    private const string ExternalHint = " with issuer external, which needs issuerUrl, jwksUri, tokenUrl and audience";

    private static Uri? HttpsUrl(JsonFields fields, string field)
    {
        var value = fields.String(field, required: true, maxLength: 2048, hint: ExternalHint);
        if (value is null) return null;
        if (Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps && uri.UserInfo.Length == 0)
            return uri;
        // A URL with user info carries a credential: say what is wrong without repeating it.
        var shown = Uri.TryCreate(value, UriKind.Absolute, out var parsed) && parsed.UserInfo.Length > 0
            ? "a URL with credentials in it (not shown)"
            : ConfigReader.Quote(value);
        fields.Error(field, $"got {shown}; expected an absolute https:// URL without credentials");
        return null;
    }

    private static readonly IReadOnlyDictionary<CloudProvider, (string Sink, int DefaultBody, int MaxBody)> AppLimits =
        new Dictionary<CloudProvider, (string, int, int)>
        {
            [CloudProvider.Aws] = ("s3", AwsMaxRequestBodyBytes, AwsMaxRequestBodyBytes),
            [CloudProvider.Azure] = ("blob", 16_777_216, 67_108_864),
            [CloudProvider.Gcp] = ("gcs", 16_777_216, 33_554_432),
        };

    private static AppSettings? ReadApp(ConfigReader reader, CloudProvider? cloud)
    {
        var key = ConfigKeys.App;
        var json = reader.Json(key, JsonValueKind.Object);
        var fields = new JsonFields(reader, key.Name, json ?? EmptyObject, key.FieldNames);
        if (cloud is null) return null;
        var (sink, defaultBody, maxBody) = AppLimits[cloud.Value];
        var givenSink = fields.String("sink");
        if (givenSink is not null && givenSink != sink)
            fields.Error("sink", $"got {ConfigReader.Quote(givenSink)}; on {Name(Clouds, cloud.Value)} the app stores requests in {sink} (the only allowed value)");
        var body = fields.Int("maxRequestBodyBytes", defaultBody, 65_536, maxBody);
        var concurrency = fields.Int("maxConcurrentRequests", 64, 1, 4096);
        // Google API Gateway counts its quotas per API key of a consumer project, which AEP does not send: it has no rate
        // limit for the gateway as a whole, so on gcp a configured limit would be silently ignored.
        foreach (var field in new[] { "rateLimitPerSecond", "burstLimit" }.Where(f => cloud == CloudProvider.Gcp && fields.Has(f)))
            fields.Error(field, "cannot be enforced on gcp: Google API Gateway has no rate limit for a gateway as a whole (its quotas count "
                + "per API key, which AEP does not send); remove it. maxConcurrentRequests and Cloud Run's instance limit bound the load (docs/gcp.md)");
        var rate = fields.Int("rateLimitPerSecond", 1000, 1, 100_000);
        var burst = fields.Int("burstLimit", Math.Max(2000, rate), 1, 200_000);
        if (burst < rate)
            fields.Error("burstLimit", $"got {burst}, below rateLimitPerSecond ({rate}); the burst must be at least the steady rate");
        var (publisherEmail, planSku) = ReadAzureApp(fields, cloud.Value);
        return new AppSettings(sink, body, concurrency, rate, burst) { PublisherEmail = publisherEmail, PlanSku = planSku };
    }

    public const string DefaultPublisherEmail = "apim-publisher@example.com";
    public const string DefaultPlanSku = "B1";
    private static readonly string[] PlanSkus = ["B1", "B2", "B3", "S1", "S2", "S3", "P0v3", "P1v3", "P2v3", "P3v3"];

    private static (string? PublisherEmail, string? PlanSku) ReadAzureApp(JsonFields fields, CloudProvider cloud)
    {
        string[] azureOnly = ["publisherEmail", "planSku"];
        if (cloud != CloudProvider.Azure)
        {
            foreach (var field in azureOnly.Where(fields.Has))
                fields.Error(field, $"applies only to cloud azure (API Management and App Service), and the cloud is {Name(Clouds, cloud)}; remove it");
            return (null, null);
        }
        var email = fields.String("publisherEmail", maxLength: 100) ?? DefaultPublisherEmail;
        if (!System.Net.Mail.MailAddress.TryCreate(email, out var address) || address.Address != email || !address.Host.Contains('.', StringComparison.Ordinal))
            fields.Error("publisherEmail", $"got {ConfigReader.Quote(email)}; expected a plain e-mail address such as ops@partner.example");
        var sku = fields.String("planSku") ?? DefaultPlanSku;
        if (!PlanSkus.Contains(sku, StringComparer.Ordinal))
            fields.Error("planSku", $"got {ConfigReader.Quote(sku)}; allowed: {string.Join(", ", PlanSkus)}");
        return (email, sku);
    }

    private static AggregationPolicy? ReadAggregation(ConfigReader reader, AepSettings? aep)
    {
        var key = ConfigKeys.Aggregation;
        var json = reader.Json(key, JsonValueKind.Object);
        var fields = new JsonFields(reader, key.Name, json ?? EmptyObject, key.FieldNames);
        var type = fields.Choice("type", AggregationTypes) ?? AggregationType.BestEffort;
        var split = fields.Bool("splitUserById", false);
        if (type == AggregationType.BestEffort)
        {
            foreach (var field in new[] { "maxBatchAgeInSecs", "maxNumEventsInBatch", "aggregationKey" }.Where(fields.Has))
                fields.Error(field, "is used only with type configurable; remove it or set type to configurable");
            var users = fields.Int("maxUsersPerRequest", 100, 1, 10_000);
            return new AggregationPolicy(type, users, split, 0, 0, null);
        }
        if (fields.Has("maxUsersPerRequest"))
            fields.Error("maxUsersPerRequest", "is used only with type best-effort; with configurable use maxNumEventsInBatch");
        var age = fields.Int("maxBatchAgeInSecs", 1800, 1800, 3600);
        var events = fields.Int("maxNumEventsInBatch", 5000, 1000, 10_000);
        var aggregationKey = ReadAggregationKey(reader, fields, aep);
        return new AggregationPolicy(type, 0, split, age, events, aggregationKey);
    }

    private static AggregationKey? ReadAggregationKey(ConfigReader reader, JsonFields parent, AepSettings? aep)
    {
        if (parent.Element("aggregationKey", JsonValueKind.Object) is not { } element) return null;
        var fields = new JsonFields(reader, parent.FieldPath("aggregationKey"), element,
            ["includeSegmentId", "includeSegmentStatus", "includeIdentity", "oneIdentityPerGroup", "groups"]);
        var segmentId = fields.Bool("includeSegmentId", false);
        var segmentStatus = fields.Bool("includeSegmentStatus", false);
        var identity = fields.Bool("includeIdentity", false);
        var onePerGroup = fields.Bool("oneIdentityPerGroup", false);
        if (segmentStatus && !segmentId)
            fields.Error("includeSegmentStatus", "is true but includeSegmentId is false; AEP groups by status only within an audience, set includeSegmentId to true");
        var groups = ImmutableArray.CreateBuilder<ImmutableArray<string>>();
        if (fields.Element("groups", JsonValueKind.Array) is { } groupList)
        {
            if (onePerGroup)
                fields.Error("groups", "cannot be combined with oneIdentityPerGroup: true (AEP makes one group per namespace then)");
            var known = aep?.IdentityNamespaces.Select(n => n.Name).ToArray() ?? [];
            var index = 0;
            foreach (var group in groupList.EnumerateArray())
            {
                var path = $"groups[{index++}]";
                if (group.ValueKind != JsonValueKind.Array || group.GetArrayLength() == 0)
                {
                    fields.Error(path, $"got {JsonFields.Shown(group)}; expected a non-empty JSON list of identity namespace names");
                    continue;
                }
                var names = group.EnumerateArray().Select(n => n.ValueKind == JsonValueKind.String ? n.GetString()! : n.GetRawText()).ToImmutableArray();
                foreach (var name in names.Where(n => aep is not null && !known.Contains(n, StringComparer.Ordinal)))
                    fields.Error(path, $"names \"{name}\", which is not in destination:identityNamespaces ({string.Join(", ", known)})");
                groups.Add(names);
            }
        }
        return new AggregationKey(segmentId, segmentStatus, identity, onePerGroup, groups.ToImmutable());
    }

    public const int MaxCredentialGeneration = 1000;

    /// <summary><c>credentialRotation</c>: which generations of each tenant's generated credential exist. Only where
    /// the stack generates credentials: streaming with API keys, or OAuth 2.0 with the app as the issuer.</summary>
    private static ImmutableArray<Tenant>? ReadCredentialRotation(ConfigReader reader, DestinationMode? mode,
        StreamingSettings? streaming, ImmutableArray<Tenant>? tenants)
    {
        var key = ConfigKeys.CredentialRotation;
        if (mode == DestinationMode.Batch)
        {
            reader.RejectIfSet(key, "by batch destinations (streaming only)");
            return tenants;
        }
        if (streaming?.OAuth2?.Issuer is TokenIssuer.External or TokenIssuer.Cognito)
        {
            reader.RejectIfSet(key, $"with oauth2 issuer {Name(Issuers, streaming.OAuth2.Issuer)}, which issues and rotates the "
                + "client secrets itself (the stack generates credentials only with auth api-key or issuer app)");
            return tenants;
        }
        if (reader.Json(key, JsonValueKind.Object) is not { } map) return tenants;
        var ids = tenants?.Select(t => t.Id).ToArray();
        var generations = new Dictionary<string, CredentialGenerations>(StringComparer.Ordinal);
        foreach (var entry in map.EnumerateObject())
        {
            var path = $"{key.Name}.{entry.Name}";
            if (ids is not null && !ids.Contains(entry.Name, StringComparer.Ordinal))
            {
                reader.Error(path, $"names a tenant that is not in destination:tenants{Suggestions.DidYouMean(entry.Name, ids)}");
                continue;
            }
            if (entry.Value.ValueKind != JsonValueKind.Object)
            {
                reader.Error(path, $"got {JsonFields.Shown(entry.Value)}; expected an object such as {{\"current\": 2, \"previous\": 1}}");
                continue;
            }
            var fields = new JsonFields(reader, path, entry.Value, key.FieldNames);
            if (!fields.Has("current"))
            {
                fields.Error("current", "is required: the generation to hand out, a whole number from 1 to 1000");
                continue;
            }
            var current = fields.Int("current", 1, 1, MaxCredentialGeneration);
            int? previous = fields.Has("previous") ? fields.Int("previous", 0, 1, MaxCredentialGeneration) : null;
            if (previous == current)
                fields.Error("previous", $"got {current}, the same as current; it names the other generation still valid during a rotation (remove it when the rotation is done)");
            if (previous is not 0) generations[entry.Name] = new CredentialGenerations(current, previous);
        }
        return tenants?.Select(t => generations.TryGetValue(t.Id, out var g) ? t with { Credentials = g } : t).ToImmutableArray();
    }

    internal static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement.Clone();

    [GeneratedRegex(@"^[\x21\x23-\x5B\x5D-\x7E]+$")]
    private static partial Regex ScopeTokenPattern();
}
