using System.Text.Json;
using DestinationKit.Model.Configuration;
using static DestinationKit.Model.Tests.Configs;

namespace DestinationKit.Model.Tests.Configuration;

/// <summary>A table of invalid configurations, each with the exact, complete list of errors the parser must report
/// (key and message, in order). The messages are part of the product: each names the key, the value received and
/// what is allowed.</summary>
public class InvalidConfigurationTests
{
    private sealed record Case(Dictionary<string, string> Values, IReadOnlyList<string> SecretKeys, IReadOnlyList<string> Expected);

    private static readonly Dictionary<string, Case> Cases = [];

    private static readonly string[] Secrets = [SasUri, SasUriGlobex, "c2VjcmV0LXNpZ25hdHVyZQ", "Z2xvYmV4LXNpZ25hdHVyZQ", "bm90LWEtc2FzLXNpZw", "hunter2-sig"];

    public static TheoryData<string> Names => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(Names))]
    public void Reports_exactly_the_expected_errors(string name)
    {
        var (values, secretKeys, expected) = Cases[name];
        var (spec, errors) = DestinationSpecParser.TryParse(values.ToStack(secretKeys));

        Assert.Null(spec);
        Assert.Equal(expected, errors.Select(e => e.ToString()));
        var exception = Assert.Throws<InvalidDestinationConfigException>(() => DestinationSpecParser.Parse(values.ToStack(secretKeys)));
        Assert.Equal(errors, exception.Errors);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Never_repeats_a_secret(string name)
    {
        var (values, secretKeys, _) = Cases[name];
        var exception = Assert.Throws<InvalidDestinationConfigException>(() => DestinationSpecParser.Parse(values.ToStack(secretKeys)));
        foreach (var secret in Secrets) Assert.DoesNotContain(secret, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_table_is_large_and_covers_every_key()
    {
        Assert.True(Cases.Count >= 45, $"only {Cases.Count} cases");
        var keysWithErrors = Cases.Values.SelectMany(c => c.Expected)
            .Select(e => e[(StackConfiguration.Namespace.Length + 1)..].Split(':')[0].Split('.', '[')[0])
            .ToHashSet(StringComparer.Ordinal);
        var missing = ConfigKeys.All.Select(k => k.Name).Where(k => !keysWithErrors.Contains(k)).ToArray();
        Assert.True(missing.Length == 0, $"no invalid case reports an error for: {string.Join(", ", missing)}");
    }

    [Fact]
    public void The_exception_message_lists_every_error_on_its_own_line()
    {
        var exception = Assert.Throws<InvalidDestinationConfigException>(() => Of(("mode", "batch")).Parse());
        Assert.Equal(
            string.Join(Environment.NewLine,
                "The destination configuration has 4 errors:",
                "  - destination:target: is required; batch targets: aws-s3, azure-blob, azure-adls, sftp, gcp-gcs, dlz; streaming targets: aws, azure, gcp",
                "  - destination:region: is required (an AWS region such as eu-west-1, an Azure location such as westeurope, or a Google Cloud region such as europe-west1)",
                "  - destination:tenants: is required; set a JSON list of tenant ids, e.g. `pulumi config set destination:tenants '[\"acme\"]'`",
                "  - destination:destinationName: is required; the title customers see in AEP's catalog, 3–64 characters"),
            exception.Message);
    }

    private static void Add(string name, Dictionary<string, string> values, params (string Key, string Message)[] expected) =>
        AddCase(name, values, [DlzSasKey], expected);

    /// <summary>Without marking dlzSasUris as a Pulumi secret.</summary>
    private static void AddPlain(string name, Dictionary<string, string> values, params (string Key, string Message)[] expected) =>
        AddCase(name, values, [], expected);

    private static void AddCase(string name, Dictionary<string, string> values, string[] secretKeys, (string Key, string Message)[] expected)
    {
        if (!Cases.TryAdd(name, new Case(values, secretKeys, [.. expected.Select(e => $"{StackConfiguration.Namespace}:{e.Key}: {e.Message}")])))
            throw new InvalidOperationException($"duplicate case {name}");
    }

    private static string JsonList(IEnumerable<string> items) => JsonSerializer.Serialize(items);

    static InvalidConfigurationTests()
    {
        // ---- required keys, enums, unknown keys ----
        Add("nothing set", [],
            ("mode", "is required; set it to one of: batch, streaming"),
            ("target", "is required; batch targets: aws-s3, azure-blob, azure-adls, sftp, gcp-gcs, dlz; streaming targets: aws, azure, gcp"),
            ("region", "is required (an AWS region such as eu-west-1, an Azure location such as westeurope, or a Google Cloud region such as europe-west1)"),
            ("tenants", "is required; set a JSON list of tenant ids, e.g. `pulumi config set destination:tenants '[\"acme\"]'`"),
            ("destinationName", "is required; the title customers see in AEP's catalog, 3–64 characters"));
        Add("tenants missing", S3.With(("tenants", null)),
            ("tenants", "is required; set a JSON list of tenant ids, e.g. `pulumi config set destination:tenants '[\"acme\"]'`"));
        Add("destinationName missing", S3.With(("destinationName", null)),
            ("destinationName", "is required; the title customers see in AEP's catalog, 3–64 characters"));
        Add("region missing", S3.With(("region", null)),
            ("region", "is required (an AWS region such as eu-west-1, an Azure location such as westeurope, or a Google Cloud region such as europe-west1)"));
        Add("empty string counts as missing", S3.With(("target", "")),
            ("target", "is required; batch targets: aws-s3, azure-blob, azure-adls, sftp, gcp-gcs, dlz; streaming targets: aws, azure, gcp"));
        Add("mode misspelt", S3.With(("mode", "bacth")),
            ("mode", "got \"bacth\"; allowed: batch, streaming; did you mean \"batch\"?"));
        Add("target misspelt", S3.With(("target", "aws-s4")),
            ("target", "got \"aws-s4\"; batch targets: aws-s3, azure-blob, azure-adls, sftp, gcp-gcs, dlz; did you mean \"aws-s3\"?"));
        Add("target unknown without suggestion", S3.With(("target", "dropbox")),
            ("target", "got \"dropbox\"; batch targets: aws-s3, azure-blob, azure-adls, sftp, gcp-gcs, dlz"));
        Add("unknown key with suggestion", S3.With(("region", null), ("regoin", "eu-west-1")),
            ("region", "is required (an AWS region such as eu-west-1, an Azure location such as westeurope, or a Google Cloud region such as europe-west1)"),
            ("regoin", "is not a known key; did you mean \"region\"? (all keys: docs/configuration.md)"));
        Add("unknown key without suggestion", S3.With(("bucketName", "my-bucket")),
            ("bucketName", "is not a known key (all keys: docs/configuration.md)"));
        Add("tenant instead of tenants", S3.With(("tenants", null), ("tenant", """["acme"]""")),
            ("tenants", "is required; set a JSON list of tenant ids, e.g. `pulumi config set destination:tenants '[\"acme\"]'`"),
            ("tenant", "is not a known key; did you mean \"tenants\"? (all keys: docs/configuration.md)"));

        // ---- JSON values ----
        Add("unknown field in app", StreamingAws.With(("app", """{"maxBodyBytes": 1048576}""")),
            ("app.maxBodyBytes", "is not a known field; allowed fields: sink, maxRequestBodyBytes, maxConcurrentRequests, rateLimitPerSecond, burstLimit, publisherEmail, planSku"));
        Add("unknown field in a tenant", S3.With(("tenants", """[{"id": "acme", "nmae": "Acme Corp"}]""")),
            ("tenants[0].nmae", "is not a known field; did you mean \"name\"?; allowed fields: id, name, servicePrincipalObjectId, servicePrincipalClientId"));
        Add("tenants is an object", S3.With(("tenants", """{"acme": {}}""")),
            ("tenants", "got a JSON object; expected a JSON list"));
        Add("tenant item is a number", S3.With(("tenants", """["acme", 42]""")),
            ("tenants[1]", "got 42 (a JSON number); expected a tenant id string or an object with \"id\""));
        Add("malformed JSON", S3.With(("tenants", """["acme", "globex" """)),
            ("tenants", "is not valid JSON at line 1, position 19 (got \"[\"acme\", \"globex\" \"); expected a JSON list"));
        Add("JSON field of the wrong type", StreamingAws.With(("app", """{"maxConcurrentRequests": "64", "burstLimit": 2.5}""")),
            ("app.maxConcurrentRequests", "got \"64\" (a JSON string); expected a whole number from 1 to 4096"),
            ("app.burstLimit", "got 2.5; expected a whole number from 1 to 200000"));
        Add("boolean key not a boolean", Blob.With(("accountPerTenant", "yes")),
            ("accountPerTenant", "got \"yes\"; expected true or false"));

        // ---- integers ----
        Add("retentionDays below range", S3.With(("retentionDays", "0")),
            ("retentionDays", "got 0; expected a whole number from 1 to 3650"));
        Add("retentionDays above range", S3.With(("retentionDays", "3651")),
            ("retentionDays", "got 3651; expected a whole number from 1 to 3650"));
        Add("retentionDays not a number", S3.With(("retentionDays", "30d")),
            ("retentionDays", "got \"30d\"; expected a whole number from 1 to 3650"));

        // ---- mode, target, cloud, region ----
        Add("streaming target with batch mode", S3.With(("target", "aws")),
            ("target", "got \"aws\", which is a streaming target but mode is batch; batch targets: aws-s3, azure-blob, azure-adls, sftp, gcp-gcs, dlz"));
        Add("batch target with streaming mode", StreamingAws.With(("target", "aws-s3")),
            ("target", "got \"aws-s3\", which is a batch target but mode is streaming; streaming targets: aws, azure, gcp"));
        Add("cloud disagrees with target", S3.With(("cloud", "azure")),
            ("cloud", "got \"azure\" but target aws-s3 runs on aws; remove cloud or make them agree"));
        Add("cloud misspelt", Gcs.With(("cloud", "gpc")),
            ("cloud", "got \"gpc\"; allowed: aws, azure, gcp; did you mean \"gcp\"?"));
        Add("sftp without cloud", SftpAws.With(("cloud", null)),
            ("cloud", "is required for target sftp; set it to aws (Transfer Family) or azure (Azure Storage SFTP)"));
        Add("sftp on gcp", SftpAws.With(("cloud", "gcp"), ("region", "europe-west1")),
            ("cloud", "got \"gcp\"; sftp runs on aws (Transfer Family) or azure (Azure Storage SFTP)"));
        Add("aws region malformed", S3.With(("region", "eu-west")),
            ("region", "got \"eu-west\"; expected an AWS region such as eu-west-1 or us-gov-west-1"));
        Add("aws region given an azure location", S3.With(("region", "westeurope")),
            ("region", "got \"westeurope\"; expected an AWS region such as eu-west-1 or us-gov-west-1"));
        Add("azure location with spaces", Blob.With(("region", "West Europe")),
            ("region", "got \"West Europe\"; expected an Azure location name such as westeurope or eastus2 (lowercase, no spaces)"));
        Add("gcp zone instead of region", Gcs.With(("region", "europe-west1-b")),
            ("region", "got \"europe-west1-b\"; expected a Google Cloud region such as europe-west1 or us-central1 (not a zone)"));
        Add("dlz with keys for resources it does not create", Dlz.With(("cloud", "azure"), ("region", "westeurope"), ("retentionDays", "30"),
            ("encryption", "customer-managed"), ("tags", """{"team": "data"}""")),
            ("cloud", "is not used by target dlz (the Data Landing Zone is Adobe's storage); remove it"),
            ("region", "is not used by target dlz (nothing is created); remove it"),
            ("retentionDays", "is not used by target dlz (Adobe deletes DLZ files after 7 days); remove it"),
            ("encryption", "is not used by target dlz (Adobe encrypts its own storage); remove it"),
            ("tags", "is not used by target dlz (nothing is created); remove it"));
        Add("forceDestroy on dlz", Dlz.With(("forceDestroy", "true")),
            ("forceDestroy", "is not used by target dlz (the stack creates no storage); remove it"));
        Add("forceDestroy not a boolean", Gcs.With(("forceDestroy", "always")),
            ("forceDestroy", "got \"always\"; expected true or false"));

        // ---- name prefix ----
        Add("namePrefix too short", S3.With(("namePrefix", "ab")),
            ("namePrefix", "got \"ab\"; expected 3–10 characters, lowercase letters and digits, starting with a letter (it must fit Azure storage account names, which allow nothing else)"));
        Add("namePrefix too long", S3.With(("namePrefix", "abcdefghijk")),
            ("namePrefix", "got \"abcdefghijk\"; expected 3–10 characters, lowercase letters and digits, starting with a letter (it must fit Azure storage account names, which allow nothing else)"));
        Add("namePrefix uppercase", S3.With(("namePrefix", "Acme")),
            ("namePrefix", "got \"Acme\"; expected 3–10 characters, lowercase letters and digits, starting with a letter (it must fit Azure storage account names, which allow nothing else)"));
        Add("namePrefix starts with a digit", S3.With(("namePrefix", "1acme")),
            ("namePrefix", "got \"1acme\"; expected 3–10 characters, lowercase letters and digits, starting with a letter (it must fit Azure storage account names, which allow nothing else)"));
        Add("namePrefix with a hyphen", S3.With(("namePrefix", "ac-me")),
            ("namePrefix", "got \"ac-me\"; expected 3–10 characters, lowercase letters and digits, starting with a letter (it must fit Azure storage account names, which allow nothing else)"));
        Add("namePrefix that S3 reserves", S3.With(("namePrefix", "sthree")),
            ("namePrefix", "got \"sthree\"; S3 bucket names must not start with \"sthree-\", and every bucket name starts with the prefix; choose another"));
        Add("namePrefix that GCS reserves", Gcs.With(("namePrefix", "googdata")),
            ("namePrefix", "got \"googdata\"; Cloud Storage bucket names must not start with \"goog\" or contain \"google\", and every bucket name starts with the prefix; choose another"));

        // ---- tenants ----
        Add("tenant id too short", S3.With(("tenants", """["ab"]""")),
            ("tenants[0]", "got \"ab\"; a tenant id is 3–32 characters: lowercase letters, digits and single hyphens, starting and ending with a letter or digit"));
        Add("tenant id too long", S3.With(("tenants", JsonList([new string('a', 33)]))),
            ("tenants[0]", "got \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"; a tenant id is 3–32 characters: lowercase letters, digits and single hyphens, starting and ending with a letter or digit"));
        Add("tenant id uppercase", S3.With(("tenants", """["Acme"]""")),
            ("tenants[0]", "got \"Acme\"; a tenant id is 3–32 characters: lowercase letters, digits and single hyphens, starting and ending with a letter or digit"));
        Add("tenant id with underscore", S3.With(("tenants", """[{"id": "ac_me"}]""")),
            ("tenants[0].id", "got \"ac_me\"; a tenant id is 3–32 characters: lowercase letters, digits and single hyphens, starting and ending with a letter or digit"));
        Add("tenant id with leading hyphen", S3.With(("tenants", """["-acme"]""")),
            ("tenants[0]", "got \"-acme\"; a tenant id is 3–32 characters: lowercase letters, digits and single hyphens, starting and ending with a letter or digit"));
        Add("tenant id with trailing hyphen", S3.With(("tenants", """["acme-"]""")),
            ("tenants[0]", "got \"acme-\"; a tenant id is 3–32 characters: lowercase letters, digits and single hyphens, starting and ending with a letter or digit"));
        Add("tenant id with double hyphen", S3.With(("tenants", """["ac--me"]""")),
            ("tenants[0]", "got \"ac--me\"; a tenant id is 3–32 characters: lowercase letters, digits and single hyphens, starting and ending with a letter or digit"));
        Add("tenant object without id", S3.With(("tenants", """[{"name": "Acme Corp"}]""")),
            ("tenants[0].id", "is required"));
        Add("tenant display name too long", S3.With(("tenants", JsonSerializer.Serialize(new[] { new { id = "acme", name = new string('n', 101) } }))),
            ("tenants[0].name", "is 101 characters long; at most 100 allowed"));
        Add("duplicate tenants", S3.With(("tenants", """["acme", "globex", "acme"]""")),
            ("tenants", "lists tenant \"acme\" 2 times; tenant ids must be unique"));
        Add("no tenants", S3.With(("tenants", "[]")),
            ("tenants", "has 0 tenants; expected 1 to 100"));
        Add("too many tenants", S3.With(("tenants", JsonList(Enumerable.Range(1, 101).Select(i => $"t{i:000}")))),
            ("tenants", "has 101 tenants; expected 1 to 100"));
        Add("azure sftp user names collide", SftpAzure.With(("tenants", """["a-b1", "ab-1", "acme"]""")),
            ("tenants", "tenants \"a-b1\" and \"ab-1\" would share the SFTP user name \"ab1\" (Azure local users allow no hyphens); rename one"));
        Add("azure sftp user name too short", SftpAzure.With(("tenants", """["a-b", "a-bc"]""")),
            ("tenants", "tenant \"a-b\" would get the SFTP user name \"ab\", which is too short (Azure local users allow no hyphens and need 3 characters); rename it"));
        Add("azure-adls tenant without service principal", Adls.With(("tenants", """["acme"]""")),
            ("tenants[0]", "needs a service principal for azure-adls; write the tenant as {\"id\": \"...\", \"servicePrincipalObjectId\": \"<guid>\", \"servicePrincipalClientId\": \"<guid>\"}"));
        Add("azure-adls service principal ids missing or malformed", Adls.With(("tenants",
            $$"""[{"id": "acme", "servicePrincipalObjectId": "not-a-guid"}, {"id": "globex", "servicePrincipalObjectId": 7, "servicePrincipalClientId": "{{SpClientId}}"}]""")),
            ("tenants[0].servicePrincipalObjectId", "got \"not-a-guid\"; expected a GUID such as 00000000-0000-0000-0000-000000000000"),
            ("tenants[0].servicePrincipalClientId", "is required for azure-adls (a GUID, from `az ad sp show`)"),
            ("tenants[1].servicePrincipalObjectId", "got 7 (a JSON number); expected a JSON string"));
        Add("service principal on another target", S3.With(("tenants", $$"""[{"id": "acme", "servicePrincipalObjectId": "{{SpObjectId}}"}]""")),
            ("tenants[0].servicePrincipalObjectId", "is used only by target azure-adls; remove it"));

        // ---- dlzSasUris (a secret) ----
        AddPlain("dlzSasUris stored in plain text", Dlz,
            ("dlzSasUris", "holds a secret but is stored in plain text; set it with `pulumi config set --secret destination:dlzSasUris '<value>'`"));
        Add("dlzSasUris for an unknown tenant", Dlz.With(("dlzSasUris", $$"""{"acmee": "{{SasUri}}"}""")),
            ("dlzSasUris.acmee", "names a tenant that is not in destination:tenants; did you mean \"acme\"?"));
        Add("dlzSasUris unusable", Dlz.With(("tenants", """["acme", "globex", "initech", "umbrella", "hooli", "wonka"]"""), ("dlzSasUris", $$"""
            {
              "acme": "{{SasUri.Replace("https://", "http://", StringComparison.Ordinal)}}",
              "globex": "https://dlzglobex.blob.core.windows.net/dlz-destination?sv=2023-01-03&se=2031-06-30&sp=rl",
              "initech": "https://dlzglobex.blob.core.windows.net/dlz-destination?sv=2023-01-03&sp=rl&sig=bm90LWEtc2FzLXNpZw",
              "umbrella": "https://example.com/dlz-destination?se=2031-06-30&sig=hunter2-sig",
              "hooli": "https://dlzglobex.blob.core.windows.net/?se=2031-06-30&sig=hunter2-sig",
              "wonka": "hunter2-sig"
            }
            """)),
            ("dlzSasUris.acme", "is not a usable SAS URI: it must use https (value not shown: it is a secret)"),
            ("dlzSasUris.globex", "is not a usable SAS URI: it has no signature (sig) (value not shown: it is a secret)"),
            ("dlzSasUris.initech", "is not a usable SAS URI: it has no expiry (se) (value not shown: it is a secret)"),
            ("dlzSasUris.umbrella", "is not a usable SAS URI: its host must be <account>.blob.core.windows.net (value not shown: it is a secret)"),
            ("dlzSasUris.hooli", "is not a usable SAS URI: it must name the container in its path (value not shown: it is a secret)"),
            ("dlzSasUris.wonka", "is not a usable SAS URI: it is not an absolute URI (value not shown: it is a secret)"));
        Add("dlzSasUris value not a string", Dlz.With(("dlzSasUris", """{"acme": {"uri": "hunter2-sig"}}""")),
            ("dlzSasUris.acme", "got a JSON object; expected the SAS URI as a string"));
        Add("dlzSasUris malformed JSON does not echo the value", Dlz.With(("dlzSasUris", $$"""{"acme": "{{SasUri}}" """)),
            ("dlzSasUris", "is not valid JSON at line 1, position 152; expected a JSON object"));
        Add("dlzSasUris on another target", S3.With(("dlzSasUris", $$"""{"acme": "{{SasUri}}"}""")),
            ("dlzSasUris", "is not used by target aws-s3 (only dlz); remove it"));

        // ---- keys the mode or target does not use ----
        Add("streaming keys on a batch destination", S3.With(("auth", "api-key"), ("app", "{}"), ("aggregation", """{"type": "best-effort"}"""), ("oauth2", "{}")),
            ("auth", "is not used by batch destinations (streaming only); remove it"),
            ("oauth2", "is not used by batch destinations (streaming only); remove it"),
            ("app", "is not used by batch destinations (streaming only); remove it"),
            ("aggregation", "is not used by batch destinations (streaming only); remove it"));
        Add("batch keys on a streaming destination", StreamingAws.With(("fileFormat", """{"fileType": "csv"}"""), ("batchExport", "{}")),
            ("fileFormat", "is not used by streaming destinations (batch only); remove it"),
            ("batchExport", "is not used by streaming destinations (batch only); remove it"));
        Add("keys of other targets", Gcs.With(("accountPerTenant", "true"), ("s3Access", "adobe-role"), ("infrastructureEncryption", "true")),
            ("infrastructureEncryption", "is not used on gcp (Azure only); remove it"),
            ("accountPerTenant", "is not used by target gcp-gcs (only azure-blob); remove it"),
            ("s3Access", "is not used by target gcp-gcs (only aws-s3); remove it"));
        Add("s3Access misspelt", S3.With(("s3Access", "adobe_role")),
            ("s3Access", "got \"adobe_role\"; allowed: iam-user, adobe-role; did you mean \"adobe-role\"?"));
        Add("adobe-role outside the commercial partition", S3.With(("s3Access", "adobe-role"), ("region", "cn-north-1")),
            ("s3Access", "got \"adobe-role\" in region cn-north-1, whose partition (aws-cn) cannot trust Adobe's commercial AWS account; use iam-user"));

        // ---- OAuth 2.0 ----
        Add("auth misspelt", StreamingAws.With(("auth", "oauth")),
            ("auth", "got \"oauth\"; allowed: api-key, oauth2; did you mean \"oauth2\"?"));
        Add("misspelt auth does not also reject oauth2", StreamingAws.With(("auth", "oath2"), ("oauth2", """{"issuer": "app", "tokenLifetimeSeconds": 100}""")),
            ("auth", "got \"oath2\"; allowed: api-key, oauth2; did you mean \"oauth2\"?"));
        Add("oauth2 settings with api-key auth", StreamingAws.With(("oauth2", """{"issuer": "app"}""")),
            ("oauth2", "is not used with auth api-key (set auth to oauth2); remove it"));
        Add("external issuer without its fields", StreamingAzure.With(("auth", "oauth2"), ("oauth2", """{"issuer": "external"}""")),
            ("oauth2.issuerUrl", "is required with issuer external, which needs issuerUrl, jwksUri, tokenUrl and audience"),
            ("oauth2.jwksUri", "is required with issuer external, which needs issuerUrl, jwksUri, tokenUrl and audience"),
            ("oauth2.tokenUrl", "is required with issuer external, which needs issuerUrl, jwksUri, tokenUrl and audience"),
            ("oauth2.audience", "is required with issuer external, which needs issuerUrl, jwksUri, tokenUrl and audience"));
        Add("external issuer with bad URLs", StreamingAzure.With(("auth", "oauth2"), ("oauth2", """
            {"issuer": "external", "issuerUrl": "http://login.example.test/", "jwksUri": "https://user:pw@login.example.test/jwks",
             "tokenUrl": "/oauth2/token", "audience": "", "tokenLifetimeSeconds": 3600}
            """)),
            ("oauth2.issuerUrl", "got \"http://login.example.test/\"; expected an absolute https:// URL without credentials"),
            ("oauth2.jwksUri", "got a URL with credentials in it (not shown); expected an absolute https:// URL without credentials"),
            ("oauth2.tokenUrl", "got \"/oauth2/token\"; expected an absolute https:// URL without credentials"),
            ("oauth2.audience", "is empty; it is required with issuer external, which needs issuerUrl, jwksUri, tokenUrl and audience"),
            ("oauth2.tokenLifetimeSeconds", "is set by the external issuer, not here; remove it"));
        Add("external issuer fields without external issuer", StreamingGcp.With(("auth", "oauth2"), ("oauth2", """{"issuerUrl": "https://login.example.test/", "audience": "aep"}""")),
            ("oauth2.issuerUrl", "is used only with issuer external; remove it or set issuer to external"),
            ("oauth2.audience", "is used only with issuer external; remove it or set issuer to external"));
        Add("credential rotation on a batch destination", Gcs.With(("credentialRotation", """{"acme": {"current": 2}}""")),
            ("credentialRotation", "is not used by batch destinations (streaming only); remove it"));
        Add("credential rotation with an external issuer", StreamingAzure.With(("auth", "oauth2"), ("oauth2", """
            {"issuer": "external", "issuerUrl": "https://id.example.test/", "jwksUri": "https://id.example.test/jwks", "tokenUrl": "https://id.example.test/token", "audience": "aep"}
            """), ("credentialRotation", """{"acme": {"current": 2}}""")),
            ("credentialRotation", "is not used with oauth2 issuer external, which issues and rotates the client secrets itself (the stack generates credentials only with auth api-key or issuer app); remove it"));
        Add("credential rotation entries that cannot be used", StreamingAws.With(("tenants", """["acme", "globex", "initech", "umbrella"]"""), ("credentialRotation", """
            {"acme": {"current": 2, "previous": 2}, "globex": {"previous": 1}, "initech": {"current": 0, "previous": 1001}, "umbrela": {"current": 2},
             "umbrella": 3, "acme2": {"curent": 2}}
            """)),
            ("credentialRotation.acme.previous", "got 2, the same as current; it names the other generation still valid during a rotation (remove it when the rotation is done)"),
            ("credentialRotation.globex.current", "is required: the generation to hand out, a whole number from 1 to 1000"),
            ("credentialRotation.initech.current", "got 0; expected a whole number from 1 to 1000"),
            ("credentialRotation.initech.previous", "got 1001; expected a whole number from 1 to 1000"),
            ("credentialRotation.umbrela", "names a tenant that is not in destination:tenants; did you mean \"umbrella\"?"),
            ("credentialRotation.umbrella", "got 3 (a JSON number); expected an object such as {\"current\": 2, \"previous\": 1}"),
            ("credentialRotation.acme2", "names a tenant that is not in destination:tenants; did you mean \"acme\"?"));
        Add("external issuer on aws", StreamingAws.With(("auth", "oauth2"), ("oauth2", """
            {"issuer": "external", "issuerUrl": "https://login.example.test/tenant/v2.0", "jwksUri": "https://login.example.test/tenant/keys",
             "tokenUrl": "https://login.example.test/tenant/oauth2/token", "audience": "api://acme-ingestion"}
            """)),
            ("oauth2.issuer", "got \"external\", which target aws does not offer yet; use app (the app's own token endpoint) or cognito (docs/aws.md)"));
        Add("cognito off aws", StreamingGcp.With(("auth", "oauth2"), ("oauth2", """{"issuer": "cognito"}""")),
            ("oauth2.issuer", "got \"cognito\", which exists only on target aws; use app or external"));
        Add("issuer misspelt", StreamingAws.With(("auth", "oauth2"), ("oauth2", """{"issuer": "extrenal"}""")),
            ("oauth2.issuer", "got \"extrenal\"; allowed: app, external, cognito; did you mean \"external\"?"));
        Add("token lifetime below range", StreamingAws.With(("auth", "oauth2"), ("oauth2", """{"tokenLifetimeSeconds": 3599}""")),
            ("oauth2.tokenLifetimeSeconds", "got 3599; expected a whole number from 3600 to 604800"));
        Add("token lifetime above range", StreamingAws.With(("auth", "oauth2"), ("oauth2", """{"tokenLifetimeSeconds": 604801, "clientAuthentication": "header"}""")),
            ("oauth2.tokenLifetimeSeconds", "got 604801; expected a whole number from 3600 to 604800"),
            ("oauth2.clientAuthentication", "got \"header\"; allowed: body, basic"));
        Add("scopes invalid", StreamingAws.With(("auth", "oauth2"), ("oauth2", """{"scopes": ["profiles.write", "audiences write", "a\"b", 3]}""")),
            ("oauth2.scopes[3]", "got 3 (a JSON number); expected a string"),
            ("oauth2.scopes", "got \"audiences write\"; a scope is printable ASCII without spaces, quotes or backslashes (RFC 6749)"),
            ("oauth2.scopes", "got \"a\"b\"; a scope is printable ASCII without spaces, quotes or backslashes (RFC 6749)"));
        Add("too many scopes", StreamingAws.With(("auth", "oauth2"), ("oauth2", JsonSerializer.Serialize(new { scopes = Enumerable.Range(1, 11).Select(i => $"s{i}") }))),
            ("oauth2.scopes", "has 11 scopes; at most 10 allowed"));

        // ---- app limits ----
        Add("request body above aws limit", StreamingAws.With(("app", """{"maxRequestBodyBytes": 4980737}""")),
            ("app.maxRequestBodyBytes", "got 4980737; expected a whole number from 65536 to 4980736"));
        Add("request body of Lambda's whole invocation payload", StreamingAws.With(("app", """{"maxRequestBodyBytes": 6291456}""")),
            ("app.maxRequestBodyBytes", "got 6291456; expected a whole number from 65536 to 4980736"));
        Add("request body below minimum", StreamingAzure.With(("app", """{"maxRequestBodyBytes": 65535}""")),
            ("app.maxRequestBodyBytes", "got 65535; expected a whole number from 65536 to 67108864"));
        Add("sink of another cloud", StreamingGcp.With(("app", """{"sink": "s3"}""")),
            ("app.sink", "got \"s3\"; on gcp the app stores requests in gcs (the only allowed value)"));
        Add("gateway rate limit on gcp", StreamingGcp.With(("app", """{"rateLimitPerSecond": 500, "burstLimit": 1000}""")),
            ("app.rateLimitPerSecond", "cannot be enforced on gcp: Google API Gateway has no rate limit for a gateway as a whole (its quotas count per API key, which AEP does not send); remove it. maxConcurrentRequests and Cloud Run's instance limit bound the load (docs/gcp.md)"),
            ("app.burstLimit", "cannot be enforced on gcp: Google API Gateway has no rate limit for a gateway as a whole (its quotas count per API key, which AEP does not send); remove it. maxConcurrentRequests and Cloud Run's instance limit bound the load (docs/gcp.md)"));
        Add("azure-only app settings on aws", StreamingAws.With(("app", """{"publisherEmail": "ops@partner.example", "planSku": "B1"}""")),
            ("app.publisherEmail", "applies only to cloud azure (API Management and App Service), and the cloud is aws; remove it"),
            ("app.planSku", "applies only to cloud azure (API Management and App Service), and the cloud is aws; remove it"));
        Add("publisher e-mail and plan not usable", StreamingAzure.With(("app", """{"publisherEmail": "Ops <ops@partner.example>", "planSku": "F1"}""")),
            ("app.publisherEmail", "got \"Ops <ops@partner.example>\"; expected a plain e-mail address such as ops@partner.example"),
            ("app.planSku", "got \"F1\"; allowed: B1, B2, B3, S1, S2, S3, P0v3, P1v3, P2v3, P3v3"));
        Add("burst below rate", StreamingAws.With(("app", """{"rateLimitPerSecond": 5000, "burstLimit": 4000}""")),
            ("app.burstLimit", "got 4000, below rateLimitPerSecond (5000); the burst must be at least the steady rate"));
        Add("concurrency and rate out of range", StreamingAws.With(("app", """{"maxConcurrentRequests": 0, "rateLimitPerSecond": 100001, "burstLimit": 200001}""")),
            ("app.maxConcurrentRequests", "got 0; expected a whole number from 1 to 4096"),
            ("app.rateLimitPerSecond", "got 100001; expected a whole number from 1 to 100000"),
            ("app.burstLimit", "got 200001; expected a whole number from 1 to 200000"));

        // ---- aws streaming: the credentials parameter and Cognito ----
        Add("aws credentials do not fit one SSM parameter", StreamingAws.With(("tenants", JsonList(Enumerable.Range(1, 70).Select(i => $"tenant{i:00}")))),
            ("tenants", "has 70 tenants, whose credentials (about 8830 bytes with the signing key) do not fit the SSM parameter that carries them to the app on aws (at most 8192 bytes); split the tenants over two stacks, finish rotations (remove \"previous\" from destination:credentialRotation), or shorten tenant ids"));
        Add("aws cognito client ids do not fit one SSM parameter", StreamingAws.With(("auth", "oauth2"), ("oauth2", """{"issuer": "cognito"}"""),
                ("tenants", JsonList(Enumerable.Range(1, 90).Select(i => $"tenant{i:00}")))),
            ("tenants", "has 90 tenants, whose credentials (about 9640 bytes with the signing key and each tenant's Cognito app client id) do not fit the SSM parameter that carries them to the app on aws (at most 8192 bytes); split the tenants over two stacks, or shorten tenant ids"));
        Add("aws rotations make the credentials too big", StreamingAws.With(
            ("tenants", JsonList(Enumerable.Range(1, 45).Select(i => $"tenant{i:00}"))),
            ("credentialRotation", JsonSerializer.Serialize(Enumerable.Range(1, 45).ToDictionary(i => $"tenant{i:00}", _ => new { current = 2, previous = 1 })))),
            ("tenants", "has 45 tenants, whose credentials (about 8830 bytes with the signing key, counting the previous credential of each rotation) do not fit the SSM parameter that carries them to the app on aws (at most 8192 bytes); split the tenants over two stacks, finish rotations (remove \"previous\" from destination:credentialRotation), or shorten tenant ids"));
        Add("cognito token lifetime above a day", StreamingAws.With(("auth", "oauth2"), ("oauth2", """{"issuer": "cognito", "tokenLifetimeSeconds": 172800}""")),
            ("oauth2.tokenLifetimeSeconds", "got 172800; Cognito issues access tokens for at most 86400 seconds (one day)"));
        Add("cognito scopes without one resource server", StreamingAws.With(("auth", "oauth2"), ("oauth2", """{"issuer": "cognito", "scopes": ["profiles.write", "aep/a", "other/b", "x/"]}""")),
            ("oauth2.scopes", "got \"profiles.write\"; with issuer cognito a scope is <resource server identifier>/<scope name>, such as \"destinationkit/profiles.write\" (each part 1–256 printable characters, the name without \"/\")"),
            ("oauth2.scopes", "got \"x/\"; with issuer cognito a scope is <resource server identifier>/<scope name>, such as \"destinationkit/profiles.write\" (each part 1–256 printable characters, the name without \"/\")"),
            ("oauth2.scopes", "names 2 resource servers (aep, other); the stack creates one Cognito resource server, so every scope must start with the same identifier"));
        Add("aws streaming where the Lambda Web Adapter is not published", StreamingAws.With(("region", "us-gov-east-1")),
            ("region", "got \"us-gov-east-1\"; target aws runs the app on Lambda with the Lambda Web Adapter layer, which AWS publishes in the commercial regions and in cn-north-1 and cn-northwest-1 only"));
        Add("cognito outside the commercial partition", StreamingAws.With(("region", "us-gov-west-1"), ("auth", "oauth2"), ("oauth2", """{"issuer": "cognito"}""")),
            ("region", "got \"us-gov-west-1\"; target aws runs the app on Lambda with the Lambda Web Adapter layer, which AWS publishes in the commercial regions and in cn-north-1 and cn-northwest-1 only"),
            ("oauth2.issuer", "got \"cognito\" in region us-gov-west-1 (aws-us-gov partition); the Cognito token domain this stack creates (<prefix>.auth.<region>.amazoncognito.com) exists in the commercial partition only; use app"));
        Add("cognito with a reserved word in the name prefix", StreamingAws.With(("namePrefix", "awsdk"), ("auth", "oauth2"), ("oauth2", """{"issuer": "cognito"}""")),
            ("namePrefix", "got \"awsdk\", which contains \"aws\"; the Cognito domain is named after the prefix and Cognito refuses domains containing \"aws\", \"amazon\", \"cognito\""));

        // ---- aggregation ----
        Add("configurable batch of 10000 does not fit aws's request limit", StreamingAws.With(
            ("identityNamespaces", """{"email_lc_sha256": {}, "phone_sha256": {}, "crm_id": {}, "ecid": {}}"""),
            ("aggregation", """{"type": "configurable", "maxNumEventsInBatch": 10000}""")),
            ("aggregation", "allows 10000 profiles a request, about 7040000 bytes at 704 bytes a profile, which exceeds app.maxRequestBodyBytes (4980736); on aws at most 4980736 (what fits Lambda's 6 MB invocation payload once API Gateway wraps the body in its event); lower maxUsersPerRequest or maxNumEventsInBatch"));
        Add("configurable batch that fits 6 MB but not Lambda's event", StreamingAws.With(
            ("identityNamespaces", """{"email_lc_sha256": {}, "phone_sha256": {}, "crm_id": {}}"""),
            ("aggregation", """{"type": "configurable", "maxNumEventsInBatch": 10000}""")),
            ("aggregation", "allows 10000 profiles a request, about 6080000 bytes at 608 bytes a profile, which exceeds app.maxRequestBodyBytes (4980736); on aws at most 4980736 (what fits Lambda's 6 MB invocation payload once API Gateway wraps the body in its event); lower maxUsersPerRequest or maxNumEventsInBatch"));
        Add("best-effort batch does not fit a lowered request limit", StreamingAzure.With(
            ("app", """{"maxRequestBodyBytes": 65536}"""), ("aggregation", """{"maxUsersPerRequest": 500}""")),
            ("aggregation", "allows 500 profiles a request, about 208000 bytes at 416 bytes a profile, which exceeds app.maxRequestBodyBytes (65536); lower maxUsersPerRequest or maxNumEventsInBatch"));
        Add("aggregation type misspelt", StreamingAws.With(("aggregation", """{"type": "best_effort"}""")),
            ("aggregation.type", "got \"best_effort\"; allowed: best-effort, configurable; did you mean \"best-effort\"?"));
        Add("maxUsersPerRequest out of range", StreamingAws.With(("aggregation", """{"maxUsersPerRequest": 0}""")),
            ("aggregation.maxUsersPerRequest", "got 0; expected a whole number from 1 to 10000"));
        Add("batch age and size below range", StreamingGcp.With(("aggregation", """{"type": "configurable", "maxBatchAgeInSecs": 1799, "maxNumEventsInBatch": 999}""")),
            ("aggregation.maxBatchAgeInSecs", "got 1799; expected a whole number from 1800 to 3600"),
            ("aggregation.maxNumEventsInBatch", "got 999; expected a whole number from 1000 to 10000"));
        Add("batch age and size above range", StreamingGcp.With(("aggregation", """{"type": "configurable", "maxBatchAgeInSecs": 3601, "maxNumEventsInBatch": 10001}""")),
            ("aggregation.maxBatchAgeInSecs", "got 3601; expected a whole number from 1800 to 3600"),
            ("aggregation.maxNumEventsInBatch", "got 10001; expected a whole number from 1000 to 10000"));
        Add("configurable fields with best effort", StreamingAws.With(("aggregation", """{"maxBatchAgeInSecs": 1800, "aggregationKey": {}}""")),
            ("aggregation.maxBatchAgeInSecs", "is used only with type configurable; remove it or set type to configurable"),
            ("aggregation.aggregationKey", "is used only with type configurable; remove it or set type to configurable"));
        Add("maxUsersPerRequest with configurable", StreamingAws.With(("aggregation", """{"type": "configurable", "maxUsersPerRequest": 50}""")),
            ("aggregation.maxUsersPerRequest", "is used only with type best-effort; with configurable use maxNumEventsInBatch"));
        Add("includeSegmentStatus without includeSegmentId", StreamingAws.With(("aggregation", """{"type": "configurable", "aggregationKey": {"includeSegmentStatus": true}}""")),
            ("aggregation.aggregationKey.includeSegmentStatus", "is true but includeSegmentId is false; AEP groups by status only within an audience, set includeSegmentId to true"));
        Add("groups with unknown namespaces", StreamingAws.With(("aggregation", """
            {"type": "configurable", "aggregationKey": {"includeIdentity": true, "groups": [["email_lc_sha256", "IDFA"], [], "GAID"], "includeSegmnetId": true}}
            """)),
            ("aggregation.aggregationKey.includeSegmnetId", "is not a known field; did you mean \"includeSegmentId\"?; allowed fields: includeSegmentId, includeSegmentStatus, includeIdentity, oneIdentityPerGroup, groups"),
            ("aggregation.aggregationKey.groups[0]", "names \"IDFA\", which is not in destination:identityNamespaces (email_lc_sha256)"),
            ("aggregation.aggregationKey.groups[1]", "got [] (a JSON list); expected a non-empty JSON list of identity namespace names"),
            ("aggregation.aggregationKey.groups[2]", "got \"GAID\" (a JSON string); expected a non-empty JSON list of identity namespace names"));
        Add("groups with oneIdentityPerGroup", StreamingAws.With(("aggregation", """{"type": "configurable", "aggregationKey": {"oneIdentityPerGroup": true, "groups": [["email_lc_sha256"]]}}""")),
            ("aggregation.aggregationKey.groups", "cannot be combined with oneIdentityPerGroup: true (AEP makes one group per namespace then)"));

        // ---- tags ----
        Add("aws tag keys and values", S3.With(("tags", JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["aws:team"] = "data", [new string('k', 129)] = "x", ["owner"] = new string('v', 257), ["cost#center"] = "42", ["project"] = "a|b", ["count"] = 3,
        }))),
            ("tags.aws:team", "tag keys on aws must not start with aws: (reserved by AWS)"),
            ($"tags.{new string('k', 129)}", "tag keys on aws are 1–128 characters, this one is 129"),
            ("tags.owner", "tag values on aws are at most 256 characters, this one is 257"),
            ("tags.cost#center", "got tag key \"cost#center\"; tag keys on aws allow only letters, digits, spaces and _.:/=+-@"),
            ("tags.project", "got tag value \"a|b\"; tag values on aws allow only letters, digits, spaces and _.:/=+-@"),
            ("tags.count", "got 3 (a JSON number); tag values are strings"));
        Add("gcp label rules", Gcs.With(("tags", """{"Team": "data", "owner": "Data Team", "1st": "x", "cost-center": "cc_42"}""")),
            ("tags.Team", "got label key \"Team\"; labels on gcp start with a lowercase letter and contain only lowercase letters, digits, _ and -, up to 63"),
            ("tags.owner", "got label value \"Data Team\"; label values on gcp contain only lowercase letters, digits, _ and -, up to 63"),
            ("tags.1st", "got label key \"1st\"; labels on gcp start with a lowercase letter and contain only lowercase letters, digits, _ and -, up to 63"));
        Add("azure tag rules", Blob.With(("tags", JsonSerializer.Serialize(new Dictionary<string, string> { ["cost/center"] = "42", ["owner"] = new string('v', 257) }))),
            ("tags.cost/center", "tag names on azure must not contain < > % & \\ ? /"),
            ("tags.owner", "tag values on azure are at most 256 characters, this one is 257"));
        Add("reserved tags", StreamingAzure.With(("tags", """{"managed-by": "me", "Stack": "prod", "team": "data"}""")),
            ("tags.managed-by", "is reserved: the stack sets managed-by, destination-prefix, stack itself"),
            ("tags.Stack", "is reserved: the stack sets managed-by, destination-prefix, stack itself"));
        Add("too many tags", S3.With(("tags", JsonSerializer.Serialize(Enumerable.Range(1, 41).ToDictionary(i => $"tag{i}", i => "v")))),
            ("tags", "has 41 tags; at most 40 allowed (the clouds allow 50 and the stack adds 3)"));
        Add("tags not an object", S3.With(("tags", """["team=data"]""")),
            ("tags", "got a JSON list; expected a JSON object"));

        // ---- encryption ----
        Add("encryption misspelt", S3.With(("encryption", "kms")),
            ("encryption", "got \"kms\"; allowed: platform, customer-managed"));
        Add("encryptionKeyId with platform encryption", S3.With(("encryptionKeyId", "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab")),
            ("encryptionKeyId", "is set but encryption is platform; set encryption to customer-managed or remove the key id"));
        Add("aws key id malformed", S3.With(("encryption", "customer-managed"), ("encryptionKeyId", "alias/landing")),
            ("encryptionKeyId", "got \"alias/landing\"; expected a KMS key or alias ARN such as arn:aws:kms:eu-west-1:123456789012:key/<key id>"));
        Add("aws key in another region", S3.With(("encryption", "customer-managed"), ("encryptionKeyId", "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab")),
            ("encryptionKeyId", "got \"arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab\"; the key is in region us-east-1, but S3 needs a key in the bucket's region eu-west-1"));
        Add("customer-managed keys on azure", Blob.With(("encryption", "customer-managed"), ("encryptionKeyId", "https://acme-keys.vault.azure.net/keys/landing")),
            ("encryption", "customer-managed keys are not yet supported on azure; use platform (Microsoft-managed keys), optionally with infrastructureEncryption: true for a second layer of encryption (docs/azure.md)"));
        Add("gcp key id malformed", Gcs.With(("encryption", "customer-managed"), ("encryptionKeyId", "projects/p/locations/europe-west1/keyRings/r/cryptoKeys/k")),
            ("encryptionKeyId", "got \"projects/p/locations/europe-west1/keyRings/r/cryptoKeys/k\"; expected a Cloud KMS key such as projects/<project>/locations/<location>/keyRings/<ring>/cryptoKeys/<key>"));
        Add("gcp key in another location", Gcs.With(("encryption", "customer-managed"), ("encryptionKeyId", "projects/acme-data/locations/us-central1/keyRings/landing/cryptoKeys/files")),
            ("encryptionKeyId", "got \"projects/acme-data/locations/us-central1/keyRings/landing/cryptoKeys/files\"; the key is in location us-central1, but Cloud Storage needs a key in the bucket's location europe-west1"));

        // ---- identity namespaces ----
        Add("streaming without identity namespaces", StreamingAws.With(("identityNamespaces", null)),
            ("identityNamespaces", "needs at least one identity namespace for a streaming destination (AEP's mapping step needs a target identity), e.g. `pulumi config set destination:identityNamespaces '{\"email_lc_sha256\": {}}'`"));
        Add("streaming with an empty identity namespace map", StreamingAws.With(("identityNamespaces", "{}")),
            ("identityNamespaces", "needs at least one identity namespace for a streaming destination (AEP's mapping step needs a target identity), e.g. `pulumi config set destination:identityNamespaces '{\"email_lc_sha256\": {}}'`"));
        Add("identity namespace names and options", StreamingAws.With(("identityNamespaces", """
            {"email_lc_sha256": {"acceptsAtributes": false}, "1email": {}, "crm-id": {}, "phone": true,
             "ecid": {"acceptedGlobalNamespaces": {"ECID": {"requiredTransform": "x"}, "Email": "sha256"}}}
            """)),
            ("identityNamespaces.email_lc_sha256.acceptsAtributes", "is not a known field; did you mean \"acceptsAttributes\"?; allowed fields: acceptsAttributes, acceptsCustomNamespaces, transformation, acceptedGlobalNamespaces"),
            ("identityNamespaces.1email", "got namespace name \"1email\"; expected a letter, then letters, digits or _, up to 64 characters"),
            ("identityNamespaces.crm-id", "got namespace name \"crm-id\"; expected a letter, then letters, digits or _, up to 64 characters"),
            ("identityNamespaces.phone", "got true (a JSON boolean); expected an object of options (or {})"),
            ("identityNamespaces.ecid.acceptedGlobalNamespaces.ECID.requiredTransform", "is not a known field; did you mean \"requiredTransformation\"?; allowed fields: requiredTransformation"),
            ("identityNamespaces.ecid.acceptedGlobalNamespaces.Email", "expected an object, {} or {\"requiredTransformation\": \"...\"}"));
        Add("too many identity namespaces", StreamingAws.With(("identityNamespaces", JsonSerializer.Serialize(Enumerable.Range(1, 21).ToDictionary(i => $"ns{i}", i => new { })))),
            ("identityNamespaces", "has 21 namespaces; at most 20 allowed"));

        // ---- customer data fields ----
        Add("tenantId customer field is reserved in batch", S3.With(("customerDataFields", """[{"name": "tenantId"}]""")),
            ("customerDataFields[0].name", "\"tenantId\" is reserved: batch destinations add it themselves (the tenant's folder or container)"));
        Add("customer field pattern is not a regex", StreamingAws.With(("customerDataFields", """[{"name": "region", "pattern": "^[a-z"}]""")),
            ("customerDataFields[0].pattern", "is not a valid regular expression: Invalid pattern '^[a-z' at offset 5. Unterminated [] set."));
        Add("customer field default outside enum and pattern", StreamingAws.With(("customerDataFields", """
            [{"name": "region", "enum": ["us", "eu"], "default": "apac"}, {"name": "code", "pattern": "^[0-9]{3}$", "default": "12a"}]
            """)),
            ("customerDataFields[0].default", "got \"apac\", which is not one of enum: us, eu"),
            ("customerDataFields[1].default", "got \"12a\", which does not match pattern ^[0-9]{3}$"));
        Add("customer field names duplicate or invalid", StreamingAws.With(("customerDataFields", """
            [{"name": "region"}, {"name": "region", "title": "Again"}, {"name": "2fa"}, {"title": "No name"}, "plain"]
            """)),
            ("customerDataFields[1].name", "\"region\" is used twice; field names must be unique"),
            ("customerDataFields[2].name", "got \"2fa\"; expected a letter, then letters, digits or _, up to 64 characters"),
            ("customerDataFields[3].name", "is required"),
            ("customerDataFields[4]", "got \"plain\" (a JSON string); expected an object with at least \"name\""));
        Add("customer field type rules", StreamingAws.With(("customerDataFields", """
            [{"name": "limit", "type": "integer", "pattern": "^[0-9]+$"}, {"name": "flag", "type": "bool"}, {"name": "tier", "enum": []}]
            """)),
            ("customerDataFields[0].pattern", "applies only to string fields, and this field's type is integer"),
            ("customerDataFields[1].type", "got \"bool\"; allowed: string, integer, boolean"),
            ("customerDataFields[2].enum", "has 0 values; expected 1 to 50"));
        Add("too many customer fields", StreamingAws.With(("customerDataFields", JsonSerializer.Serialize(Enumerable.Range(1, 21).Select(i => new { name = $"field{i}" })))),
            ("customerDataFields", "has 21 fields; at most 20 allowed"));

        // ---- profile fields ----
        Add("profile field rules", StreamingAws.With(("profileFields", """
            [{"name": "firstName"}, {"name": "firstName"}, {"name": "person name"}, {"name": "age", "type": "float"}, {"name": "x", "isRequired": "yes"}]
            """)),
            ("profileFields[1].name", "\"firstName\" is used twice; field names must be unique"),
            ("profileFields[2].name", "got \"person name\"; expected a letter, then letters, digits, _ or ., up to 128 characters"),
            ("profileFields[3].type", "got \"float\"; allowed: string, integer, number, boolean"),
            ("profileFields[4].isRequired", "got \"yes\" (a JSON string); expected true or false"));
        Add("too many profile fields", StreamingAws.With(("profileFields", JsonSerializer.Serialize(Enumerable.Range(1, 51).Select(i => new { name = $"attr{i}" })))),
            ("profileFields", "has 51 fields; at most 50 allowed (Adobe's guardrail)"));

        // ---- AEP metadata ----
        Add("audience api on batch", S3.With(("audienceMapping", "api")),
            ("audienceMapping", "got \"api\", but batch destinations deploy no audience API; use aep-id or user-input"));
        Add("audienceMapping misspelt", StreamingAws.With(("audienceMapping", "aep_id")),
            ("audienceMapping", "got \"aep_id\"; allowed: api, aep-id, user-input; did you mean \"aep-id\"?"));
        Add("category misspelt", StreamingAws.With(("category", "marketingAutomaton")),
            ("category", "got \"marketingAutomaton\"; allowed: adobeSolutions, advertising, analytics, cdp, cloudStorage, crm, customerSuccess, database, dmp, ecommerce, email, emailMarketing, enrichment, livechat, marketingAutomation, mobile, personalization, protocols, social, streaming, subscriptions, surveys, tagManagers, voc, warehouses, payments; did you mean \"marketingAutomation\"?"));
        Add("documentationLink not https", StreamingAws.With(("documentationLink", "http://www.adobe.com/go/destinations-acme-en")),
            ("documentationLink", "got \"http://www.adobe.com/go/destinations-acme-en\"; expected an absolute https:// URL"));
        Add("destinationName too short", S3.With(("destinationName", "AB")),
            ("destinationName", "got \"AB\"; expected 3–64 printable characters without leading or trailing spaces"));
        Add("destinationName padded", S3.With(("destinationName", " Acme ")),
            ("destinationName", "got \" Acme \"; expected 3–64 printable characters without leading or trailing spaces"));
        Add("description too long", S3.With(("description", new string('d', 1001))),
            ("description", "is 1001 characters long; expected 1–1000 characters of text"));
        Add("backfill not a boolean", S3.With(("backfillHistoricalProfileData", "sometimes")),
            ("backfillHistoricalProfileData", "got \"sometimes\"; expected true or false"));

        // ---- file format ----
        Add("snappy with csv", S3.With(("fileFormat", """{"fileType": "csv", "compression": "snappy"}""")),
            ("fileFormat.compression", "got \"snappy\", which applies only inside parquet files; for csv use none or gzip"));
        Add("csv options on json", S3.With(("fileFormat", """{"fileType": "json", "csv": {"sep": ";"}}""")),
            ("fileFormat.csv", "applies only to fileType csv, and fileType is json"));
        Add("csv quote and escape not one character", S3.With(("fileFormat", """{"csv": {"quote": "''", "escape": "", "sep": "a\"b"}}""")),
            ("fileFormat.csv.quote", "got \"''\"; expected exactly one character (\\u0000 for no quoting)"),
            ("fileFormat.csv.escape", "got \"\"; expected exactly one character"));
        Add("csv separator with a line break", S3.With(("fileFormat", """{"csv": {"sep": "\n", "nullValue": 0, "delimiter": ";"}}""")),
            ("fileFormat.csv.delimiter", "is not a known field; allowed fields: sep, quote, escape, header, nullValue, emptyValue, quoteAll, dateFormat, timestampFormat"),
            ("fileFormat.csv.sep", "must not contain a line break"),
            ("fileFormat.csv.nullValue", "got 0 (a JSON number); expected a JSON string"));
        Add("csv separator contains the quote", S3.With(("fileFormat", """{"csv": {"sep": "|;", "quote": "|", "header": "yes"}}""")),
            ("fileFormat.csv.sep", "got \"|;\", which contains the quote character"),
            ("fileFormat.csv.header", "got \"yes\" (a JSON string); expected true or false"));
        Add("fileType misspelt and row count out of range", S3.With(("fileFormat", """{"fileType": "parquett", "maxFileRowCount": 999}""")),
            ("fileFormat.fileType", "got \"parquett\"; allowed: csv, json, parquet; did you mean \"parquet\"?"),
            ("fileFormat.maxFileRowCount", "got 999; expected a whole number from 1000 to 5000000"));

        // ---- batch export ----
        Add("defaults not among the allowed", S3.With(("batchExport", """
            {"allowedExportModes": ["FIRST_FULL_THEN_INCREMENTAL"], "allowedFrequencies": ["EVERY_6_HOURS"], "defaultFrequency": "DAILY",
             "filenameAppendOptions": ["SEGMENT_NAME", "TIMESTAMP"]}
            """)),
            ("batchExport.defaultExportMode", "is DAILY_FULL_EXPORT by default, but allowedExportModes (FIRST_FULL_THEN_INCREMENTAL) does not include DAILY_FULL_EXPORT; set defaultExportMode to one of them"),
            ("batchExport.defaultFrequency", "got \"DAILY\", which is not in allowedFrequencies (EVERY_6_HOURS)"),
            ("batchExport.defaultFilenameAppendOptions", "is [\"DATETIME\"] by default, but filenameAppendOptions (SEGMENT_NAME, TIMESTAMP) does not include DATETIME; set defaultFilenameAppendOptions to some of them, or []"));
        Add("export lists with unknown or no values", S3.With(("batchExport", """{"allowedExportModes": [], "allowedFrequencies": ["HOURLY"], "filenameAppendOptions": "DATETIME"}""")),
            ("batchExport.allowedExportModes", "is empty; list at least one of: DAILY_FULL_EXPORT, FIRST_FULL_THEN_INCREMENTAL"),
            ("batchExport.allowedFrequencies", "got \"HOURLY\"; allowed: ONCE, EVERY_3_HOURS, EVERY_6_HOURS, EVERY_8_HOURS, EVERY_12_HOURS, DAILY"),
            ("batchExport.filenameAppendOptions", "got \"DATETIME\" (a JSON string); expected a JSON list"));
        Add("file name with a bad macro", S3.With(("batchExport", """{"defaultFilename": "%DESTINATION%_%SEGMENT_IDD%"}""")),
            ("batchExport.defaultFilename", "uses macro %SEGMENT_IDD%, which is not allowed in the default file name; allowed: %DESTINATION%, %SEGMENT_ID%, %SEGMENT_NAME%, %DESTINATION_INSTANCE_ID%, %DESTINATION_INSTANCE_NAME%, %ORGANIZATION_NAME%, %SANDBOX_NAME%; did you mean \"SEGMENT_ID\"?"),
            ("batchExport.defaultFilename", "got \"%DESTINATION%_%SEGMENT_IDD%\"; it must contain %SEGMENT_ID% so each audience's file is distinct and the ingestion app can tell which audience a file holds"));
        Add("file name without %SEGMENT_ID%", S3.With(("batchExport", """{"defaultFilename": "%DESTINATION%_%SEGMENT_NAME%_%CUSTOM_TEXT%"}""")),
            ("batchExport.defaultFilename", "uses macro %CUSTOM_TEXT%, which is not allowed in the default file name; allowed: %DESTINATION%, %SEGMENT_ID%, %SEGMENT_NAME%, %DESTINATION_INSTANCE_ID%, %DESTINATION_INSTANCE_NAME%, %ORGANIZATION_NAME%, %SANDBOX_NAME%"),
            ("batchExport.defaultFilename", "got \"%DESTINATION%_%SEGMENT_NAME%_%CUSTOM_TEXT%\"; it must contain %SEGMENT_ID% so each audience's file is distinct and the ingestion app can tell which audience a file holds"));
        Add("DATETIME and TIMESTAMP together", S3.With(("batchExport", """{"defaultFilenameAppendOptions": ["DATETIME", "TIMESTAMP"]}""")),
            ("batchExport.defaultFilenameAppendOptions", "has both DATETIME and TIMESTAMP; AEP allows one of them"));
        Add("append defaults not allowed and start time malformed", S3.With(("batchExport", """
            {"filenameAppendOptions": ["SEGMENT_NAME", "DATETIME"], "defaultFilenameAppendOptions": ["TIMESTAMP"], "defaultStartTime": "24:00"}
            """)),
            ("batchExport.defaultStartTime", "got \"24:00\"; expected a UTC time of day as HH:mm, e.g. 06:30"),
            ("batchExport.defaultFilenameAppendOptions", "got \"TIMESTAMP\", which is not in filenameAppendOptions (SEGMENT_NAME, DATETIME)"));

        // ---- everything at once ----
        AddPlain("many errors at once are all reported together", Of(
            ("mode", "batch"), ("target", "azure-adls"), ("cloud", "aws"), ("region", "West Europe"), ("namePrefix", "Acme-Data"),
            ("tenants", """["acme", "acme", "Bad_Tenant", {"id": "globex", "servicePrincipalObjectId": "x"}]"""),
            ("destinationName", "AB"), ("auth", "oauth2"), ("retentionDays", "-1"), ("tags", """{"stack": "x"}"""),
            ("category", "cloudstorage"), ("customerDataFields", """[{"name": "tenantId"}]"""), ("audienceMapping", "api"),
            ("fileFormat", """{"fileType": "csv", "compression": "snappy"}"""), ("batchExport", """{"defaultFilename": "export"}"""),
            ("dlzSasUris", $$"""{"acme": "{{SasUri}}"}"""), ("destinaton", "typo")),
            ("cloud", "got \"aws\" but target azure-adls runs on azure; remove cloud or make them agree"),
            ("region", "got \"West Europe\"; expected an Azure location name such as westeurope or eastus2 (lowercase, no spaces)"),
            ("namePrefix", "got \"Acme-Data\"; expected 3–10 characters, lowercase letters and digits, starting with a letter (it must fit Azure storage account names, which allow nothing else)"),
            ("tenants[0]", "needs a service principal for azure-adls; write the tenant as {\"id\": \"...\", \"servicePrincipalObjectId\": \"<guid>\", \"servicePrincipalClientId\": \"<guid>\"}"),
            ("tenants[1]", "needs a service principal for azure-adls; write the tenant as {\"id\": \"...\", \"servicePrincipalObjectId\": \"<guid>\", \"servicePrincipalClientId\": \"<guid>\"}"),
            ("tenants[2]", "needs a service principal for azure-adls; write the tenant as {\"id\": \"...\", \"servicePrincipalObjectId\": \"<guid>\", \"servicePrincipalClientId\": \"<guid>\"}"),
            ("tenants[2]", "got \"Bad_Tenant\"; a tenant id is 3–32 characters: lowercase letters, digits and single hyphens, starting and ending with a letter or digit"),
            ("tenants[3].servicePrincipalObjectId", "got \"x\"; expected a GUID such as 00000000-0000-0000-0000-000000000000"),
            ("tenants[3].servicePrincipalClientId", "is required for azure-adls (a GUID, from `az ad sp show`)"),
            ("tenants", "lists tenant \"acme\" 2 times; tenant ids must be unique"),
            ("dlzSasUris", "is not used by target azure-adls (only dlz); remove it"),
            ("destinationName", "got \"AB\"; expected 3–64 printable characters without leading or trailing spaces"),
            ("category", "got \"cloudstorage\"; allowed: adobeSolutions, advertising, analytics, cdp, cloudStorage, crm, customerSuccess, database, dmp, ecommerce, email, emailMarketing, enrichment, livechat, marketingAutomation, mobile, personalization, protocols, social, streaming, subscriptions, surveys, tagManagers, voc, warehouses, payments; did you mean \"cloudStorage\"?"),
            ("customerDataFields[0].name", "\"tenantId\" is reserved: batch destinations add it themselves (the tenant's folder or container)"),
            ("audienceMapping", "got \"api\", but batch destinations deploy no audience API; use aep-id or user-input"),
            ("auth", "is not used by batch destinations (streaming only); remove it"),
            ("retentionDays", "got -1; expected a whole number from 1 to 3650"),
            ("tags.stack", "is reserved: the stack sets managed-by, destination-prefix, stack itself"),
            ("fileFormat.compression", "got \"snappy\", which applies only inside parquet files; for csv use none or gzip"),
            ("batchExport.defaultFilename", "got \"export\"; it must contain %SEGMENT_ID% so each audience's file is distinct and the ingestion app can tell which audience a file holds"),
            ("destinaton", "is not a known key (all keys: docs/configuration.md)"));
    }
}
