using System.Collections.Immutable;
using Pulumi;
using Pulumi.Utilities;

namespace DestinationKit.Streaming.Tests;

public class AppEnvironmentTests
{
    [Fact]
    public async Task Api_keys_on_aws_behind_a_gateway_url()
    {
        var spec = Specs.Streaming("aws", extra: ("app", """{"maxRequestBodyBytes": 1048576, "maxConcurrentRequests": 32}"""));

        var variables = await Values(AppEnvironment.Common(spec, Output.Create("https://abc.execute-api.eu-west-1.amazonaws.com/")));

        Assert.Equal(new Dictionary<string, string>
        {
            ["Auth__Audience"] = "destinationkit-ingestion",
            ["Auth__EnableTokenEndpoint"] = "false",
            ["Auth__Issuer"] = "https://abc.execute-api.eu-west-1.amazonaws.com",
            ["Auth__PublicBaseUrl"] = "https://abc.execute-api.eu-west-1.amazonaws.com",
            ["Ingestion__DataDirectory"] = "/tmp/destinationkit",
            ["Ingestion__MaxConcurrentRequests"] = "32",
            ["Ingestion__MaxRequestBodyBytes"] = "1048576",
            ["Ingestion__Sink"] = "s3",
            ["Urls"] = "http://0.0.0.0:8080",
        }, variables);
    }

    [Fact]
    public async Task The_app_as_token_issuer_on_gcp_turns_the_token_endpoint_on_with_the_configured_lifetime()
    {
        var spec = Specs.Streaming("gcp", extra: [Specs.OAuth2, ("oauth2", """{"tokenLifetimeSeconds": 172800}""")]);

        var variables = await Values(AppEnvironment.Common(spec, publicBaseUrl: null));

        Assert.Equal("true", variables["Auth__EnableTokenEndpoint"]);
        Assert.Equal("172800", variables["Auth__TokenLifetimeSeconds"]);
        Assert.Equal("gcs", variables["Ingestion__Sink"]);
        Assert.Equal("16777216", variables["Ingestion__MaxRequestBodyBytes"]);
        Assert.False(variables.ContainsKey("Auth__Issuer"));
        Assert.False(variables.ContainsKey("Auth__PublicBaseUrl"));
    }

    [Fact]
    public async Task An_external_issuer_on_azure_is_trusted_by_the_app_which_issues_nothing_itself()
    {
        var spec = Specs.Streaming("azure", extra: [Specs.OAuth2, ("oauth2", """
            {"issuer": "external", "issuerUrl": "https://login.example.test/tenant/v2.0", "jwksUri": "https://login.example.test/tenant/discovery/keys",
             "tokenUrl": "https://login.example.test/tenant/oauth2/v2.0/token", "audience": "api://acme-ingestion", "tenantClaim": "azp"}
            """)]);

        var variables = await Values(AppEnvironment.Common(spec, null));

        Assert.Equal("false", variables["Auth__EnableTokenEndpoint"]);
        Assert.Equal("https://login.example.test/tenant/v2.0", variables["Auth__External__Issuer"]);
        Assert.Equal("https://login.example.test/tenant/discovery/keys", variables["Auth__External__JwksUrl"]);
        Assert.Equal("api://acme-ingestion", variables["Auth__External__Audience"]);
        Assert.Equal("azp", variables["Auth__External__TenantClaim"]);
        Assert.Equal("blob", variables["Ingestion__Sink"]);
        Assert.False(variables.ContainsKey("Auth__TokenLifetimeSeconds"));
    }

    [Fact]
    public async Task A_cognito_user_pool_is_the_external_issuer_with_its_jwks_and_tenants_named_by_client_id()
    {
        var variables = await Values(AppEnvironment.CognitoIssuer(Output.Create("https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Ab12Cd34E")));

        Assert.Equal(new Dictionary<string, string>
        {
            ["Auth__External__Issuer"] = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Ab12Cd34E",
            ["Auth__External__JwksUrl"] = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Ab12Cd34E/.well-known/jwks.json",
            ["Auth__External__Kind"] = "cognito",
        }, variables);
    }

    [Fact]
    public async Task Each_sink_names_its_section_of_the_app_s_settings()
    {
        Assert.Equal(new Dictionary<string, string> { ["Ingestion__S3__Bucket"] = "aep-requests-abc", ["Ingestion__S3__RefreshSeconds"] = "60" },
            await Values(AppEnvironment.S3Sink("aep-requests-abc")));
        Assert.Equal(new Dictionary<string, string> { ["Ingestion__Gcs__Bucket"] = "aep-requests-abc", ["Ingestion__Gcs__RefreshSeconds"] = "60" },
            await Values(AppEnvironment.GcsSink(Output.Create("aep-requests-abc"))));
        Assert.Equal(new Dictionary<string, string>
        {
            ["Ingestion__Blob__Container"] = "requests",
            ["Ingestion__Blob__RefreshSeconds"] = "60",
            ["Ingestion__Blob__ServiceUri"] = "https://aepabc.blob.core.windows.net",
        }, await Values(AppEnvironment.BlobSink("https://aepabc.blob.core.windows.net", "requests")));
        Assert.Equal("00000000-0000-0000-0000-000000000001",
            (await Values(AppEnvironment.BlobSink("https://aepabc.blob.core.windows.net", "requests", "00000000-0000-0000-0000-000000000001")))["Ingestion__Blob__ManagedIdentityClientId"]);
    }

    [Fact]
    public void The_routes_a_gateway_leaves_open_are_the_token_discovery_and_health_routes()
    {
        Assert.Equal(
            [("POST", "/oauth2/token"), ("GET", "/.well-known/openid-configuration"), ("GET", "/.well-known/jwks.json"), ("GET", "/health/live"), ("GET", "/health/ready")],
            AppEnvironment.UnauthenticatedRoutes);
    }

    private static async Task<Dictionary<string, string>> Values(ImmutableSortedDictionary<string, Input<string>> variables)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in variables) values[name] = await OutputUtilities.GetValueAsync(value.ToOutput());
        return values;
    }
}
