using DestinationKit.Model.Configuration;
using DestinationKit.Model.Spec;

namespace DestinationKit.Model.Tests;

/// <summary>Stack configurations for tests, written with short key names (<c>mode</c> for
/// <c>destination:mode</c>) as a Pulumi.&lt;stack&gt;.yaml would hold them.</summary>
internal static class Configs
{
    public const string Project = "destinationkit";
    public const string Stack = "dev";

    /// <summary>A well-formed SAS URI; it stands for a credential, so no message may ever repeat it.</summary>
    public const string SasUri = "https://dlzacct.blob.core.windows.net/dlz-destination?sv=2023-01-03&se=2030-01-01T00%3A00%3A00Z&sp=racwdlm&sig=c2VjcmV0LXNpZ25hdHVyZQ%3D%3D";

    public const string SasUriGlobex = "https://dlzglobex.blob.core.windows.net/dlz-destination?sv=2023-01-03&se=2031-06-30T00%3A00%3A00Z&sp=rl&sig=Z2xvYmV4LXNpZ25hdHVyZQ%3D%3D";

    public const string SpObjectId = "11111111-2222-3333-4444-555555555555";
    public const string SpClientId = "66666666-7777-8888-9999-aaaaaaaaaaaa";
    public const string SpObjectId2 = "0a0a0a0a-1b1b-2c2c-3d3d-4e4e4e4e4e4e";
    public const string SpClientId2 = "5f5f5f5f-6a6a-7b7b-8c8c-9d9d9d9d9d9d";

    public static readonly string DlzSasKey = ConfigKeys.DlzSasUris.FullName;

