using System.Collections.Concurrent;
using System.Text.Json;
using DestinationKit.Aws.Landing;
using DestinationKit.Aws.Streaming;
using DestinationKit.Model.Configuration;
using DestinationKit.Model.Naming;
using DestinationKit.Model.Permissions;
using DestinationKit.Model.Spec;
using DestinationKit.Streaming;
using Pulumi;
using Pulumi.Testing;
using Pulumi.Utilities;
using static DestinationKit.Aws.Tests.MockAssertions;

namespace DestinationKit.Aws.Tests.Streaming;

public sealed class StreamingEndpointTests(StreamingFixture fixture) : IClassFixture<StreamingFixture>
{
    public const string ApiType = "aws:apigatewayv2/api:Api";
    public const string StageType = "aws:apigatewayv2/stage:Stage";
    public const string IntegrationType = "aws:apigatewayv2/integration:Integration";
    public const string RouteType = "aws:apigatewayv2/route:Route";
    public const string AuthorizerType = "aws:apigatewayv2/authorizer:Authorizer";
    public const string FunctionType = "aws:lambda/function:Function";
    public const string PermissionType = "aws:lambda/permission:Permission";
    public const string LogGroupType = "aws:cloudwatch/logGroup:LogGroup";
    public const string ParameterType = "aws:ssm/parameter:Parameter";
    public const string ObjectType = "aws:s3/bucketObject:BucketObject";
    public const string UserPoolType = "aws:cognito/userPool:UserPool";
    public const string DomainType = "aws:cognito/userPoolDomain:UserPoolDomain";
    public const string ResourceServerType = "aws:cognito/resourceServer:ResourceServer";
    public const string ClientType = "aws:cognito/userPoolClient:UserPoolClient";
    public const string PasswordType = "random:index/randomPassword:RandomPassword";

    private const string ApiName = "ingest-api";

    private static string ApiId => AwsBehaviour.ApiId(ApiName);

    private static string Endpoint => AwsBehaviour.ApiEndpoint(ApiId, Specs.Region);

    /// <summary>What every aws streaming endpoint consists of, whatever the auth mode.</summary>
    private static Dictionary<string, int> Common(int openRoutes) => new()
    {
        [StreamingEndpoint.TypeToken] = 1,
        [S3LandingBucket.TypeToken] = 1,
        [BucketType] = 1, [PublicAccessBlockType] = 1, [OwnershipType] = 1, [EncryptionType] = 1, [VersioningType] = 1,
        [LifecycleType] = 1, [BucketPolicyType] = 1,
        [ApiType] = 1, [StageType] = 1, [IntegrationType] = 1, [RouteType] = 1 + openRoutes,
        [AppCredentials.TypeToken] = 1, [PrivateKeyType] = 1,
        [ParameterType] = 1, [LogGroupType] = 2, [RoleType] = 1, [RolePolicyType] = 1, [ObjectType] = 1,
        [FunctionType] = 1, [PermissionType] = 1,
    };

