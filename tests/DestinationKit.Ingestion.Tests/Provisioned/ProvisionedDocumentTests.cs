using System.Security.Cryptography;
using DestinationKit.Ingestion.Auth;

namespace DestinationKit.Ingestion.Tests.Provisioned;

/// <summary>Reading the provisioned-credentials document: what a valid one grants, and for each mistake the exact
/// message (which field, what is wrong), never with a secret in it.</summary>
public class ProvisionedDocumentTests
{
    private const string Source = "Auth:Provisioned:Json";
    private const string Key = "dkp_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    private const string OtherKey = "dkp_BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB";
    private const string Secret = "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC";
    private const string ShortSecret = "hunter2-not-long-enough";

    [Fact]
    public void A_valid_document_grants_each_key_and_client_to_its_tenant_only()
    {
        var pem = Documents.NewSigningKeyPem();
        var json = $$$"""
            {"version": 1, "tenants": {
              "acme": {"apiKeys": ["{{{Key}}}", "{{{OtherKey}}}"], "oauthClients": [{"clientId": "acme-aep", "clientSecret": "{{{Secret}}}"}, {"clientId": "acme-aep", "clientSecret": "{{{Secret}}}x"}]},
              "globex": {"apiKeys": [], "oauthClients": []},
              "initech": {}},
             "signingKey": {"privateKeyPem": {{{System.Text.Json.JsonSerializer.Serialize(pem)}}}}}
            """;

        var credentials = ProvisionedCredentials.Parse(json, Source);

        Assert.Equal("acme", credentials.ValidateApiKey(Key)?.Tenant);
        Assert.Equal("acme", credentials.ValidateApiKey(OtherKey)?.Tenant);
        Assert.NotEqual(credentials.ValidateApiKey(Key)?.KeyId, credentials.ValidateApiKey(OtherKey)?.KeyId);
        Assert.DoesNotContain("AAAA", credentials.ValidateApiKey(Key)!.Value.KeyId, StringComparison.Ordinal);
        Assert.Null(credentials.ValidateApiKey(Key[..^1] + "B"));
        Assert.Equal("acme", credentials.ValidateClient("acme-aep", Secret));
        Assert.Equal("acme", credentials.ValidateClient("acme-aep", Secret + "x"));
        Assert.Null(credentials.ValidateClient("acme-aep", OtherKey));
        Assert.Null(credentials.ValidateClient("globex-aep", Secret));
        Assert.Equal((2, 1), (credentials.ApiKeyCount, credentials.ClientCount));

        var (kid, pkcs8) = credentials.SigningKey!.Value;
        Assert.Equal(Documents.KeyId(pem), kid);
        using var rsa = RSA.Create();
        rsa.ImportPkcs8PrivateKey(pkcs8, out _);
        using var original = RSA.Create();
        original.ImportFromPem(pem);
        Assert.Equal(original.ExportSubjectPublicKeyInfo(), rsa.ExportSubjectPublicKeyInfo());
    }

    [Fact]
    public void A_client_without_a_secret_is_a_client_of_the_external_issuer_which_names_its_tenant_and_gets_nothing_from_the_app()
    {
        var json = $$$$"""
            {"version": 1, "tenants": {
              "acme": {"apiKeys": [], "oauthClients": [{"clientId": "1example23456789abcdefghij"}]},
              "globex": {"apiKeys": [], "oauthClients": [{"clientId": "globex-aep", "clientSecret": "{{{{Secret}}}}"}, {"clientId": "2example23456789abcdefghij"}, {"clientId": "2example23456789abcdefghij"}]}}}
            """;

        var credentials = ProvisionedCredentials.Parse(json, Source);

        Assert.Equal("acme", credentials.TenantOfExternalClient("1example23456789abcdefghij"));
        Assert.Equal("globex", credentials.TenantOfExternalClient("2example23456789abcdefghij"));
        Assert.Null(credentials.TenantOfExternalClient("globex-aep")); // a client of the app is not one of the external issuer
        Assert.Null(credentials.TenantOfExternalClient("1EXAMPLE23456789ABCDEFGHIJ"));
        Assert.False(credentials.HasClient("1example23456789abcdefghij"));
        Assert.Null(credentials.ValidateClient("1example23456789abcdefghij", Secret));
        Assert.Equal("globex", credentials.ValidateClient("globex-aep", Secret));
        Assert.Equal((1, 2), (credentials.ClientCount, credentials.ExternalClientCount));
    }

