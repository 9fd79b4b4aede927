using System.Net;
using System.Text.Json;
using Amazon.Runtime;
using Amazon.SimpleSystemsManagement;
using DestinationKit.Ingestion.Auth;

namespace DestinationKit.Ingestion.Tests.Provisioned;

/// <summary>The document from an SSM SecureString parameter, read with the real AWS SDK from a stub of SSM's JSON
/// protocol on 127.0.0.1: what the SDK asks for, and each way the read can fail, as the startup error a user sees.</summary>
public sealed class SsmParameterTests : IAsyncLifetime
{
    private const string Name = "/destinationkit/dev/app-credentials";
    private SsmStub _ssm = null!;

    public async Task InitializeAsync() => _ssm = await SsmStub.StartAsync();

    public async Task DisposeAsync() => await _ssm.DisposeAsync();

    private SsmParameterReader Reader() => new(new AmazonSimpleSystemsManagementClient(
        new BasicAWSCredentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
        new AmazonSimpleSystemsManagementConfig { ServiceURL = _ssm.Endpoint.AbsoluteUri, AuthenticationRegion = "eu-west-1", MaxErrorRetry = 0 }));

    [Fact]
    public async Task The_parameter_is_read_with_decryption_in_a_signed_get_parameter_call()
    {
        var key = Documents.NewApiKey();
        var document = Documents.Build(new Dictionary<string, Documents.TenantEntry> { ["acme"] = new([key], []) }, null);
        _ssm.Parameters[Name] = new SsmStub.Parameter(document);

        var credentials = await ProvisionedCredentialsSource.LoadAsync(new ProvisionedCredentialsOptions { SsmParameter = Name }, Reader, CancellationToken.None);

        Assert.Equal("acme", credentials.ValidateApiKey(key)?.Tenant);
        var request = Assert.Single(_ssm.Requests);
        Assert.Equal("AmazonSSM.GetParameter", request.Target);
        Assert.Equal("application/x-amz-json-1.1", request.ContentType);
        Assert.StartsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/", request.Authorization, StringComparison.Ordinal);
        Assert.Contains("/eu-west-1/ssm/aws4_request", request.Authorization, StringComparison.Ordinal);
        using var body = JsonDocument.Parse(request.Body);
        Assert.Equal(Name, body.RootElement.GetProperty("Name").GetString());
        Assert.True(body.RootElement.GetProperty("WithDecryption").GetBoolean());
    }

