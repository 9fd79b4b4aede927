using System.Text;
using System.Text.Json.Nodes;
using DestinationKit.Simulator.Batch;
using DestinationKit.Simulator.Batch.Stores;

namespace DestinationKit.Simulator.Tests.Batch;

/// <summary>Where the batch simulation takes the customer's storage credentials from, and how store problems are told
/// without repeating a secret.</summary>
public sealed class StoreCredentialsTests
{
    private const string Secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

    [Fact]
    public void A_file_keyed_by_tenant_gives_the_tenants_entry_under_ours_or_AEPs_field_names()
    {
        var text = $$$"""
            {"acme": {"accessKeyId": "AKIAEXAMPLE", "secretAccessKey": "{{{Secret}}}", "customerData": {"region": "eu"}},
             "globex": {"servicePrincipalId": "sp-id", "servicePrincipalKey": "{{{Secret}}}", "tenant": "aad-tenant", "sshKey": "k", "username": "u"}}
            """;
        var acme = StoreCredentials.FromJson(text, "acme", "creds.json");
        Assert.Equal(("AKIAEXAMPLE", Secret, "eu"), (acme.AccessKeyId, acme.SecretAccessKey, acme.CustomerData["region"]));
        var globex = StoreCredentials.FromJson(text, "globex", "creds.json");
        Assert.Equal(("sp-id", Secret, "aad-tenant", "k", "u"), (globex.ClientId, globex.ClientSecret, globex.AzureTenantId, globex.PrivateKey, globex.Username));

        Assert.Equal("creds.json is keyed by tenant (acme, globex): pass --tenant",
            Assert.Throws<InvalidDataException>(() => StoreCredentials.FromJson(text, null, "creds.json")).Message);
        Assert.Equal("creds.json has no entry for tenant 'initech' (it has: acme, globex)",
            Assert.Throws<InvalidDataException>(() => StoreCredentials.FromJson(text, "initech", "creds.json")).Message);
        // A flat file is the tenant's own, whatever --tenant says.
        Assert.Equal("cs", StoreCredentials.FromJson("""{"connectionString": "cs"}""", "acme", "f").ConnectionString);
    }

    [Fact]
    public void Stack_outputs_give_the_credentials_output_or_the_DLZ_SAS_URI_of_the_tenant()
    {
        // As `pulumi stack output --json --show-secrets` writes a gcp-gcs stack's: credentials is JSON text.
        var gcs = new JsonObject
        {
            ["aepConfiguration"] = "{}",
            ["bucket"] = "b",
            ["credentials"] = new JsonObject
            {
                ["acme"] = new JsonObject { ["accessId"] = "GOOG1EXAMPLE", ["secretAccessKey"] = Secret, ["prefix"] = "acme/" },
            }.ToJsonString(),
        };
        var fromStack = StoreCredentials.FromStackOutputs(gcs, "acme")!;
        Assert.Equal(("GOOG1EXAMPLE", Secret), (fromStack.AccessKeyId, fromStack.SecretAccessKey));

        var dlz = JsonNode.Parse("""{"aepConfiguration": "{}", "ingestionSources": "{\"acme\": {\"type\": \"dlz\", \"sasUri\": \"https://a.blob.core.windows.net/c?sig=x\"}}"}""")!.AsObject();
        Assert.Equal("https://a.blob.core.windows.net/c?sig=x", StoreCredentials.FromStackOutputs(dlz, "acme")!.SasUri);
        Assert.Null(StoreCredentials.FromStackOutputs(dlz, "globex"));
        Assert.Null(StoreCredentials.FromStackOutputs(JsonNode.Parse("""{"aepConfiguration": "{}"}""")!.AsObject(), "acme"));

        var broken = new JsonObject { ["credentials"] = $$"""{"acme": {"secretAccessKey": "{{Secret}}" """ };
        var e = Assert.Throws<InvalidDataException>(() => StoreCredentials.FromStackOutputs(broken, "acme"));
        Assert.Equal("the stack's credentials output is not valid JSON", e.Message);
    }