    [Fact]
    public void A_pkcs1_key_is_read_too_and_a_document_without_a_signing_key_leaves_the_app_its_own()
    {
        using var rsa = RSA.Create(3072);
        var pkcs1 = rsa.ExportRSAPrivateKeyPem();

        var withKey = ProvisionedCredentials.Parse($$$"""{"version": 1, "tenants": {}, "signingKey": {"privateKeyPem": {{{System.Text.Json.JsonSerializer.Serialize(pkcs1)}}}}}""", Source);
        var withoutKey = ProvisionedCredentials.Parse("""{"version": 1, "tenants": {}}""", Source);

        Assert.StartsWith("-----BEGIN RSA PRIVATE KEY-----", pkcs1, StringComparison.Ordinal);
        Assert.Equal(Documents.KeyId(pkcs1), withKey.SigningKey!.Value.Kid);
        Assert.Null(withoutKey.SigningKey);
    }

    public static TheoryData<string, string> Invalid => new()
    {
        { "{\"version\": 1, \"tenants\": {\"acme\": {\"apiKeys\": [\"" + Key + "\"]}}", "is not valid JSON (line 1, byte 106)" },
        { "[]", "is a JSON array; expected an object with version, tenants and signingKey" },
        { "{}", "2 problems:\n  - version: is required (1)\n  - tenants: is required (an object of tenant id → credentials)" },
        { """{"version": 2, "tenants": []}""", "2 problems:\n  - version: got 2; this app reads version 1\n  - tenants: is a JSON array; expected an object of tenant id → credentials" },
        { """{"version": "1", "tenants": {}, "tenant": {}}""", "2 problems:\n  - tenant: is not a known field; version 1 has version, tenants, signingKey\n  - version: got a JSON string; this app reads version 1" },
        {
            $$$$"""{"version": 1, "tenants": {"Acme Corp": {}, "acme": {"apiKeys": ["{{{{ShortSecret}}}}", 42, "{{{{Key}}}}", "{{{{Key}}}}"], "apikeys": []}, "globex": {"apiKeys": ["{{{{Key}}}}"]}}}""",
            "6 problems:\n"
            + "  - tenants: the id of tenant 1 is not a valid tenant id (1-64 characters of a-z, 0-9, '-' and '_', starting with a letter or digit)\n"
            + "  - tenants.acme.apikeys: is not a known field; version 1 has apiKeys, oauthClients\n"
            + "  - tenants.acme.apiKeys[0]: is 23 characters long; an API key has 32 to 128\n"
            + "  - tenants.acme.apiKeys[1]: is a JSON number; expected an API key as a string\n"
            + "  - tenants.acme.apiKeys[3]: is the same key as tenants.acme.apiKeys[2]; a key names one tenant\n"
            + "  - tenants.globex.apiKeys[0]: is the same key as tenants.acme.apiKeys[2]; a key names one tenant"
        },
        {
            """{"version": 1, "tenants": {"acme": {"apiKeys": ["eyJhbGciOiJSUzI1NiJ9.eyJ0ZW5hbnQiOiJhY21lIn0.c2lnbmF0dXJl", "dkp_with spaces and more than thirty-two characters"]}}}""",
            "2 problems:\n"
            + "  - tenants.acme.apiKeys[0]: has the shape of a JWT (three dot-separated parts), which the app would check as a token; use a key without dots\n"
            + "  - tenants.acme.apiKeys[1]: contains characters other than letters, digits and - . _ ~ + / = (value not shown: it is a secret)"
        },
        {
            $$$$"""
            {"version": 1, "tenants": {"acme": {"oauthClients": [{"clientId": "acme-aep"}, {"clientSecret": "{{{{Secret}}}}"}, {"clientId": "a b", "clientSecret": "{{{{Secret}}}}"}, "x", {"clientId": "shared", "clientSecret": "{{{{Secret}}}}", "{{{{Secret}}}}": 1}, {"clientId": "acme-aep", "clientSecret": "{{{{Secret}}}}"}, {"clientId": "acme-aep", "clientSecret": null}]},
            "globex": {"oauthClients": [{"clientId": "shared", "clientSecret": "{{{{Secret}}}}"}, {"clientId": "acme-aep"}]}}}
            """,
            "8 problems:\n"
            + "  - tenants.acme.oauthClients[1].clientId: is required\n"
            + "  - tenants.acme.oauthClients[2].clientId: is not a valid client id; a client id is 1-128 characters of letters, digits and - . _ ~\n"
            + "  - tenants.acme.oauthClients[3]: is a JSON string; expected an object with clientId and, for a client of the app, clientSecret\n"
            + "  - tenants.acme.oauthClients[4]: has a field that is not a known field; version 1 has clientId, clientSecret\n"
            + "  - tenants.acme.oauthClients[5]: \"acme-aep\" is listed without a clientSecret at tenants.acme.oauthClients[0]; a client has secrets (the app issues its tokens) or none (an external issuer does), not both\n"
            + "  - tenants.acme.oauthClients[6].clientSecret: is a JSON null; expected a client secret as a string\n"
            + "  - tenants.globex.oauthClients[0].clientId: \"shared\" is already a client of tenant acme; a client id names one tenant\n"
            + "  - tenants.globex.oauthClients[1].clientId: \"acme-aep\" is already a client of tenant acme; a client id names one tenant"
        },
        { """{"version": 1, "tenants": {}, "signingKey": "pem"}""", "signingKey: is a JSON string; expected an object with privateKeyPem" },
        { """{"version": 1, "tenants": {}, "signingKey": {}}""", "signingKey.privateKeyPem: is required: a PEM RSA private key (PKCS#8 \"PRIVATE KEY\" or PKCS#1 \"RSA PRIVATE KEY\")" },
        { """{"version": 1, "tenants": {}, "signingKey": {"privateKeyPem": "-----BEGIN PRIVATE KEY-----\nnot base64\n-----END PRIVATE KEY-----"}}""", "signingKey.privateKeyPem: is not a PEM RSA private key (PKCS#8 \"PRIVATE KEY\" or PKCS#1 \"RSA PRIVATE KEY\")" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void An_unusable_document_is_reported_field_by_field(string json, string expected)
    {
        var error = Assert.Throws<ProvisionedCredentialsException>(() => ProvisionedCredentials.Parse(json, Source));

        Assert.Equal($"The provisioned credentials ({Source}) cannot be used: {expected.Replace("\n", Environment.NewLine, StringComparison.Ordinal)}", error.Message);
        foreach (var secret in new[] { Key, Secret, ShortSecret, "eyJhbGciOiJSUzI1NiJ9", "with spaces" })
            Assert.DoesNotContain(secret, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_weak_or_public_signing_key_is_refused()
    {
        using var small = RSA.Create(1024);
        using var full = RSA.Create(2048);

        var weak = Assert.Throws<ProvisionedCredentialsException>(() => ProvisionedCredentials.Parse(
            $$$"""{"version": 1, "tenants": {}, "signingKey": {"privateKeyPem": {{{System.Text.Json.JsonSerializer.Serialize(small.ExportPkcs8PrivateKeyPem())}}}}}""", Source));
        var publicOnly = Assert.Throws<ProvisionedCredentialsException>(() => ProvisionedCredentials.Parse(
            $$$"""{"version": 1, "tenants": {}, "signingKey": {"privateKeyPem": {{{System.Text.Json.JsonSerializer.Serialize(full.ExportSubjectPublicKeyInfoPem())}}}}}""", Source));

        Assert.EndsWith("signingKey.privateKeyPem: is a 1024-bit RSA key; at least 2048 bits are required", weak.Message, StringComparison.Ordinal);
        Assert.EndsWith("signingKey.privateKeyPem: holds a public key; the private key is required", publicOnly.Message, StringComparison.Ordinal);
    }
}