    public static Dictionary<string, string> Of(params (string Key, string Value)[] values) =>
        values.ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal);

    /// <summary>A copy with keys set (or, with a null value, removed).</summary>
    public static Dictionary<string, string> With(this Dictionary<string, string> values, params (string Key, string? Value)[] changes)
    {
        var copy = new Dictionary<string, string>(values, StringComparer.Ordinal);
        foreach (var (key, value) in changes)
        {
            if (value is null) copy.Remove(key);
            else copy[key] = value;
        }
        return copy;
    }

    public static StackConfiguration ToStack(this Dictionary<string, string> values, IEnumerable<string>? secretKeys = null, string stack = Stack, string project = Project) =>
        StackConfiguration.From(project, stack,
            values.ToDictionary(v => $"{StackConfiguration.Namespace}:{v.Key}", v => v.Value, StringComparer.Ordinal),
            secretKeys);

    public static DestinationSpec Parse(this Dictionary<string, string> values, IEnumerable<string>? secretKeys = null, string stack = Stack, string project = Project) =>
        DestinationSpecParser.Parse(values.ToStack(secretKeys, stack, project));

    // The smallest valid configuration of each target; tests change one thing at a time.

    public static Dictionary<string, string> S3 => Of(
        ("mode", "batch"), ("target", "aws-s3"), ("region", "eu-west-1"), ("tenants", """["acme"]"""), ("destinationName", "Acme Audiences"));

    public static Dictionary<string, string> Blob => Of(
        ("mode", "batch"), ("target", "azure-blob"), ("region", "westeurope"), ("tenants", """["acme"]"""), ("destinationName", "Acme Audiences"));

    public static Dictionary<string, string> Adls => Of(
        ("mode", "batch"), ("target", "azure-adls"), ("region", "westeurope"),
        ("tenants", $$"""[{"id": "acme", "servicePrincipalObjectId": "{{SpObjectId}}", "servicePrincipalClientId": "{{SpClientId}}"}]"""),
        ("destinationName", "Acme Audiences"));

    public static Dictionary<string, string> SftpAws => Of(
        ("mode", "batch"), ("target", "sftp"), ("cloud", "aws"), ("region", "eu-west-1"), ("tenants", """["acme"]"""), ("destinationName", "Acme Audiences"));

    public static Dictionary<string, string> SftpAzure => Of(
        ("mode", "batch"), ("target", "sftp"), ("cloud", "azure"), ("region", "westeurope"), ("tenants", """["acme"]"""), ("destinationName", "Acme Audiences"));

    public static Dictionary<string, string> Gcs => Of(
        ("mode", "batch"), ("target", "gcp-gcs"), ("region", "europe-west1"), ("tenants", """["acme"]"""), ("destinationName", "Acme Audiences"));

    /// <summary>With <c>dlzSasUris</c>; pass <see cref="DlzSasKey"/> as a secret key.</summary>
    public static Dictionary<string, string> Dlz => Of(
        ("mode", "batch"), ("target", "dlz"), ("tenants", """["acme", "globex"]"""), ("destinationName", "Acme Audiences"),
        ("dlzSasUris", $$"""{"acme": "{{SasUri}}"}"""));

    public static Dictionary<string, string> StreamingAws => Of(
        ("mode", "streaming"), ("target", "aws"), ("region", "eu-west-1"), ("tenants", """["acme"]"""), ("destinationName", "Acme Audiences"),
        ("identityNamespaces", """{"email_lc_sha256": {}}"""));

    public static Dictionary<string, string> StreamingAzure => StreamingAws.With(("target", "azure"), ("region", "westeurope"));

    public static Dictionary<string, string> StreamingGcp => StreamingAws.With(("target", "gcp"), ("region", "europe-west1"));

    /// <summary>One valid configuration of every target and auth mode, each exercising different options. The
    /// valid-configuration tests assert what they parse into; the golden-file tests pin their AEP JSON.</summary>
    public static IReadOnlyDictionary<string, Dictionary<string, string>> ValidCases { get; } = new Dictionary<string, Dictionary<string, string>>
    {
        ["aws-s3"] = S3.With(
            ("tenants", """["acme", {"id": "globex", "name": "Globex Corporation"}]"""),
            ("namePrefix", "acmeaep"), ("retentionDays", "14"),
            ("encryption", "customer-managed"), ("encryptionKeyId", "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"),
            ("tags", """{"team": "data platform", "cost-center": "cc:42"}"""),
            ("profileFields", """[{"name": "email", "title": "Email"}, {"name": "loyalty.tier", "type": "string", "isRequired": true}]""")),
        ["aws-s3-adobe-role"] = S3.With(("s3Access", "adobe-role"), ("region", "us-east-1"), ("backfillHistoricalProfileData", "false")),
        ["azure-blob"] = Blob.With(
            ("tenants", """["acme", "globex"]"""), ("infrastructureEncryption", "true"),
            ("fileFormat", """{"fileType": "json", "compression": "gzip", "maxFileRowCount": 1000000}""")),
        ["azure-blob-account-per-tenant"] = Blob.With(
            ("tenants", """["acme", "globex-international-holdings"]"""), ("accountPerTenant", "true")),
        ["azure-adls"] = Adls.With(
            ("tenants", $$"""
                [{"id": "acme", "servicePrincipalObjectId": "{{SpObjectId}}", "servicePrincipalClientId": "{{SpClientId}}"},
                 {"id": "globex", "name": "Globex", "servicePrincipalObjectId": "{{SpObjectId2}}", "servicePrincipalClientId": "{{SpClientId2}}"}]
                """),
            ("fileFormat", """{"fileType": "parquet"}""")),
        ["sftp-aws"] = SftpAws.With(("tenants", """["a-b1", "ab-1"]"""), ("audienceMapping", "user-input")),
        ["sftp-azure"] = SftpAzure.With(
            ("tenants", """["acme", "globex"]"""),
            ("fileFormat", """
                {"fileType": "csv", "compression": "gzip",
                 "csv": {"sep": ";", "quote": "'", "escape": "'", "header": false, "nullValue": "NULL", "emptyValue": "\"\"", "quoteAll": true,
                         "dateFormat": "dd.MM.yyyy", "timestampFormat": "yyyy-MM-dd HH:mm:ss"}}
                """)),
        ["gcp-gcs"] = Gcs.With(
            ("tenants", """["acme"]"""), ("tags", """{"team": "data", "env": ""}"""),
            ("encryption", "customer-managed"), ("encryptionKeyId", "projects/acme-data/locations/europe-west1/keyRings/landing/cryptoKeys/files"),
            ("batchExport", """
                {"allowedExportModes": ["FIRST_FULL_THEN_INCREMENTAL"], "defaultExportMode": "FIRST_FULL_THEN_INCREMENTAL",
                 "allowedFrequencies": ["EVERY_6_HOURS", "DAILY"], "defaultFrequency": "EVERY_6_HOURS", "defaultStartTime": "06:30",
                 "defaultFilename": "%DESTINATION%_%SEGMENT_ID%_%SANDBOX_NAME%",
                 "filenameAppendOptions": ["SEGMENT_NAME", "TIMESTAMP", "CUSTOM_TEXT"], "defaultFilenameAppendOptions": ["TIMESTAMP"]}
                """),
            ("customerDataFields", """[{"name": "exportLabel", "title": "Export label", "description": "Free text.", "pattern": "^[A-Za-z ]{1,40}$", "default": "AEP"}]""")),
        ["dlz"] = Dlz.With(("dlzSasUris", $$"""{"acme": "{{SasUri}}", "globex": "{{SasUriGlobex}}"}""")),
        ["streaming-aws-api-key"] = StreamingAws.With(
            ("tenants", """["acme", "globex"]"""),
            ("identityNamespaces", """
                {"email_lc_sha256": {"transformation": "sha256(lower($))", "acceptedGlobalNamespaces": {"Email": {"requiredTransformation": "sha256(lower($))"}}},
                 "crm_id": {"acceptsAttributes": false, "acceptsCustomNamespaces": false, "acceptedGlobalNamespaces": {"CRMID": {}}}}
                """),
            ("profileFields", """[{"name": "firstName", "title": "First name"}, {"name": "loyaltyPoints", "type": "integer", "description": "Points balance."}]"""),
            ("customerDataFields", """[{"name": "region", "title": "Region", "isRequired": true, "enum": ["us", "eu"], "default": "eu"}]"""),
            ("documentationLink", "https://www.adobe.com/go/destinations-acme-en"), ("category", "marketingAutomation"),
            ("description", "Send AEP audience membership and hashed identities to Acme in real time.")),
        ["streaming-azure-api-key"] = StreamingAzure.With(
            ("identityNamespaces", """{"email_lc_sha256": {}, "phone_sha256": {}, "IDFA": {}, "GAID": {}}"""),
            ("audienceMapping", "aep-id"),
            ("app", """{"maxRequestBodyBytes": 33554432, "maxConcurrentRequests": 128, "rateLimitPerSecond": 5000}"""),
            ("aggregation", """
                {"type": "configurable", "splitUserById": true, "maxBatchAgeInSecs": 3600, "maxNumEventsInBatch": 10000,
                 "aggregationKey": {"includeSegmentId": true, "includeSegmentStatus": true, "groups": [["IDFA", "GAID"], ["email_lc_sha256", "phone_sha256"]]}}
                """)),
        ["streaming-gcp-api-key"] = StreamingGcp.With(
            ("aggregation", """{"type": "best-effort", "maxUsersPerRequest": 1}"""), ("audienceMapping", "user-input"),
            ("tags", """{"team": "data"}""")),
        ["streaming-aws-oauth2-app"] = StreamingAws.With(
            ("auth", "oauth2"),
            ("oauth2", """{"issuer": "app", "tokenLifetimeSeconds": 172800, "clientAuthentication": "basic", "scopes": ["profiles.write", "audiences.write"]}""")),
        ["streaming-azure-oauth2-external"] = StreamingAzure.With(
            ("auth", "oauth2"),
            ("oauth2", """
                {"issuer": "external", "issuerUrl": "https://login.example.test/tenant/v2.0", "jwksUri": "https://login.example.test/tenant/discovery/keys",
                 "tokenUrl": "https://login.example.test/tenant/oauth2/v2.0/token", "audience": "api://acme-ingestion", "tenantClaim": "azp"}
                """)),
        ["streaming-azure-oauth2-app"] = StreamingAzure.With(
            ("tenants", """["acme", {"id": "globex", "name": "Globex Corporation"}, "initech"]"""),
            ("auth", "oauth2"), ("oauth2", """{"issuer": "app", "clientAuthentication": "basic"}"""),
            ("app", """{"rateLimitPerSecond": 200, "burstLimit": 1000}""")),
        ["streaming-aws-oauth2-cognito"] = StreamingAws.With(
            ("auth", "oauth2"), ("oauth2", """{"issuer": "cognito", "scopes": ["aep/profiles.write"]}"""),
            ("aggregation", """{"type": "configurable"}""")),
        ["streaming-gcp-oauth2-app"] = StreamingGcp.With(("auth", "oauth2"), ("app", """{"sink": "gcs", "maxRequestBodyBytes": 33554432}""")),
    };

    public static DestinationSpec ParseValid(string name) => ValidCases[name].Parse([DlzSasKey]);
}