    [Fact]
    public async Task One_tenant_with_an_api_key_gets_the_gateway_the_function_the_sink_and_one_generated_key()
    {
        var mocks = StreamingFixture.NewMocks();
        var spec = StreamingFixture.Spec();

        var (endpoint, _) = await fixture.RunAsync(mocks, spec);

        var expected = Common(openRoutes: 2);
        expected[PasswordType] = 1;
        Assert.Equal(expected.OrderBy(e => e.Key), Counts(mocks).OrderBy(e => e.Key));
        Assert.Equal($"{Endpoint}/", await OutputUtilities.GetValueAsync(endpoint.EndpointUrl));
        Assert.Null(endpoint.TokenUrl);
        Assert.Equal(new ResourceNames(spec).SinkBucket, await OutputUtilities.GetValueAsync(endpoint.SinkBucketName));
        Assert.Equal(new ResourceNames(spec).StreamingFunction, await OutputUtilities.GetValueAsync(endpoint.FunctionName));
        using var credentials = JsonDocument.Parse(await OutputUtilities.GetValueAsync(endpoint.CredentialsJson));
        var key = credentials.RootElement.GetProperty("acme").GetProperty("apiKey").GetString()!;
        Assert.StartsWith(AppCredentials.ApiKeyPrefix, key, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Three_tenants_with_the_apps_oauth_clients_share_one_gateway_function_and_sink()
    {
        var mocks = StreamingFixture.NewMocks();

        var (endpoint, _) = await fixture.RunAsync(mocks, StreamingFixture.Spec(StreamingFixture.ThreeTenants, StreamingFixture.AppTokens));

        var expected = Common(openRoutes: 5);
        expected[PasswordType] = 3;
        expected[AuthorizerType] = 1;
        Assert.Equal(expected.OrderBy(e => e.Key), Counts(mocks).OrderBy(e => e.Key));
        Assert.Equal($"{Endpoint}/oauth2/token", await OutputUtilities.GetValueAsync(endpoint.TokenUrl!));
        using var credentials = JsonDocument.Parse(await OutputUtilities.GetValueAsync(endpoint.CredentialsJson));
        Assert.Equal(["acme", "globex", "initech"], credentials.RootElement.EnumerateObject().Select(p => p.Name));
        foreach (var tenant in credentials.RootElement.EnumerateObject())
        {
            Assert.Equal(AppCredentials.ClientIdFor(tenant.Name), tenant.Value.GetProperty("clientId").GetString());
            Assert.Equal(AppCredentials.SecretLength, tenant.Value.GetProperty("clientSecret").GetString()!.Length);
            Assert.Equal($"{Endpoint}/oauth2/token", tenant.Value.GetProperty("tokenUrl").GetString());
        }
    }

    [Fact]
    public async Task Three_tenants_with_cognito_get_a_user_pool_and_a_client_credentials_client_each()
    {
        var mocks = StreamingFixture.NewMocks();
        var spec = StreamingFixture.Spec(StreamingFixture.ThreeTenants, StreamingFixture.CognitoTokens);
        var names = new ResourceNames(spec);

        var (endpoint, _) = await fixture.RunAsync(mocks, spec);

        var expected = Common(openRoutes: 2);
        expected[AuthorizerType] = 1;
        expected[CognitoIssuer.TypeToken] = 1;
        expected[UserPoolType] = 1;
        expected[DomainType] = 1;
        expected[ResourceServerType] = 1;
        expected[ClientType] = 3;
        Assert.Equal(expected.OrderBy(e => e.Key), Counts(mocks).OrderBy(e => e.Key));

        var pool = Single(mocks, UserPoolType).Inputs;
        Assert.Equal(names.CognitoUserPool, pool["name"]);
        Assert.Equal(true, Map(pool["adminCreateUserConfig"])["allowAdminCreateUserOnly"]);
        Assert.Equal(names.CognitoDomain, Single(mocks, DomainType).Inputs["domain"]);
        var server = Single(mocks, ResourceServerType).Inputs;
        Assert.Equal("https://ingest.acme.example", server["identifier"]);
        Assert.Equal(["profiles.write", "audiences.write"], List(server["scopes"]).Select(s => Map(s)["scopeName"]));

        string[] scopes = ["https://ingest.acme.example/profiles.write", "https://ingest.acme.example/audiences.write"];
        foreach (var tenant in new[] { "acme", "globex", "initech" })
        {
            var client = Named(mocks, ClientType, $"ingest-cognito-{tenant}-client").Inputs;
            Assert.Equal(tenant, client["name"]);
            Assert.Equal(true, client["generateSecret"]);
            Assert.Equal(true, client["allowedOauthFlowsUserPoolClient"]);
            Assert.Equal(["client_credentials"], List(client["allowedOauthFlows"]));
            Assert.Equal(scopes, List(client["allowedOauthScopes"]));
            Assert.Equal(86400.0, client["accessTokenValidity"]);
            Assert.Equal("seconds", Map(client["tokenValidityUnits"])["accessToken"]);
        }

        var tokenUrl = $"https://{names.CognitoDomain}.auth.{Specs.Region}.amazoncognito.com/oauth2/token";
        Assert.Equal(tokenUrl, await OutputUtilities.GetValueAsync(endpoint.TokenUrl!));
        using var credentials = JsonDocument.Parse(await OutputUtilities.GetValueAsync(endpoint.CredentialsJson));
        foreach (var tenant in credentials.RootElement.EnumerateObject())
        {
            var resource = $"ingest-cognito-{tenant.Name}-client";
            Assert.Equal(AwsBehaviour.CognitoClientId(resource), tenant.Value.GetProperty("clientId").GetString());
            Assert.Equal(AwsBehaviour.CognitoClientSecret(resource), tenant.Value.GetProperty("clientSecret").GetString());
            Assert.Equal(tokenUrl, tenant.Value.GetProperty("tokenUrl").GetString());
        }
        // Cognito keeps the clients' secrets: the stack generates none.
        Assert.Empty(mocks.OfType(PasswordType));
    }

    [Fact]
    public async Task With_cognito_the_app_checks_the_pools_tokens_and_its_document_maps_each_app_client_to_its_tenant()
    {
        var mocks = StreamingFixture.NewMocks();
        var spec = StreamingFixture.Spec(StreamingFixture.ThreeTenants, StreamingFixture.CognitoTokens);

        await fixture.RunAsync(mocks, spec);

        var issuer = $"https://cognito-idp.{Specs.Region}.amazonaws.com/{AwsBehaviour.CognitoUserPoolId("ingest-cognito-pool", Specs.Region)}";
        var variables = Map(Map(Single(mocks, FunctionType).Inputs["environment"])["variables"]);
        Assert.Equal(issuer, variables["Auth__External__Issuer"]);
        Assert.Equal($"{issuer}/.well-known/jwks.json", variables["Auth__External__JwksUrl"]);
        Assert.Equal("cognito", variables["Auth__External__Kind"]);
        Assert.Equal("false", variables["Auth__EnableTokenEndpoint"]);
        Assert.False(variables.ContainsKey("Auth__External__Audience"));
        // The same issuer as the gateway's authorizer: a token passes both or neither.
        Assert.Equal(issuer, Map(Single(mocks, AuthorizerType).Inputs["jwtConfiguration"])["issuer"]);

        var document = (string)Single(mocks, ParameterType).Inputs["value"];
        using var parsed = JsonDocument.Parse(document);
        foreach (var tenant in new[] { "acme", "globex", "initech" })
        {
            var entry = parsed.RootElement.GetProperty("tenants").GetProperty(tenant);
            Assert.Empty(entry.GetProperty("apiKeys").EnumerateArray());
            var client = Assert.Single(entry.GetProperty("oauthClients").EnumerateArray());
            Assert.Equal($$"""{"clientId":"{{AwsBehaviour.CognitoClientId($"ingest-cognito-{tenant}-client")}}"}""", client.GetRawText());
            // The client's secret is Cognito's: it is in neither the document nor the function's environment.
            var secret = AwsBehaviour.CognitoClientSecret($"ingest-cognito-{tenant}-client");
            Assert.DoesNotContain(secret, document, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, JsonSerializer.Serialize(variables), StringComparison.Ordinal);
        }
        Assert.InRange(document.Length, 1, DestinationSpecParser.EstimatedCredentialsDocumentBytes(spec.Tenants, spec.Streaming!.Auth, TokenIssuer.Cognito));
    }

    public static TheoryData<string, string[]> AuthorizedModes => new()
    {
        { "app", ["POST /oauth2/token", "GET /.well-known/openid-configuration", "GET /.well-known/jwks.json", "GET /health/live", "GET /health/ready"] },
        { "cognito", ["GET /health/live", "GET /health/ready"] },
    };

    [Theory]
    [MemberData(nameof(AuthorizedModes))]
    public async Task The_jwt_authorizer_guards_every_data_route_and_none_of_the_open_ones(string issuer, string[] openRoutes)
    {
        var mocks = StreamingFixture.NewMocks();
        var spec = StreamingFixture.Spec(StreamingFixture.ThreeTenants, issuer == "app" ? StreamingFixture.AppTokens : StreamingFixture.CognitoTokens);

        await fixture.RunAsync(mocks, spec);

        var authorizer = Single(mocks, AuthorizerType);
        var authorizerId = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(authorizer.Name!)))[..7];
        Assert.Equal("JWT", authorizer.Inputs["authorizerType"]);
        Assert.Equal(ApiId, authorizer.Inputs["apiId"]);
        Assert.Equal(["$request.header.Authorization"], List(authorizer.Inputs["identitySources"]));
        var jwt = Map(authorizer.Inputs["jwtConfiguration"]);
        if (issuer == "app")
        {
            // The app's tokens carry the API's URL as iss (Auth__Issuer) and its audience; the authorizer finds the keys
            // through the discovery document on the open route.
            Assert.Equal(Endpoint, jwt["issuer"]);
            Assert.Equal([AppEnvironment.Audience], List(jwt["audiences"]));
        }
        else
        {
            var pool = AwsBehaviour.CognitoUserPoolId("ingest-cognito-pool", Specs.Region);
            Assert.Equal($"https://cognito-idp.{Specs.Region}.amazonaws.com/{pool}", jwt["issuer"]);
            Assert.Equal(new[] { "acme", "globex", "initech" }.Select(t => AwsBehaviour.CognitoClientId($"ingest-cognito-{t}-client")), List(jwt["audiences"]));
        }

        var routes = mocks.OfType(RouteType);
        var data = routes.Where(r => (string)r.Inputs["authorizationType"] != "NONE").ToList();
        var route = Assert.Single(data);
        Assert.Equal(StreamingEndpoint.DataRouteKey, route.Inputs["routeKey"]);
        Assert.Equal("JWT", route.Inputs["authorizationType"]);
        Assert.Equal(authorizerId, route.Inputs["authorizerId"]);
        var open = routes.Except(data).ToList();
        Assert.Equal(openRoutes.Order(StringComparer.Ordinal), open.Select(r => (string)r.Inputs["routeKey"]).Order(StringComparer.Ordinal));
        Assert.All(open, r => Assert.False(r.Inputs.ContainsKey("authorizerId")));
        // Every route reaches the function through the one integration.
        var integrationId = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes("ingest-integration")))[..7];
        Assert.All(routes, r => Assert.Equal($"integrations/{integrationId}", r.Inputs["target"]));
    }

    [Fact]
    public async Task With_api_keys_no_authorizer_exists_and_only_the_health_checks_are_open_besides_the_data_routes()
    {
        var mocks = StreamingFixture.NewMocks();

        await fixture.RunAsync(mocks, StreamingFixture.Spec(StreamingFixture.ThreeTenants));

        Assert.Empty(mocks.OfType(AuthorizerType));
        var routes = mocks.OfType(RouteType);
        Assert.Equal(["ANY /v1/{proxy+}", "GET /health/live", "GET /health/ready"], routes.Select(r => (string)r.Inputs["routeKey"]).Order(StringComparer.Ordinal));
        Assert.All(routes, r => Assert.Equal("NONE", r.Inputs["authorizationType"]));
        // The app checks the key: the token endpoint is off and no OAuth client exists.
        var variables = Map(Map(Single(mocks, FunctionType).Inputs["environment"])["variables"]);
        Assert.Equal("false", variables["Auth__EnableTokenEndpoint"]);
    }

    [Fact]
    public async Task The_stage_throttles_to_the_configured_rate_and_burst_and_the_token_endpoint_lower_and_logs_each_request()
    {
        var mocks = StreamingFixture.NewMocks();
        var spec = StreamingFixture.Spec(extra: [.. StreamingFixture.AppTokens, ("app", """{"rateLimitPerSecond": 250, "burstLimit": 500}"""), ("retentionDays", "45")]);

        await fixture.RunAsync(mocks, spec);

        var stage = Single(mocks, StageType).Inputs;
        Assert.Equal("$default", stage["name"]);
        Assert.Equal(true, stage["autoDeploy"]);
        var defaults = Map(stage["defaultRouteSettings"]);
        Assert.Equal(250.0, defaults["throttlingRateLimit"]);
        Assert.Equal(500.0, defaults["throttlingBurstLimit"]);
        var token = Map(Assert.Single(List(stage["routeSettings"])));
        Assert.Equal("POST /oauth2/token", token["routeKey"]);
        Assert.Equal(10.0, token["throttlingRateLimit"]);
        Assert.Equal(20.0, token["throttlingBurstLimit"]);

        var accessLogs = Named(mocks, LogGroupType, "ingest-access-logs").Inputs;
        Assert.Equal($"/aws/vendedlogs/apigateway/{new ResourceNames(spec).StreamingApi}", accessLogs["name"]);
        var logSettings = Map(stage["accessLogSettings"]);
        Assert.Equal($"arn:aws:logs:{Specs.Region}:{AwsBehaviour.AccountId}:log-group:{accessLogs["name"]}", logSettings["destinationArn"]);
        using var format = JsonDocument.Parse((string)logSettings["format"]);
        Assert.Equal("$context.status", format.RootElement.GetProperty("status").GetString());
        Assert.Equal("$context.requestId", format.RootElement.GetProperty("requestId").GetString());
        Assert.DoesNotContain("header", (string)logSettings["format"], StringComparison.OrdinalIgnoreCase);

        // 45 days of requests: logs are kept for CloudWatch's next period, 60 days.
        Assert.All(mocks.OfType(LogGroupType), g => Assert.Equal(60.0, g.Inputs["retentionInDays"]));
        Assert.Equal($"/aws/lambda/{new ResourceNames(spec).StreamingFunction}", Named(mocks, LogGroupType, "ingest-function-logs").Inputs["name"]);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(30, 30)]
    [InlineData(31, 60)]
    [InlineData(400, 400)]
    [InlineData(3650, 3653)]
    public void Log_retention_is_the_shortest_period_cloudwatch_offers_that_covers_the_stacks(int days, int expected) =>
        Assert.Equal(expected, StreamingEndpointArgs.LogRetention(days));

    [Fact]
    public async Task The_function_runs_the_app_on_the_custom_runtime_behind_the_web_adapter_from_the_uploaded_package()
    {
        var mocks = StreamingFixture.NewMocks();
        var spec = StreamingFixture.Spec(extra: StreamingFixture.AppTokens);
        var names = new ResourceNames(spec);

        await fixture.RunAsync(mocks, spec);

        var function = Single(mocks, FunctionType).Inputs;
        Assert.Equal(names.StreamingFunction, function["name"]);
        Assert.Equal("provided.al2023", function["runtime"]);
        Assert.Equal("bootstrap", function["handler"]);
        Assert.Equal(["x86_64"], List(function["architectures"]));
        Assert.Equal([$"arn:aws:lambda:{Specs.Region}:753240598075:layer:LambdaAdapterLayerX86:26"], List(function["layers"]));
        Assert.Equal(30.0, function["timeout"]);
        Assert.Equal(1024.0, function["memorySize"]);
        Assert.Equal(2048.0, Map(function["ephemeralStorage"])["size"]);
        Assert.Equal($"arn:aws:iam::{AwsBehaviour.AccountId}:role/{names.StreamingFunctionRole}", function["role"]);
        Assert.Equal(Specs.Region, function["region"]);
        Assert.Equal($"/aws/lambda/{names.StreamingFunction}", Map(function["loggingConfig"])["logGroup"]);

        var package = Single(mocks, ObjectType).Inputs;
        Assert.Equal(names.SinkBucket, package["bucket"]);
        Assert.Matches("^deployments/ingestion-[0-9a-f]{64}\\.zip$", (string)package["key"]);
        Assert.Equal(names.SinkBucket, function["s3Bucket"]);
        Assert.Equal(package["key"], function["s3Key"]);
        var zip = File.ReadAllBytes(Assert.Single(Directory.GetFiles(fixture.PackageFolder, "*.zip")));
        Assert.Equal($"deployments/ingestion-{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(zip))}.zip", package["key"]);
        Assert.Equal(Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(zip)), function["sourceCodeHash"]);
        Assert.IsType<FileAsset>(package["source"]);

        var variables = Map(Map(function["environment"])["variables"]);
        Assert.Equal("8080", variables["AWS_LWA_PORT"]);
        Assert.Equal("/health/live", variables["AWS_LWA_READINESS_CHECK_PATH"]);
        Assert.Equal("http://0.0.0.0:8080", variables["Urls"]);
        Assert.Equal("s3", variables["Ingestion__Sink"]);
        Assert.Equal(names.SinkBucket, variables["Ingestion__S3__Bucket"]);
        Assert.Equal("/tmp/destinationkit", variables["Ingestion__DataDirectory"]);
        Assert.Equal("4980736", variables["Ingestion__MaxRequestBodyBytes"]);
        Assert.Equal(names.CredentialsParameter, variables[AppEnvironment.ProvisionedSsmParameter]);
        // The parameter's version: a rotation changes it, and with it the function's configuration (new instances).
        Assert.Equal("1", variables[StreamingEndpoint.CredentialsVersionVariable]);
        Assert.Equal(Endpoint, variables["Auth__Issuer"]);
        Assert.Equal(Endpoint, variables["Auth__PublicBaseUrl"]);
        Assert.Equal("true", variables["Auth__EnableTokenEndpoint"]);
        Assert.Equal("1", variables["DOTNET_SYSTEM_GLOBALIZATION_INVARIANT"]);

        var permission = Single(mocks, PermissionType).Inputs;
        Assert.Equal(names.StreamingFunction, permission["function"]);
        Assert.Equal("lambda:InvokeFunction", permission["action"]);
        Assert.Equal("apigateway.amazonaws.com", permission["principal"]);
        Assert.Equal($"arn:aws:execute-api:{Specs.Region}:{AwsBehaviour.AccountId}:{ApiId}/*/*", permission["sourceArn"]);

        var integration = Single(mocks, IntegrationType).Inputs;
        Assert.Equal("AWS_PROXY", integration["integrationType"]);
        Assert.Equal("2.0", integration["payloadFormatVersion"]);
        Assert.Equal(30000.0, integration["timeoutMilliseconds"]);
        Assert.Equal($"arn:aws:apigateway:{Specs.Region}:lambda:path/2015-03-31/functions/arn:aws:lambda:{Specs.Region}:{AwsBehaviour.AccountId}:function:{names.StreamingFunction}/invocations",
            integration["integrationUri"]);
    }

    [Fact]
    public async Task The_function_role_is_assumable_by_lambda_only_and_allows_exactly_the_sink_prefixes_its_logs_and_its_parameter()
    {
        var mocks = StreamingFixture.NewMocks();
        var spec = StreamingFixture.Spec();
        var names = new ResourceNames(spec);

        await fixture.RunAsync(mocks, spec);

        var role = Single(mocks, RoleType).Inputs;
        Assert.Equal(names.StreamingFunctionRole, role["name"]);
        Assert.Equal(AwsStreamingPolicies.LambdaTrust().ToJson(), Compact(role["assumeRolePolicy"]));
        var policy = Single(mocks, RolePolicyType).Inputs;
        Assert.Equal(names.StreamingFunctionRole, policy["role"]);
        var logGroup = $"arn:aws:logs:{Specs.Region}:{AwsBehaviour.AccountId}:log-group:/aws/lambda/{names.StreamingFunction}";
        var parameter = $"arn:aws:ssm:{Specs.Region}:{AwsBehaviour.AccountId}:parameter{names.CredentialsParameter}";
        Assert.Equal(
            $$"""
            {"Version":"2012-10-17","Statement":[
            {"Sid":"SinkObjects","Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":["arn:aws:s3:::{{names.SinkBucket}}/requests/*","arn:aws:s3:::{{names.SinkBucket}}/audiences/*"]},
            {"Sid":"SinkList","Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::{{names.SinkBucket}}"},
            {"Sid":"OwnLogs","Effect":"Allow","Action":["logs:CreateLogStream","logs:PutLogEvents"],"Resource":"{{logGroup}}:*"},
            {"Sid":"ReadCredentials","Effect":"Allow","Action":"ssm:GetParameter","Resource":"{{parameter}}"}]}
            """.Replace("\n", "", StringComparison.Ordinal),
            Compact(policy["policy"]));
        Assert.All(AllowedActions(policy["policy"]), a => Assert.DoesNotContain("*", a, StringComparison.Ordinal));
    }

    [Fact]
    public async Task With_a_customer_managed_key_the_bucket_and_the_parameter_use_it_and_the_role_may_use_it_for_them_only()
    {
        var mocks = StreamingFixture.NewMocks();
        var spec = StreamingFixture.Spec(extra: [("encryption", "customer-managed"), ("encryptionKeyId", Specs.KeyArn)]);
        var names = new ResourceNames(spec);

        await fixture.RunAsync(mocks, spec);

        Assert.Equal(Specs.KeyArn, Single(mocks, ParameterType).Inputs["keyId"]);
        using var policy = JsonDocument.Parse((string)Single(mocks, RolePolicyType).Inputs["policy"]);
        var statements = policy.RootElement.GetProperty("Statement").EnumerateArray().ToDictionary(s => s.GetProperty("Sid").GetString()!);
        Assert.Equal(Specs.KeyArn, statements["SinkKey"].GetProperty("Resource").GetString());
        Assert.Equal($"arn:aws:s3:::{names.SinkBucket}",
            statements["SinkKey"].GetProperty("Condition").GetProperty("StringEquals").GetProperty("kms:EncryptionContext:aws:s3:arn").GetString());
        Assert.Equal($"arn:aws:ssm:{Specs.Region}:{AwsBehaviour.AccountId}:parameter{names.CredentialsParameter}",
            statements["CredentialsKey"].GetProperty("Condition").GetProperty("StringEquals").GetProperty("kms:EncryptionContext:PARAMETER_ARN").GetString());
        Assert.Equal("aws:kms", Map(Map(List(Single(mocks, EncryptionType).Inputs["rules"])[0])["applyServerSideEncryptionByDefault"])["sseAlgorithm"]);
    }

    [Fact]
    public async Task The_sink_is_private_encrypted_and_tls_only_and_expires_only_requests()
    {
        var mocks = StreamingFixture.NewMocks();
        var spec = StreamingFixture.Spec(extra: ("retentionDays", "14"));
        var names = new ResourceNames(spec);

        await fixture.RunAsync(mocks, spec);

        Assert.Equal(names.SinkBucket, Single(mocks, BucketType).Inputs["bucket"]);
        var block = Single(mocks, PublicAccessBlockType).Inputs;
        Assert.All(new[] { "blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets" }, k => Assert.Equal(true, block[k]));
        Assert.Equal("BucketOwnerEnforced", Map(Single(mocks, OwnershipType).Inputs["rule"])["objectOwnership"]);
        Assert.Equal("AES256", Map(Map(List(Single(mocks, EncryptionType).Inputs["rules"])[0])["applyServerSideEncryptionByDefault"])["sseAlgorithm"]);
        Assert.Equal(AwsPolicies.DenyInsecureTransport("aws", names.SinkBucket).ToJson(), Compact(Single(mocks, BucketPolicyType).Inputs["policy"]));

        var rules = List(Single(mocks, LifecycleType).Inputs["rules"]).Select(Map).ToList();
        Assert.Equal(2, rules.Count);
        Assert.Equal("requests/", Map(rules[0]["filter"])["prefix"]);
        Assert.Equal(14.0, Map(rules[0]["expiration"])["days"]);
        Assert.Equal(14.0, Map(rules[0]["noncurrentVersionExpiration"])["noncurrentDays"]);
        // Audiences and the code package stay; only their old versions go.
        Assert.Equal(S3LandingBucket.NoncurrentRuleId, rules[1]["id"]);
        Assert.Empty(Map(rules[1]["filter"]));
        Assert.False(rules[1].ContainsKey("expiration"));
        Assert.Equal(14.0, Map(rules[1]["noncurrentVersionExpiration"])["noncurrentDays"]);
    }

    [Fact]
    public async Task Credentials_reach_the_app_only_through_the_secure_string_parameter_and_every_output_holding_them_is_secret()
    {
        var mocks = StreamingFixture.NewMocks();
        var spec = StreamingFixture.Spec(StreamingFixture.ThreeTenants, ("credentialRotation", """{"acme": {"current": 2, "previous": 1}}"""));

        var (endpoint, _) = await fixture.RunAsync(mocks, spec);

        var parameter = Single(mocks, ParameterType).Inputs;
        Assert.Equal("SecureString", parameter["type"]);
        Assert.Equal("Intelligent-Tiering", parameter["tier"]);
        Assert.False(parameter.ContainsKey("keyId"));
        var document = (string)parameter["value"];
        Assert.Equal(document, await OutputUtilities.GetValueAsync(endpoint.Credentials.Document));
        Assert.True(await Output.IsSecretAsync(endpoint.CredentialsJson));
        Assert.True(await Output.IsSecretAsync(endpoint.Credentials.Document));

        // No key, secret or private key appears anywhere else: not in the function's environment, not in a tag.
        var secrets = await Task.WhenAll(endpoint.Credentials.Tenants.Values
            .SelectMany(t => new[] { t.ApiKey, t.SecondaryApiKey })
            .OfType<Output<string>>()
            .Select(OutputUtilities.GetValueAsync));
        Assert.Equal(4, secrets.Length);
        using var parsed = JsonDocument.Parse(document);
        var privateKey = parsed.RootElement.GetProperty("signingKey").GetProperty("privateKeyPem").GetString()!;
        foreach (var resource in mocks.Created.Where(r => r.Type != ParameterType))
        {
            var inputs = JsonSerializer.Serialize(resource.Inputs);
            Assert.All(secrets, secret => Assert.DoesNotContain(secret, inputs, StringComparison.Ordinal));
            Assert.DoesNotContain("PRIVATE KEY", inputs, StringComparison.Ordinal);
        }
        Assert.Contains(secrets[1], document, StringComparison.Ordinal);
        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", privateKey, StringComparison.Ordinal);
        // The parser's size estimate of this document (for the SSM limit) never undercounts the real one.
        Assert.InRange(document.Length, 1, DestinationSpecParser.EstimatedCredentialsDocumentBytes(spec.Tenants, spec.Streaming!.Auth));
    }

    [Fact]
    public async Task Every_resource_that_takes_tags_is_tagged_with_the_stacks_tags()
    {
        var mocks = StreamingFixture.NewMocks();

        await fixture.RunAsync(mocks, StreamingFixture.Spec(StreamingFixture.ThreeTenants, [.. StreamingFixture.CognitoTokens, ("tags", TagsSetting)]));

        var aws = mocks.Created.Where(r => r.Type!.StartsWith("aws:", StringComparison.Ordinal)).ToList();
        Assert.Contains(aws, r => r.Type == FunctionType);
        foreach (var resource in aws)
        {
            if (TakesTags(resource.Type!)) Assert.Equal(ExpectedTags, Map(resource.Inputs["tags"]));
            else Assert.False(resource.Inputs.ContainsKey("tags"), resource.Type);
        }
        Assert.Equal(
            [ApiType, StageType, LogGroupType, UserPoolType, RoleType, FunctionType, BucketType, ObjectType, ParameterType],
            aws.Where(r => TakesTags(r.Type!)).Select(r => r.Type!).Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Every_regional_resource_is_created_in_the_destinations_region()
    {
        var mocks = StreamingFixture.NewMocks();

        await fixture.RunAsync(mocks, StreamingFixture.Spec(extra: StreamingFixture.CognitoTokens));

        Assert.All(mocks.Created.Where(r => r.Type!.StartsWith("aws:", StringComparison.Ordinal) && !r.Type.StartsWith("aws:iam/", StringComparison.Ordinal)),
            r => Assert.Equal(Specs.Region, r.Inputs["region"]));
    }

    [Fact]
    public async Task Every_child_is_parented_under_the_component_which_registers_its_outputs()
    {
        var mocks = StreamingFixture.NewMocks();
        var underComponent = new ConcurrentBag<string>();
        var options = new ComponentResourceOptions
        {
            ResourceTransformations = { args => { underComponent.Add(args.Resource.GetResourceName()); return null; } },
        };

        var (endpoint, resources) = await fixture.RunAsync(mocks, StreamingFixture.Spec(extra: StreamingFixture.CognitoTokens), options);

        var all = resources.Select(r => r.GetResourceName()).Where(n => n != "ingest").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(all, underComponent.Where(n => n != "ingest").Order(StringComparer.Ordinal));
        Assert.Contains(await OutputUtilities.GetValueAsync(endpoint.Urn), mocks.RegisteredOutputs);
    }

    [Fact]
    public void A_spec_of_another_target_is_refused_before_anything_is_created()
    {
        var error = Assert.Throws<ArgumentException>(() => StreamingEndpointArgs.FromSpec(Specs.S3(), fixture.AppFolder, fixture.PackageFolder));
        Assert.StartsWith("an AWS streaming endpoint is built for target aws, not AwsS3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_folder_that_is_not_the_published_app_stops_the_run_with_what_to_do()
    {
        var mocks = StreamingFixture.NewMocks();
        var empty = Directory.CreateTempSubdirectory("dk-not-an-app-").FullName;
        try
        {
            var args = StreamingEndpointArgs.FromSpec(StreamingFixture.Spec(), empty, fixture.PackageFolder);
            var error = await Assert.ThrowsAnyAsync<Exception>(() => ComponentRunner.RunAsync(mocks, () => new StreamingEndpoint("ingest", args)));
            var run = Assert.IsType<RunException>(error.InnerException ?? error);
            Assert.Contains("has no DestinationKit.Ingestion executable", run.Message, StringComparison.Ordinal);
            Assert.Contains("dotnet publish app/DestinationKit.Ingestion -c Release -r linux-x64 --self-contained true", run.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(mocks.Created, r => r.Type != StreamingEndpoint.TypeToken);
        }
        finally
        {
            Directory.Delete(empty, recursive: true);
        }
    }
}
