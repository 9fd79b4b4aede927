using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using DestinationKit.Aws.Landing;
using DestinationKit.Model.Permissions;
using DestinationKit.Streaming;
using Pulumi;
using Pulumi.Aws.ApiGatewayV2;
using Pulumi.Aws.ApiGatewayV2.Inputs;
using Pulumi.Aws.CloudWatch;
using Pulumi.Aws.Iam;
using Pulumi.Aws.Lambda;
using Pulumi.Aws.Lambda.Inputs;
using Pulumi.Aws.S3;
using Pulumi.Aws.Ssm;

namespace DestinationKit.Aws.Streaming;

/// <summary>The <c>aws</c> streaming target: an API Gateway HTTP API in front of a Lambda function that runs the
/// bundled ingestion app unchanged (Kestrel behind the Lambda Web Adapter on the <c>provided.al2023</c> runtime), which
/// stores what it accepts in an S3 sink bucket. Stage throttling answers 429 beyond the configured rate; access logs
/// and the function's logs go to CloudWatch with a retention; the tenants' credentials reach the app through an SSM
/// SecureString parameter; the function may use only the sink's prefixes, its log group and that parameter. With
/// OAuth 2.0, a JWT authorizer checks every data route. docs/aws.md, "Streaming", explains each setting.</summary>
public sealed class StreamingEndpoint : ComponentResource
{
    public const string TypeToken = "destinationkit:aws:StreamingEndpoint";

    public const string Runtime = "provided.al2023";
    public const string Architecture = "x86_64";
    public const int MemoryMb = 1024;

    /// <summary>API Gateway gives an integration at most 30 seconds; the function stops at the same time.</summary>
    public const int TimeoutSeconds = 30;

    /// <summary>The app's local projection lives in /tmp (<see cref="AppEnvironment.DataDirectory"/>).</summary>
    public const int EphemeralStorageMb = 2048;

    /// <summary>The sink's calls to S3 give up after this, so the app answers 503 (which AEP retries) well within the
    /// gateway's 30 seconds instead of the gateway answering 504.</summary>
    public const int SinkRequestTimeoutSeconds = 10;

    /// <summary>Every data route: the app's <c>/v1</c> API, whatever its paths are.</summary>
    public const string DataRouteKey = "ANY /v1/{proxy+}";

    /// <summary>The token endpoint gets its own, low limit: AEP asks for a token once a day per customer, and a tight
    /// limit slows down guessing of client secrets.</summary>
    public const double TokenRouteRateLimit = 10;

    public const int TokenRouteBurstLimit = 20;

    public const string RolePolicyName = "ingestion-app";

    /// <summary>The credentials parameter's version, in the function's environment (the app itself ignores it).</summary>
    public const string CredentialsVersionVariable = "DESTINATIONKIT_CREDENTIALS_VERSION";

    /// <summary>Fields of the API's access log, one JSON object a request; credentials are never in the context variables.</summary>
    public static readonly string AccessLogFormat = JsonSerializer.Serialize(new SortedDictionary<string, string>(StringComparer.Ordinal)
    {
        ["requestId"] = "$context.requestId",
        ["sourceIp"] = "$context.identity.sourceIp",
        ["requestTime"] = "$context.requestTime",
        ["routeKey"] = "$context.routeKey",
        ["path"] = "$context.path",
        ["status"] = "$context.status",
        ["protocol"] = "$context.protocol",
        ["responseLength"] = "$context.responseLength",
        ["responseLatency"] = "$context.responseLatency",
        ["integrationStatus"] = "$context.integrationStatus",
        ["integrationLatency"] = "$context.integrationLatency",
        ["integrationError"] = "$context.integrationErrorMessage",
        ["authorizerError"] = "$context.authorizer.error",
        ["clientId"] = "$context.authorizer.claims.client_id",
    });

