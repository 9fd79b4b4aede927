using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using DestinationKit.Model.Configuration;
using DestinationKit.Model.Naming;
using DestinationKit.Model.Permissions;
using DestinationKit.Model.Spec;
using static DestinationKit.Model.Tests.Configs;

namespace DestinationKit.Model.Tests.Configuration;

/// <summary>What the model knows about the <c>aws</c> streaming target: its limits as accepted configurations, its
/// generated names and the function's IAM documents. The rejected configurations are in InvalidConfigurationTests.</summary>
public partial class AwsStreamingModelTests
{
    private const string Bucket = "aep-sink-abcdefgh";
    private const string LogGroupArn = "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/aep-ingest-abcdefgh";
    private const string ParameterArn = "arn:aws:ssm:eu-west-1:123456789012:parameter/destinationkit/aep-abcdefgh/app-credentials";
    private const string KeyArn = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

    [Fact]
    public void Cognito_takes_scopes_of_one_resource_server_and_tokens_of_a_day()
    {
        var spec = StreamingAws.With(("auth", "oauth2"),
            ("oauth2", """{"issuer": "cognito", "tokenLifetimeSeconds": 86400, "clientAuthentication": "basic", "scopes": ["https://ingest.acme.example/profiles.write", "https://ingest.acme.example/audiences.write"]}""")).Parse();

        var oauth = spec.Streaming!.OAuth2!;
        Assert.Equal(TokenIssuer.Cognito, oauth.Issuer);
        Assert.Equal(86_400, oauth.TokenLifetimeSeconds);
        Assert.Equal(2, oauth.Scopes.Length);
    }

    [Fact]
    public void Tenants_whose_credentials_fit_the_parameter_are_accepted_and_other_clouds_need_no_parameter()
    {
        // 60 tenants with one 8-character id each: 1900 + 60 × 99 = 7840 bytes.
        var sixty = JsonSerializer.Serialize(Enumerable.Range(1, 60).Select(i => $"tenant{i:00}"));
        var spec = StreamingAws.With(("tenants", sixty)).Parse();
        Assert.Equal(7840, DestinationSpecParser.EstimatedCredentialsDocumentBytes(spec.Tenants, StreamingAuth.ApiKey));

        // Cognito keeps the secrets; the parameter carries only each tenant's app client id: 1900 + 70 × (9 + 36 + 42) = 7990 bytes.
        var seventy = JsonSerializer.Serialize(Enumerable.Range(1, 70).Select(i => $"tenant{i:000}"));
        var cognito = StreamingAws.With(("tenants", seventy), ("auth", "oauth2"), ("oauth2", """{"issuer": "cognito"}""")).Parse();
        Assert.Equal(7990, DestinationSpecParser.EstimatedCredentialsDocumentBytes(cognito.Tenants, StreamingAuth.OAuth2, TokenIssuer.Cognito));
        // On the other clouds the document is an environment variable or a secret, with room for every tenant.
        var hundred = JsonSerializer.Serialize(Enumerable.Range(1, 100).Select(i => $"tenant{i:000}"));
        Assert.Equal(100, StreamingGcp.With(("tenants", hundred)).Parse().Tenants.Length);
    }

    [Fact]
    public void The_document_estimate_counts_each_generation_and_oauth_clients_by_their_id()
    {
        Tenant[] tenants = [new("acme", null), new("globex", null) { Credentials = new CredentialGenerations(3, 2) }];

        // fixed + per tenant id + 36, then per key 55 or per client secret id + 85
        Assert.Equal(1900 + (4 + 36 + 55) + (6 + 36 + 2 * 55), DestinationSpecParser.EstimatedCredentialsDocumentBytes(tenants, StreamingAuth.ApiKey));
        Assert.Equal(1900 + (4 + 36 + 4 + 85) + (6 + 36 + 2 * (6 + 85)), DestinationSpecParser.EstimatedCredentialsDocumentBytes(tenants, StreamingAuth.OAuth2));
        // With Cognito, per tenant its app client id (26 characters) without a secret: rotations are Cognito's.
        Assert.Equal(1900 + (4 + 36 + 42) + (6 + 36 + 42), DestinationSpecParser.EstimatedCredentialsDocumentBytes(tenants, StreamingAuth.OAuth2, TokenIssuer.Cognito));
    }