    [Fact]
    public async Task A_missing_parameter_is_named_in_the_startup_error()
    {
        var error = await Assert.ThrowsAsync<ProvisionedCredentialsException>(() =>
            ProvisionedCredentialsSource.LoadAsync(new ProvisionedCredentialsOptions { SsmParameter = Name }, Reader, CancellationToken.None));

        Assert.StartsWith($"Auth:Provisioned:SsmParameter: the parameter {Name} does not exist (in the region ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_read_says_what_aws_refused_and_which_permissions_the_role_needs()
    {
        _ssm.Denied[Name] = true;

        var error = await Assert.ThrowsAsync<ProvisionedCredentialsException>(() =>
            ProvisionedCredentialsSource.LoadAsync(new ProvisionedCredentialsOptions { SsmParameter = Name }, Reader, CancellationToken.None));

        Assert.StartsWith($"Auth:Provisioned:SsmParameter: the parameter {Name} could not be read: AccessDeniedException (HTTP 400): User: arn:aws:sts::123456789012:assumed-role/ingestion/app is not authorized to perform: ssm:GetParameter",
            error.Message, StringComparison.Ordinal);
        Assert.EndsWith("The app's role needs ssm:GetParameter on it and kms:Decrypt on its key.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_plain_string_parameter_is_refused_and_its_value_is_not_shown()
    {
        var key = Documents.NewApiKey();
        _ssm.Parameters[Name] = new SsmStub.Parameter(Documents.Build(new Dictionary<string, Documents.TenantEntry> { ["acme"] = new([key], []) }, null), "String");

        var error = await Assert.ThrowsAsync<ProvisionedCredentialsException>(() =>
            ProvisionedCredentialsSource.LoadAsync(new ProvisionedCredentialsOptions { SsmParameter = Name }, Reader, CancellationToken.None));

        Assert.Equal($"Auth:Provisioned:SsmParameter: the parameter {Name} is a String parameter; it holds credentials, so it must be a SecureString.", error.Message);
        Assert.DoesNotContain(key, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_invalid_document_in_the_parameter_names_the_parameter()
    {
        _ssm.Parameters[Name] = new SsmStub.Parameter("""{"version": 1}""");

        var error = await Assert.ThrowsAsync<ProvisionedCredentialsException>(() =>
            ProvisionedCredentialsSource.LoadAsync(new ProvisionedCredentialsOptions { SsmParameter = Name }, Reader, CancellationToken.None));

        Assert.Equal($"The provisioned credentials (SSM parameter {Name}) cannot be used: tenants: is required (an object of tenant id → credentials)", error.Message);
    }

    [Fact]
    public async Task The_json_setting_wins_and_nothing_set_means_no_provisioned_credentials()
    {
        var key = Documents.NewApiKey();
        var fromJson = await ProvisionedCredentialsSource.LoadAsync(new ProvisionedCredentialsOptions
        {
            Json = Documents.Build(new Dictionary<string, Documents.TenantEntry> { ["acme"] = new([key], []) }, null),
            SsmParameter = Name,
        }, () => throw new InvalidOperationException("SSM must not be read"), CancellationToken.None);
        var none = await ProvisionedCredentialsSource.LoadAsync(new ProvisionedCredentialsOptions(), () => throw new InvalidOperationException("SSM must not be read"), CancellationToken.None);

        Assert.Equal("acme", fromJson.ValidateApiKey(key)?.Tenant);
        Assert.Same(ProvisionedCredentials.None, none);
        Assert.Empty(_ssm.Requests);
    }

    [Fact]
    public async Task The_deployed_app_reads_its_credentials_from_ssm_with_the_sdk_s_default_chain()
    {
        var key = Documents.NewApiKey();
        var signingKey = Documents.NewSigningKeyPem();
        _ssm.Parameters[Name] = new SsmStub.Parameter(Documents.Build(new Dictionary<string, Documents.TenantEntry> { ["acme"] = new([key], []) }, signingKey));
        await using var app = DeployedApp();

        await app.StartAsync();

        using var client = app.Client(key);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/v1/profiles", Json.Profiles(Json.Profile("email", "ada@example.com")))).StatusCode);
        var jwks = await (await client.GetAsync("/.well-known/jwks.json")).ReadAsync();
        Assert.Equal(Documents.KeyId(signingKey), jwks.GetProperty("keys")[0].GetProperty("kid").GetString());
        Assert.Single(_ssm.Requests);
    }

    [Fact]
    public async Task A_deployed_app_whose_parameter_is_missing_stops_with_the_message_alone()
    {
        await using var app = DeployedApp();

        var exitCode = await app.FailToStartAsync();

        Assert.Equal(1, exitCode);
        var line = Assert.Single(ProvisionedCredentialsTests.Lines(app.Output));
        Assert.StartsWith($"Auth:Provisioned:SsmParameter: the parameter {Name} does not exist (in the region eu-west-1", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", app.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("wJalrXUtnFEMI", app.Output, StringComparison.Ordinal);
    }

    /// <summary>The app as Lambda runs it: the region and the role's credentials in the environment, and the SDK's
    /// standard endpoint override pointing at the stub.</summary>
    private RunningApp DeployedApp()
    {
        var app = new RunningApp();
        app.Environment["Auth__Provisioned__SsmParameter"] = Name;
        app.Environment["AWS_REGION"] = "eu-west-1";
        app.Environment["AWS_ACCESS_KEY_ID"] = "AKIDEXAMPLE";
        app.Environment["AWS_SECRET_ACCESS_KEY"] = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
        app.Environment["AWS_SESSION_TOKEN"] = "session-token";
        app.Environment["AWS_ENDPOINT_URL_SSM"] = _ssm.Endpoint.AbsoluteUri;
        return app;
    }
}