    public StreamingEndpoint(string name, StreamingEndpointArgs args, ComponentResourceOptions? options = null)
        : base(TypeToken, name, options)
    {
        ArgumentNullException.ThrowIfNull(args);
        // First: a folder that is not the published app stops the run before any resource is registered.
        var package = LambdaPackage.Create(args.AppFolder, args.PackageFolder);
        var child = new CustomResourceOptions { Parent = this };
        var region = args.Region;
        var partition = args.Sink.Partition;

        var sink = new S3LandingBucket($"{name}-sink", args.Sink, new ComponentResourceOptions { Parent = this });
        SinkBucketName = sink.BucketName;

        var api = new Api($"{name}-api", new ApiArgs
        {
            Name = args.ApiName,
            ProtocolType = "HTTP",
            Description = "AEP streaming destination: the ingestion app on Lambda",
            Region = region,
            Tags = Tags(args),
        }, child);
        // The public base URL the app publishes in its discovery document and issues its tokens with.
        var publicBaseUrl = api.ApiEndpoint;

        var cognito = args.Cognito is { } cognitoArgs
            ? new CognitoIssuer($"{name}-cognito", cognitoArgs, region, args.Tags, new ComponentResourceOptions { Parent = this })
            : null;
        var credentialsArgs = AppCredentialsArgs.FromSpec(args.Spec, publicBaseUrl);
        // With Cognito the app maps each tenant's app client id (the client_id of its tokens) to the tenant.
        if (cognito is not null)
            credentialsArgs = credentialsArgs with { ExternalClientIds = cognito.Clients.ToImmutableSortedDictionary(c => c.Key, c => (Input<string>)c.Value.Id, StringComparer.Ordinal) };
        Credentials = new AppCredentials($"{name}-credentials", credentialsArgs, new ComponentResourceOptions { Parent = this });
        var parameterArgs = new ParameterArgs
        {
            Name = args.CredentialsParameterName,
            Description = "The ingestion app's provisioned credentials (API keys or OAuth clients, token signing key)",
            Type = "SecureString",
            // Standard (free) while it fits 4 KB, advanced (up to 8 KB) beyond; the parser keeps it under 8 KB.
            Tier = "Intelligent-Tiering",
            Value = Credentials.Document,
            Region = region,
            Tags = Tags(args),
        };
        // Without a customer-managed key, SSM's AWS-managed key (aws/ssm), which every principal of the account may use.
        if (sink.KmsKeyArn is { } key) parameterArgs.KeyId = key;
        var parameter = new Parameter($"{name}-app-credentials", parameterArgs, child);

        var functionLogs = new LogGroup($"{name}-function-logs", new LogGroupArgs
        {
            Name = $"/aws/lambda/{args.FunctionName}",
            RetentionInDays = args.LogRetentionDays,
            Region = region,
            Tags = Tags(args),
        }, child);
        var accessLogs = new LogGroup($"{name}-access-logs", new LogGroupArgs
        {
            // Under /aws/vendedlogs/, where CloudWatch Logs needs no resource policy per delivering API.
            Name = $"/aws/vendedlogs/apigateway/{args.ApiName}",
            RetentionInDays = args.LogRetentionDays,
            Region = region,
            Tags = Tags(args),
        }, child);

        var role = new Role($"{name}-role", new RoleArgs
        {
            Name = args.FunctionRoleName,
            Description = $"The ingestion app on Lambda ({args.FunctionName}): its sink prefixes, its logs, its credentials",
            AssumeRolePolicy = AwsStreamingPolicies.LambdaTrust().ToJson(),
            Tags = Tags(args),
        }, child);
        var access = new RolePolicy($"{name}-role-policy", new RolePolicyArgs
        {
            Name = RolePolicyName,
            Role = role.Id,
            Policy = FunctionPolicy(partition, args.Sink.BucketName, functionLogs.Arn, parameter.Arn, sink.KmsKeyArn),
        }, child);

        var code = new BucketObject($"{name}-package", new BucketObjectArgs
        {
            Bucket = sink.BucketName,
            Key = package.ObjectKey,
            Source = new FileAsset(package.ZipPath),
            ContentType = "application/zip",
            Region = region,
            Tags = Tags(args),
            // After the bucket's settings (encryption, versioning), so the package is stored as everything else.
        }, new CustomResourceOptions { Parent = this, DependsOn = { sink } });

        var function = new Function($"{name}-function", new FunctionArgs
        {
            Name = args.FunctionName,
            Description = "AEP streaming destination: the DestinationKit ingestion app",
            Region = region,
            Role = role.Arn,
            Runtime = Runtime,
            Handler = LambdaPackage.Bootstrap,
            Architectures = { Architecture },
            S3Bucket = code.Bucket,
            S3Key = code.Key,
            SourceCodeHash = package.Sha256Base64,
            Layers = { args.AdapterLayerArn },
            MemorySize = MemoryMb,
            Timeout = TimeoutSeconds,
            EphemeralStorage = new FunctionEphemeralStorageArgs { Size = EphemeralStorageMb },
            Environment = new FunctionEnvironmentArgs { Variables = AppVariables(args, publicBaseUrl, sink.BucketName, parameter, cognito) },
            LoggingConfig = new FunctionLoggingConfigArgs { LogFormat = "Text", LogGroup = functionLogs.Name },
            Tags = Tags(args),
        }, new CustomResourceOptions { Parent = this, DependsOn = { access } });
        FunctionName = function.Name;

        new Permission($"{name}-invoke", new PermissionArgs
        {
            Function = function.Name,
            Action = "lambda:InvokeFunction",
            Principal = "apigateway.amazonaws.com",
            // Any stage, method and route of this API, and nothing else.
            SourceArn = api.ExecutionArn.Apply(arn => $"{arn}/*/*"),
            Region = region,
        }, child);

        var integration = new Integration($"{name}-integration", new IntegrationArgs
        {
            ApiId = api.Id,
            IntegrationType = "AWS_PROXY",
            IntegrationUri = function.InvokeArn,
            IntegrationMethod = "POST",
            PayloadFormatVersion = "2.0",
            TimeoutMilliseconds = TimeoutSeconds * 1000,
            Region = region,
        }, child);
        var target = integration.Id.Apply(id => $"integrations/{id}");

        var authorizer = args.Authorizer switch
        {
            GatewayAuthorizer.AppTokens => JwtAuthorizer(name, api, publicBaseUrl, Output.Create<ImmutableArray<string>>([AppEnvironment.Audience]), region, child),
            GatewayAuthorizer.CognitoTokens => JwtAuthorizer(name, api, cognito!.Issuer,
                Output.All(cognito.Clients.Values.Select(c => c.Id)), region, child),
            _ => null,
        };

        var dataRoute = new RouteArgs { ApiId = api.Id, RouteKey = DataRouteKey, Target = target, AuthorizationType = "NONE", Region = region };
        if (authorizer is not null)
        {
            dataRoute.AuthorizationType = "JWT";
            dataRoute.AuthorizerId = authorizer.Id;
        }
        var routes = new List<Route> { new($"{name}-route-data", dataRoute, child) };
        Route? tokenRoute = null;
        foreach (var routeKey in OpenRouteKeys(args.Authorizer))
        {
            var route = new Route($"{name}-route-{Slug(routeKey)}", new RouteArgs
            {
                ApiId = api.Id,
                RouteKey = routeKey,
                Target = target,
                AuthorizationType = "NONE",
                Region = region,
            }, child);
            routes.Add(route);
            if (routeKey == TokenRouteKey) tokenRoute = route;
        }

        var stage = new Stage($"{name}-stage", new StageArgs
        {
            ApiId = api.Id,
            Name = "$default",
            AutoDeploy = true,
            DefaultRouteSettings = new StageDefaultRouteSettingsArgs
            {
                ThrottlingRateLimit = args.RateLimitPerSecond,
                ThrottlingBurstLimit = args.BurstLimit,
            },
            RouteSettings = tokenRoute is null ? [] :
            [
                new StageRouteSettingArgs
                {
                    RouteKey = TokenRouteKey,
                    ThrottlingRateLimit = Math.Min(TokenRouteRateLimit, args.RateLimitPerSecond),
                    ThrottlingBurstLimit = Math.Min(TokenRouteBurstLimit, args.BurstLimit),
                },
            ],
            AccessLogSettings = new StageAccessLogSettingsArgs { DestinationArn = accessLogs.Arn, Format = AccessLogFormat },
            Region = region,
            Tags = Tags(args),
        }, new CustomResourceOptions { Parent = this, DependsOn = [.. routes] });

        EndpointUrl = stage.InvokeUrl;
        TokenUrl = args.Authorizer switch
        {
            GatewayAuthorizer.AppTokens => publicBaseUrl.Apply(AppCredentials.TokenUrlFor),
            GatewayAuthorizer.CognitoTokens => cognito!.TokenUrl,
            _ => null,
        };
        CredentialsJson = cognito is null ? Credentials.CredentialsJson : CognitoCredentials(cognito);

        RegisterOutputs(new Dictionary<string, object?>
        {
            ["endpointUrl"] = EndpointUrl,
            ["tokenUrl"] = TokenUrl,
            ["sinkBucketName"] = SinkBucketName,
            ["functionName"] = FunctionName,
            ["credentials"] = CredentialsJson,
        });
    }