    [Fact]
    public void The_streaming_names_are_valid_for_aws_and_distinct_per_stack()
    {
        var names = new ResourceNames(StreamingAws.Parse());
        var other = new ResourceNames(StreamingAws.Parse(stack: "prod"));

        Assert.Matches("^aep-ingest-[a-z2-7]{8}$", names.StreamingFunction);
        Assert.Matches("^aep-ingest-[a-z2-7]{8}$", names.StreamingFunctionRole);
        Assert.Null(NameRules.IamRole(names.StreamingFunctionRole));
        Assert.Matches("^aep-ingest-[a-z2-7]{8}$", names.StreamingApi);
        Assert.Matches("^/destinationkit/aep-[a-z2-7]{8}/app-credentials$", names.CredentialsParameter);
        Assert.Matches("^aep-ingest-[a-z2-7]{8}$", names.CognitoUserPool);
        // Cognito domain prefixes: lowercase letters, digits and hyphens, 1–63, never aws, amazon or cognito.
        Assert.Matches("^aep-[0-9a-f]{10}$", names.CognitoDomain);
        Assert.Null(NameRules.S3Bucket(names.SinkBucket));

        string[] mine = [names.StreamingFunction, names.StreamingFunctionRole, names.StreamingApi, names.CredentialsParameter, names.CognitoUserPool, names.CognitoDomain];
        string[] theirs = [other.StreamingFunction, other.StreamingFunctionRole, other.StreamingApi, other.CredentialsParameter, other.CognitoUserPool, other.CognitoDomain];
        Assert.Equal(mine.Length, mine.Distinct().Count());
        Assert.Empty(mine.Intersect(theirs));
        Assert.Equal<string>(mine, [names.StreamingFunction, names.StreamingFunctionRole, names.StreamingApi, names.CredentialsParameter, names.CognitoUserPool, names.CognitoDomain]);
        Assert.All(mine.Where(n => !n.StartsWith('/')), n => Assert.True(n.Length <= 64, n));
    }

    [Fact]
    public void The_function_may_use_only_the_sink_prefixes_its_log_group_and_its_parameter()
    {
        var policy = AwsStreamingPolicies.FunctionAccess("aws", Bucket, LogGroupArn, ParameterArn, kmsKeyArn: null);

        Assert.Equal(
            $$"""
            {"Version":"2012-10-17","Statement":[
            {"Sid":"SinkObjects","Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":["arn:aws:s3:::{{Bucket}}/requests/*","arn:aws:s3:::{{Bucket}}/audiences/*"]},
            {"Sid":"SinkList","Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::{{Bucket}}"},
            {"Sid":"OwnLogs","Effect":"Allow","Action":["logs:CreateLogStream","logs:PutLogEvents"],"Resource":"{{LogGroupArn}}:*"},
            {"Sid":"ReadCredentials","Effect":"Allow","Action":"ssm:GetParameter","Resource":"{{ParameterArn}}"}]}
            """.Replace("\n", "", StringComparison.Ordinal),
            policy.ToJson());
        AssertLeastPrivilege(policy);
    }

    [Fact]
    public void With_a_customer_managed_key_the_function_may_use_it_only_for_its_bucket_and_its_parameter()
    {
        var policy = AwsStreamingPolicies.FunctionAccess("aws", Bucket, LogGroupArn, ParameterArn, KeyArn);

        var sink = policy.Statements.Single(s => s.Sid == "SinkKey");
        Assert.Equal<string>(["kms:Decrypt", "kms:GenerateDataKey"], sink.Actions);
        Assert.Equal<string>([KeyArn], sink.Resources);
        Assert.Equal($$$"""{"StringEquals":{"kms:EncryptionContext:aws:s3:arn":"arn:aws:s3:::{{{Bucket}}}"}}""", Condition(sink));
        var credentials = policy.Statements.Single(s => s.Sid == "CredentialsKey");
        Assert.Equal<string>(["kms:Decrypt"], credentials.Actions);
        Assert.Equal<string>([KeyArn], credentials.Resources);
        Assert.Equal($$$"""{"StringEquals":{"kms:EncryptionContext:PARAMETER_ARN":"{{{ParameterArn}}}"}}""", Condition(credentials));
        AssertLeastPrivilege(policy);
    }

