using System.Text.Json.Nodes;
using DestinationKit.Simulator.Publishing;

namespace DestinationKit.Simulator.Tests.Publishing;

public sealed class PublishTests : IAsyncLifetime, IDisposable
{
    private readonly PublishingHarness _harness = new();
    private AdobeStub _stub = null!;
    private string _document = null!;

    public async Task InitializeAsync()
    {
        _stub = await AdobeStub.StartAsync();
        _harness.UseStubCredentials();
        _document = _harness.File("aep.json", PublishingHarness.StreamingDocument());
    }

    public async Task DisposeAsync() => await _stub.DisposeAsync();

    public void Dispose() => _harness.Dispose();

    [Fact]
    public async Task Publish_creates_server_template_and_destination_in_order_with_the_placeholders_resolved()
    {
        var (code, output, error) = await _harness.PublishAsync(_stub, _document);

        Assert.Equal("", error);
        Assert.Equal(0, code);
        var writes = _stub.AuthoringRequests.Where(r => r.Method != "GET").Select(r => $"{r.Method} {r.Path[AdobeStub.AuthoringPrefix.Length..]}");
        Assert.Equal(["POST destination-servers", "POST audience-templates", "POST destinations"], writes);

        var server = Assert.Single(_stub.Store["destination-servers"]);
        var template = Assert.Single(_stub.Store["audience-templates"]);
        var destination = Assert.Single(_stub.Store["destinations"]).Value;
        Assert.Equal(server.Key, (string)destination["destinationDelivery"]![0]!["destinationServerId"]!);
        Assert.Equal(template.Key, (string)destination["segmentMappingConfig"]!["audienceTemplateId"]!);
        Assert.DoesNotContain("${", destination.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal("https://abc123.execute-api.eu-west-1.amazonaws.com/prod/v1/profiles", (string)server.Value["urlBasedDestination"]!["url"]!["value"]!);

        Assert.Contains($"created destination server \"Acme Audiences streaming server\" ({server.Key})", output, StringComparison.Ordinal);
        Assert.Contains($"destination instance id: {destination["instanceId"]}", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_authoring_call_carries_the_token_and_adobes_headers()
    {
        await _harness.PublishAsync(_stub, _document);

        var token = Assert.Single(_stub.Requests, r => r.Path == "/ims/token/v3");
        Assert.Contains("grant_type=client_credentials", token.Body, StringComparison.Ordinal);
        Assert.Contains("scope=openid%2CAdobeID%2Cread_organizations", token.Body, StringComparison.Ordinal);
        Assert.Equal(6, _stub.AuthoringRequests.Count);
        Assert.All(_stub.AuthoringRequests, r =>
        {
            Assert.Equal($"Bearer {AdobeStub.AccessToken}", r.Headers["authorization"]);
            Assert.Equal(AdobeStub.ClientId, r.Headers["x-api-key"]);
            Assert.Equal(AdobeStub.OrgId, r.Headers["x-gw-ims-org-id"]);
            Assert.Equal(AdobeStub.Sandbox, r.Headers["x-sandbox-name"]);
        });
        Assert.All(_stub.AuthoringRequests.Where(r => r.Method == "POST"), r => Assert.StartsWith("application/json", r.Headers["content-type"], StringComparison.Ordinal));
    }

    [Fact]
    public async Task Publishing_again_updates_the_same_objects_instead_of_duplicating_them()
    {
        await _harness.PublishAsync(_stub, _document);
        var ids = _stub.Store.ToDictionary(r => r.Key, r => Assert.Single(r.Value).Key);
        while (_stub.Requests.TryDequeue(out _))
        {
        }

        var (code, output, _) = await _harness.PublishAsync(_stub, _document);

        Assert.Equal(0, code);
        Assert.All(_stub.Store, r => Assert.Equal(ids[r.Key], Assert.Single(r.Value).Key));
        var writes = _stub.AuthoringRequests.Where(r => r.Method != "GET").Select(r => $"{r.Method} {r.Path[AdobeStub.AuthoringPrefix.Length..]}");
        Assert.Equal([$"PUT destination-servers/{ids["destination-servers"]}", $"PUT audience-templates/{ids["audience-templates"]}", $"PUT destinations/{ids["destinations"]}"], writes);
        Assert.Contains("updated destination \"Acme Audiences\"", output, StringComparison.Ordinal);
        var destination = _stub.Store["destinations"].Single().Value;
        Assert.Equal(ids["destination-servers"], (string)destination["destinationDelivery"]![0]!["destinationServerId"]!);
    }

    [Fact]
    public async Task Objects_created_before_by_name_are_updated_and_others_left_alone()
    {
        var existing = _stub.Seed("destination-servers", new JsonObject { ["name"] = "Acme Audiences streaming server", ["destinationServerType"] = "URL_BASED" });
        var other = _stub.Seed("destination-servers", new JsonObject { ["name"] = "Someone else's server" });

        var (code, _, _) = await _harness.PublishAsync(_stub, _document);

        Assert.Equal(0, code);
        Assert.Equal(2, _stub.Store["destination-servers"].Count);
        Assert.NotNull(_stub.Store["destination-servers"][existing]["urlBasedDestination"]);
        Assert.Null(_stub.Store["destination-servers"][other]["urlBasedDestination"]);
        Assert.Equal(existing, (string)_stub.Store["destinations"].Single().Value["destinationDelivery"]![0]!["destinationServerId"]!);
    }

    [Fact]
    public async Task Two_objects_of_one_name_stop_publish_before_any_write()
    {
        _stub.Seed("destination-servers", new JsonObject { ["name"] = "Acme Audiences streaming server" });
        _stub.Seed("destination-servers", new JsonObject { ["name"] = "Acme Audiences streaming server" });

        var (code, _, error) = await _harness.PublishAsync(_stub, _document);

        Assert.Equal(PublishExitCodes.ApiError, code);
        Assert.StartsWith("error: 2 destination servers are named \"Acme Audiences streaming server\" (0001aaaa", error, StringComparison.Ordinal);
        Assert.DoesNotContain(_stub.AuthoringRequests, r => r.Method != "GET");
    }

    [Fact]
    public async Task Refused_credentials_exit_3_without_calling_the_api_or_printing_the_secret()
    {
        _harness.Environment[PublishingCommands.ClientSecretVariable] = "wrong-secret-zz9";

        var (code, output, error) = await _harness.PublishAsync(_stub, _document);

        Assert.Equal(PublishExitCodes.AuthenticationFailed, code);
        Assert.Equal("error: Adobe IMS refused the credentials of client stub-client-id (HTTP 401: invalid_client, invalid client_id or client_secret); "
            + "check the client id and secret of the OAuth server-to-server credential and its scopes" + Environment.NewLine, error);
        Assert.Empty(_stub.AuthoringRequests);
        Assert.DoesNotContain("wrong-secret-zz9", output + error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_api_error_exits_4_with_adobes_message_and_never_the_token_or_secret()
    {
        _stub.Fail = r => r is { Method: "POST" } && r.Path.EndsWith("/destinations", StringComparison.Ordinal)
            ? (403, """{"error_code": "403027", "message": "User does not have the Destination Authoring permission"}""")
            : null;

        var (code, output, error) = await _harness.PublishAsync(_stub, _document);

        Assert.Equal(PublishExitCodes.ApiError, code);
        Assert.StartsWith("error: POST /destinations: HTTP 403 403027: User does not have the Destination Authoring permission (the credential's product profile",
            error, StringComparison.Ordinal);
        Assert.Contains("created audience template", output, StringComparison.Ordinal);
        Assert.DoesNotContain(AdobeStub.ClientSecret, output + error, StringComparison.Ordinal);
        Assert.DoesNotContain(AdobeStub.AccessToken, output + error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_sandbox_is_reported_with_the_hint()
    {
        _harness.Environment[PublishingCommands.SandboxVariable] = "prod";

        var (code, _, error) = await _harness.PublishAsync(_stub, _document);

        Assert.Equal(PublishExitCodes.ApiError, code);
        Assert.StartsWith("error: GET /destination-servers: HTTP 403 Forbidden: org or sandbox not allowed", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Options_override_the_environment()
    {
        _harness.Environment.Clear();
        _harness.Environment[PublishingCommands.ClientSecretVariable] = AdobeStub.ClientSecret;

        var (code, _, error) = await _harness.PublishAsync(_stub, _document,
            "--client-id", AdobeStub.ClientId, "--org-id", AdobeStub.OrgId, "--sandbox", AdobeStub.Sandbox);

        Assert.Equal("", error);
        Assert.Equal(0, code);
    }

    [Fact]
    public async Task The_secret_can_come_from_a_file()
    {
        _harness.Environment.Remove(PublishingCommands.ClientSecretVariable);
        var secretFile = _harness.File("secret.txt", AdobeStub.ClientSecret + "\n");

        var (code, _, _) = await _harness.PublishAsync(_stub, _document, "--client-secret-file", secretFile);

        Assert.Equal(0, code);
    }

    [Theory]
    [InlineData(PublishingCommands.ClientSecretVariable, "error: the client secret is required: set ADOBE_CLIENT_SECRET or give --client-secret-file")]
    [InlineData(PublishingCommands.ClientIdVariable, "error: --client-id is required (or set ADOBE_CLIENT_ID)")]
    [InlineData(PublishingCommands.OrgIdVariable, "error: --org-id is required (or set ADOBE_ORG_ID)")]
    public async Task Missing_credentials_exit_2_before_any_request(string variable, string message)
    {
        _harness.Environment.Remove(variable);

        var (code, _, error) = await _harness.PublishAsync(_stub, _document);

        Assert.Equal(PublishExitCodes.InvalidInput, code);
        Assert.Equal(message + Environment.NewLine, error);
        Assert.Empty(_stub.Requests);
    }

    [Fact]
    public async Task A_document_that_is_not_the_stacks_output_exits_2()
    {
        var bad = _harness.File("bad.json", """{"destinationServer": {"name": "x"}}""");
        var missing = Path.Combine(_harness.Directory, "missing.json");

        var (badCode, _, badError) = await _harness.PublishAsync(_stub, bad);
        var (missingCode, _, missingError) = await _harness.PublishAsync(_stub, missing);

        Assert.Equal(PublishExitCodes.InvalidInput, badCode);
        Assert.Equal("error: bad.json: has no destinationConfiguration object" + Environment.NewLine, badError);
        Assert.Equal(PublishExitCodes.InvalidInput, missingCode);
        Assert.Contains("missing.json: cannot be read (FileNotFound)", missingError, StringComparison.Ordinal);
        Assert.Empty(_stub.Requests);
    }

    [Fact]
    public async Task A_batch_document_publishes_server_and_destination_only()
    {
        var document = _harness.File("outputs.json", new JsonObject
        {
            ["aepConfiguration"] = new JsonObject
            {
                ["destinationServer"] = new JsonObject { ["name"] = "Acme file server", ["destinationServerType"] = "FILE_BASED_DLZ" },
                ["destinationConfiguration"] = new JsonObject
                {
                    ["name"] = "Acme",
                    ["destinationDelivery"] = new JsonArray(new JsonObject { ["destinationServerId"] = "${destinationServerId}" }),
                },
            }.ToJsonString(),
        }.ToJsonString());

        var (code, _, _) = await _harness.PublishAsync(_stub, document);

        Assert.Equal(0, code);
        Assert.False(_stub.Store.ContainsKey("audience-templates"));
        Assert.Single(_stub.Store["destinations"]);
    }

    [Fact]
    public async Task An_audience_template_placeholder_without_a_template_exits_2()
    {
        var document = _harness.File("aep.json", """
            {"destinationServer": {"name": "s"}, "destinationConfiguration": {"name": "d", "segmentMappingConfig": {"audienceTemplateId": "${audienceTemplateId}"}}}
            """);

        var (code, _, error) = await _harness.PublishAsync(_stub, document);

        Assert.Equal(PublishExitCodes.InvalidInput, code);
        Assert.Contains("refers to ${audienceTemplateId} but the document has no audienceTemplate", error, StringComparison.Ordinal);
        Assert.DoesNotContain(_stub.AuthoringRequests, r => r.Method != "GET");
        Assert.Empty(_stub.AuthoringRequests);
    }
}