    [Fact]
    public void Options_replace_the_files_fields_one_by_one_and_nothing_prints_a_secret()
    {
        var file = new StoreCredentials { AccessKeyId = "A", SecretAccessKey = Secret, CustomerData = new Dictionary<string, string> { ["x"] = "1", ["y"] = "2" } };
        var merged = file.With(new StoreCredentials { AccessKeyId = "B", CustomerData = new Dictionary<string, string> { ["y"] = "3" } });
        Assert.Equal(("B", Secret, "1", "3"), (merged.AccessKeyId, merged.SecretAccessKey, merged.CustomerData["x"], merged.CustomerData["y"]));
        Assert.Equal("credentials: AccessKeyId, SecretAccessKey [secret]", merged.ToString());
    }

    [Fact]
    public void An_SFTP_key_is_taken_base64_encoded_as_AEPs_form_takes_it_or_as_PEM()
    {
        const string pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----\n";
        Assert.Equal(pem, ExportStores.Pem(Convert.ToBase64String(Encoding.UTF8.GetBytes(pem))));
        Assert.Equal(pem, ExportStores.Pem(pem));
        Assert.Equal("the SFTP private key is neither a PEM text nor base64 of one (AEP takes it base64-encoded)",
            Assert.Throws<InvalidDataException>(() => ExportStores.Pem("not a key")).Message);
    }

    [Theory]
    [InlineData("ftp://host/x", "--location ftp://host/x: unknown store; use s3://, gs://, azblob://, abfss://, https://<account>.blob.core.windows.net/<container> (with ?<SAS> or a connection string), sftp://, file:// or a folder")]
    [InlineData("azblob://container/x", "azblob://container/x: give the storage account's connection string (the credentials' connectionString, --azure-connection-string or AZURE_STORAGE_CONNECTION_STRING), or a SAS URI")]
    [InlineData("sftp://host:22/x", "sftp://host:22: give the user (the credentials' username, --sftp-user, or sftp://<user>@<host>:<port>/<path>)")]
    [InlineData("sftp://u@host:22/x", "sftp://u@host:22: give an RSA private key (the credentials' privateKey, --sftp-key-file) or a password (the credentials' password, SFTP_PASSWORD)")]
    [InlineData("abfss://account.dfs.core.windows.net/x", "abfss://account.dfs.core.windows.net/x: an ADLS Gen2 location names its filesystem: abfss://<filesystem>@<account>.dfs.core.windows.net/<path>")]
    [InlineData("dlz:acme", "the Data Landing Zone is Adobe's container: give its SAS URI (the credentials' sasUri, or the stack's ingestionSources) or --location <SAS URI>")]
    public async Task A_location_without_what_it_needs_says_what_to_give(string location, string message)
    {
        var e = await Assert.ThrowsAsync<InvalidDataException>(() =>
            ExportStores.OpenAsync(location, StoreCredentials.None, new StoreSettings(), _ => null, CancellationToken.None));
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public async Task A_malformed_connection_string_is_refused_without_repeating_it()
    {
        var credentials = new StoreCredentials { ConnectionString = "AccountKey=" + Secret };
        var e = await Assert.ThrowsAsync<InvalidDataException>(() =>
            ExportStores.OpenAsync("azblob://c/x", credentials, new StoreSettings(), _ => null, CancellationToken.None));
        Assert.DoesNotContain(Secret, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Store_errors_are_one_line_with_signed_URL_parameters_blanked()
    {
        var e = new HttpRequestException("GET https://a.blob.core.windows.net/c/f?sv=2023-01-03&sp=rw&sig=c2VjcmV0%3D failed\nsecond line");
        Assert.Equal("HttpRequestException: GET https://a.blob.core.windows.net/c/f?sv=***&sp=***&sig=*** failed", StoreErrors.Describe(e));
        Assert.True(StoreErrors.IsStoreError(new Renci.SshNet.Common.SshAuthenticationException("denied")));
        Assert.False(StoreErrors.IsStoreError(new InvalidDataException("bad input")));
    }
}