    [Fact]
    public void A_key_given_by_alias_is_matched_through_the_alias()
    {
        var statement = AwsPolicies.KeyUse("SinkKey", ["kms:Decrypt"], "arn:aws-us-gov:kms:us-gov-west-1:123456789012:alias/exports",
            "kms:EncryptionContext:aws:s3:arn", "arn:aws-us-gov:s3:::b");

        Assert.Equal<string>(["arn:aws-us-gov:kms:us-gov-west-1:123456789012:key/*"], statement.Resources);
        Assert.Equal("""{"ForAnyValue:StringEquals":{"kms:ResourceAliases":"alias/exports"},"StringEquals":{"kms:EncryptionContext:aws:s3:arn":"arn:aws-us-gov:s3:::b"}}""", Condition(statement));
        var error = Assert.Throws<ArgumentException>(() => AwsPolicies.KeyUse("K", ["kms:Decrypt"], "arn:aws:s3:::not-a-key", "k", "v"));
        Assert.StartsWith("expected a KMS key or alias ARN, got arn:aws:s3:::not-a-key", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Only_lambda_may_assume_the_function_role()
    {
        Assert.Equal(
            """{"Version":"2012-10-17","Statement":[{"Sid":"LambdaAssumesRole","Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}""",
            AwsStreamingPolicies.LambdaTrust().ToJson());
    }

    [Theory]
    [InlineData("eu-west-1", "arn:aws:lambda:eu-west-1:753240598075:layer:LambdaAdapterLayerX86:26")]
    [InlineData("ap-southeast-2", "arn:aws:lambda:ap-southeast-2:753240598075:layer:LambdaAdapterLayerX86:26")]
    [InlineData("cn-north-1", "arn:aws-cn:lambda:cn-north-1:041581134020:layer:LambdaAdapterLayerX86:26")]
    [InlineData("cn-northwest-1", "arn:aws-cn:lambda:cn-northwest-1:069767869989:layer:LambdaAdapterLayerX86:26")]
    [InlineData("us-gov-west-1", null)]
    [InlineData("us-iso-east-1", null)]
    public void The_lambda_web_adapter_layer_is_the_published_one_of_the_region(string region, string? expected) =>
        Assert.Equal(expected, Model.Platform.LambdaWebAdapter.LayerArn(region));

    private static string Condition(AwsPolicyStatement statement) => statement.ToJsonNode()["Condition"]!.ToJsonString();

    /// <summary>No wildcard in an action, no resource wider than one bucket, prefix, log group, parameter or key.</summary>
    private static void AssertLeastPrivilege(AwsPolicy policy)
    {
        Assert.All(policy.Statements, s => Assert.Equal("Allow", s.Effect));
        Assert.All(policy.Statements.SelectMany(s => s.Actions), a => Assert.DoesNotContain("*", a, StringComparison.Ordinal));
        Assert.All(policy.Statements.SelectMany(s => s.Resources), r => Assert.Matches(ScopedResource(), r));
        Assert.All(policy.Statements, s => Assert.Null(s.Principal));
        Assert.Null(JsonNode.Parse(policy.ToJson())!["Statement"]!.AsArray().FirstOrDefault(s => s!["NotAction"] is not null || s["NotResource"] is not null));
    }

    [GeneratedRegex(@"^arn:aws[a-z-]*:(s3:::aep-sink-abcdefgh(/(requests|audiences)/\*)?|logs:eu-west-1:123456789012:log-group:/aws/lambda/aep-ingest-abcdefgh:\*|ssm:eu-west-1:123456789012:parameter/destinationkit/aep-abcdefgh/app-credentials|kms:eu-west-1:123456789012:key/[0-9a-f-]{36})$")]
    private static partial Regex ScopedResource();
}