    /// <summary>The stage's URL, <c>https://&lt;api id&gt;.execute-api.&lt;region&gt;.amazonaws.com/</c>: AEP's destination server.</summary>
    public Output<string> EndpointUrl { get; }

    /// <summary>Where AEP gets its tokens: the app's <c>/oauth2/token</c> or the Cognito domain's; null with API keys.</summary>
    public Output<string>? TokenUrl { get; }

    /// <summary>SECRET JSON, tenant id → what that AEP customer enters: <c>{"apiKey"}</c> or
    /// <c>{"clientId", "clientSecret", "tokenUrl"}</c>.</summary>
    public Output<string> CredentialsJson { get; }

    public Output<string> SinkBucketName { get; }

    public Output<string> FunctionName { get; }

    /// <summary>The generated credentials and signing key (with Cognito: no secret, each tenant's app client id).</summary>
    public AppCredentials Credentials { get; }

    public const string TokenRouteKey = "POST /oauth2/token";

    /// <summary>The routes that reach the app without a token: its health checks always; its token endpoint and the
    /// discovery documents the JWT authorizer reads only when the app issues the tokens.</summary>
    public static IReadOnlyList<string> OpenRouteKeys(GatewayAuthorizer authorizer) =>
    [
        .. AppEnvironment.UnauthenticatedRoutes
            .Where(r => authorizer == GatewayAuthorizer.AppTokens || r.Path.StartsWith("/health/", StringComparison.Ordinal))
            .Select(r => $"{r.Method} {r.Path}"),
    ];

    /// <summary>A route key as a resource name: <c>POST /oauth2/token</c> → <c>post-oauth2-token</c>.</summary>
    public static string Slug(string routeKey) =>
        string.Join('-', routeKey.ToLowerInvariant().Split([' ', '/', '.', '-', '{', '}', '+'], StringSplitOptions.RemoveEmptyEntries));

    private static InputMap<string> Tags(StreamingEndpointArgs args) => args.Tags.ToImmutableDictionary(StringComparer.Ordinal);

    private static Output<string> FunctionPolicy(string partition, string bucket, Output<string> logGroupArn, Output<string> parameterArn, Output<string>? kmsKeyArn) =>
        Output.Tuple(logGroupArn, parameterArn, kmsKeyArn ?? Output.Create(""))
            .Apply(values => AwsStreamingPolicies.FunctionAccess(partition, bucket, values.Item1, values.Item2,
                values.Item3.Length == 0 ? null : values.Item3).ToJson());

    /// <summary>The app's settings (<see cref="AppEnvironment"/>), its sink and credentials source, the user pool it
    /// takes tokens of (with Cognito), and the Lambda Web Adapter's: the app's port, and readiness as soon as Kestrel
    /// answers (/health/live: the sink's import of what other instances wrote goes on in the background and must not hold
    /// up the data path).</summary>
    private static InputMap<string> AppVariables(StreamingEndpointArgs args, Output<string> publicBaseUrl, Output<string> bucket, Parameter credentials,
        CognitoIssuer? cognito)
    {
        var variables = new InputMap<string>();
        foreach (var (key, value) in AppEnvironment.Common(args.Spec, publicBaseUrl)) variables.Add(key, value);
        // The gateway checks Cognito's tokens, and the app again: the pool's keys, and the tenant of the token's client.
        if (cognito is not null)
            foreach (var (key, value) in AppEnvironment.CognitoIssuer(cognito.Issuer)) variables.Add(key, value);
        foreach (var (key, value) in AppEnvironment.S3Sink(bucket)) variables.Add(key, value);
        variables.Add("Ingestion__S3__RequestTimeoutSeconds", SinkRequestTimeoutSeconds.ToString(CultureInfo.InvariantCulture));
        variables.Add(AppEnvironment.ProvisionedSsmParameter, credentials.Name);
        // The app reads the parameter when it starts. A new version (a rotation) changes this variable, so Lambda
        // replaces its instances and the new credentials apply at once, old ones stop working at once.
        variables.Add(CredentialsVersionVariable, credentials.Version.Apply(v => v.ToString(CultureInfo.InvariantCulture)));
        variables.Add("AWS_LWA_PORT", AppEnvironment.Port.ToString(CultureInfo.InvariantCulture));
        variables.Add("AWS_LWA_READINESS_CHECK_PATH", "/health/live");
        // provided.al2023 has no ICU; the app needs no culture data.
        variables.Add("DOTNET_SYSTEM_GLOBALIZATION_INVARIANT", "1");
        return variables;
    }

    private Authorizer JwtAuthorizer(string name, Api api, Output<string> issuer, Output<ImmutableArray<string>> audiences, string region, CustomResourceOptions child) =>
        new($"{name}-authorizer", new AuthorizerArgs
        {
            ApiId = api.Id,
            Name = "jwt",
            AuthorizerType = "JWT",
            IdentitySources = { "$request.header.Authorization" },
            JwtConfiguration = new AuthorizerJwtConfigurationArgs { Issuer = issuer, Audiences = audiences },
            Region = region,
        }, child);

    private static Output<string> CognitoCredentials(CognitoIssuer cognito) =>
        Output.All(cognito.Clients.Select(c => Output.Tuple(c.Value.Id, c.Value.ClientSecret, cognito.TokenUrl).Apply(values =>
                KeyValuePair.Create(c.Key, new SortedDictionary<string, string>(StringComparer.Ordinal)
                {
                    ["clientId"] = values.Item1,
                    ["clientSecret"] = values.Item2,
                    ["tokenUrl"] = values.Item3,
                }))))
            .Apply(entries => Output.CreateSecret(JsonSerializer.Serialize(
                entries.ToImmutableSortedDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal))));
}
