using DestinationKit.Model.Configuration;
using DestinationKit.Model.Spec;
using static DestinationKit.Model.Tests.Configs;

namespace DestinationKit.Model.Tests.Configuration;

/// <summary>Valid configurations of every target and auth mode, and what they parse into: the values given and
/// every documented default.</summary>
public class ValidConfigurationTests
{
    public static TheoryData<string> CaseNames => [.. ValidCases.Keys];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Parses_without_errors(string name)
    {
        var (spec, errors) = DestinationSpecParser.TryParse(ValidCases[name].ToStack([DlzSasKey]));

        Assert.Empty(errors);
        Assert.NotNull(spec);
        Assert.Equal(Project, spec.Project);
        Assert.Equal(Stack, spec.Stack);
        Assert.Equal("Acme Audiences", spec.Aep.DestinationName);
    }

    [Fact]
    public void Every_target_and_auth_mode_has_a_valid_case()
    {
        var specs = ValidCases.Keys.Select(ParseValid).ToArray();
        Assert.Equal(Enum.GetValues<DestinationTarget>().Order(), specs.Select(s => s.Target).Distinct().Order());
        Assert.Equal([CloudProvider.Aws, CloudProvider.Azure], specs.Where(s => s.Target == DestinationTarget.Sftp).Select(s => s.Cloud!.Value).Order());
        foreach (var target in new[] { DestinationTarget.Aws, DestinationTarget.Azure, DestinationTarget.Gcp })
        {
            Assert.Contains(specs, s => s.Target == target && s.Streaming!.Auth == StreamingAuth.ApiKey);
            Assert.Contains(specs, s => s.Target == target && s.Streaming!.Auth == StreamingAuth.OAuth2);
        }
        Assert.Equal(Enum.GetValues<TokenIssuer>().Order(), specs.Where(s => s.Streaming?.OAuth2 is not null).Select(s => s.Streaming!.OAuth2!.Issuer).Distinct().Order());
    }

    [Fact]
    public void A_minimal_batch_configuration_gets_every_default()
    {
        var spec = S3.Parse();

        Assert.Equal(DestinationMode.Batch, spec.Mode);
        Assert.False(spec.IsStreaming);
        Assert.Equal(DestinationTarget.AwsS3, spec.Target);
        Assert.Equal(CloudProvider.Aws, spec.Cloud);
        Assert.Equal("eu-west-1", spec.Region);
        Assert.Equal("aep", spec.NamePrefix);
        var tenant = Assert.Single(spec.Tenants);
        Assert.Equal(new Tenant("acme", null), tenant);
        Assert.Null(spec.Streaming);
        Assert.Equal(30, spec.RetentionDays);
        Assert.Equal(new EncryptionSettings(EncryptionKind.Platform, null, false), spec.Encryption);
        Assert.False(spec.AccountPerTenant);
        Assert.Equal(S3AccessMode.IamUser, spec.S3Access);
        Assert.Empty(spec.Tags);

        var aep = spec.Aep;
        Assert.Equal("Export AEP audiences as files into landing storage from which Acme Audiences ingests them.", aep.Description);
        Assert.Equal("cloudStorage", aep.Category);
        Assert.Null(aep.DocumentationLink);
        Assert.Empty(aep.IdentityNamespaces);
        Assert.Empty(aep.CustomerDataFields);
        Assert.Empty(aep.ProfileFields);
        Assert.Equal(AudienceMapping.AepId, aep.AudienceMapping);
        Assert.True(aep.BackfillHistoricalProfileData);

        var format = spec.FileFormat!;
        Assert.Equal(FileType.Csv, format.FileType);
        Assert.Equal(Compression.None, format.Compression);
        Assert.Equal(5_000_000, format.MaxFileRowCount);
        Assert.Equal(new CsvOptions(",", "\"", "\\", true, "", "", false, "yyyy-MM-dd", "yyyy-MM-dd'T'HH:mm:ss[.SSS][XXX]"), format.Csv);

        var export = spec.BatchExport!;
        Assert.Equal("DAILY_FULL_EXPORT", export.DefaultExportMode);
        Assert.Equal<string>(["DAILY_FULL_EXPORT", "FIRST_FULL_THEN_INCREMENTAL"], export.AllowedExportModes);
        Assert.Equal("DAILY", export.DefaultFrequency);
        Assert.Equal<string>(["ONCE", "EVERY_3_HOURS", "EVERY_6_HOURS", "EVERY_8_HOURS", "EVERY_12_HOURS", "DAILY"], export.AllowedFrequencies);
        Assert.Equal("00:00", export.DefaultStartTime);
        Assert.Equal("%DESTINATION%_%SEGMENT_ID%", export.DefaultFilename);
        Assert.Equal<string>(DestinationSpecParser.FilenameAppendOptions, export.FilenameAppendOptions);
        Assert.Equal<string>(["DATETIME"], export.DefaultFilenameAppendOptions);
    }

    [Fact]
    public void Azure_takes_the_api_management_publisher_and_the_app_service_plan_from_app()
    {
        var app = StreamingAzure.With(("app", """{"publisherEmail": "aep-ops@partner.example", "planSku": "P1v3"}""")).Parse().Streaming!.App;

        Assert.Equal("aep-ops@partner.example", app.PublisherEmail);
        Assert.Equal("P1v3", app.PlanSku);
    }

    [Theory]
    [InlineData("aws", CloudProvider.Aws, "s3", 4_980_736)]
    [InlineData("azure", CloudProvider.Azure, "blob", 16_777_216)]
    [InlineData("gcp", CloudProvider.Gcp, "gcs", 16_777_216)]
    public void A_minimal_streaming_configuration_gets_every_default(string target, CloudProvider cloud, string sink, int body)
    {
        var values = target switch { "aws" => StreamingAws, "azure" => StreamingAzure, _ => StreamingGcp };
        var spec = values.Parse();

        Assert.True(spec.IsStreaming);
        Assert.Equal(cloud, spec.Cloud);
        Assert.Null(spec.FileFormat);
        Assert.Null(spec.BatchExport);
        var streaming = spec.Streaming!;
        Assert.Equal(StreamingAuth.ApiKey, streaming.Auth);
        Assert.Null(streaming.OAuth2);
        var azureOnly = cloud == CloudProvider.Azure;
        Assert.Equal(new AppSettings(sink, body, 64, 1000, 2000)
        {
            PublisherEmail = azureOnly ? "apim-publisher@example.com" : null,
            PlanSku = azureOnly ? "B1" : null,
        }, streaming.App);
        Assert.Equal(new AggregationPolicy(AggregationType.BestEffort, 100, false, 0, 0, null), streaming.Aggregation);
        Assert.Equal(100, streaming.Aggregation.MaxProfilesPerRequest);

        Assert.Equal(AudienceMapping.Api, spec.Aep.AudienceMapping);
        Assert.Equal("streaming", spec.Aep.Category);
        Assert.Equal("Send AEP audience membership, identities and profile attributes to Acme Audiences in real time.", spec.Aep.Description);
        var ns = Assert.Single(spec.Aep.IdentityNamespaces);
        Assert.Equal(("email_lc_sha256", true, true), (ns.Name, ns.AcceptsAttributes, ns.AcceptsCustomNamespaces));
        Assert.Null(ns.Transformation);
        Assert.Empty(ns.AcceptedGlobalNamespaces);
    }

    [Fact]
    public void Aws_s3_with_its_options()
    {
        var spec = ParseValid("aws-s3");

        Assert.Equal<Tenant>([new Tenant("acme", null), new Tenant("globex", "Globex Corporation")], spec.Tenants);
        Assert.Equal("acmeaep", spec.NamePrefix);
        Assert.Equal(14, spec.RetentionDays);
        Assert.Equal(new EncryptionSettings(EncryptionKind.CustomerManaged, "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab", false), spec.Encryption);
        Assert.Equal([KeyValuePair.Create("cost-center", "cc:42"), KeyValuePair.Create("team", "data platform")], spec.Tags);
        Assert.Equal<ProfileField>([new ProfileField("email", "Email", "string", null, false), new ProfileField("loyalty.tier", "loyalty.tier", "string", null, true)],
            spec.Aep.ProfileFields);
    }

    [Fact]
    public void Aws_s3_with_a_role_adobe_assumes()
    {
        var spec = ParseValid("aws-s3-adobe-role");

        Assert.Equal(S3AccessMode.AdobeRole, spec.S3Access);
        Assert.Equal("us-east-1", spec.Region);
        Assert.False(spec.Aep.BackfillHistoricalProfileData);
    }

    [Fact]
    public void Gov_regions_are_accepted()
    {
        Assert.Equal("us-gov-west-1", S3.With(("region", "us-gov-west-1")).Parse().Region);
        Assert.Equal("cn-northwest-1", StreamingAws.With(("region", "cn-northwest-1")).Parse().Region);
    }

    [Fact]
    public void Isolated_aws_regions_accept_keys_of_their_partition()
    {
        var spec = S3.With(("region", "us-isob-east-1"), ("encryption", "customer-managed"),
            ("encryptionKeyId", "arn:aws-iso-b:kms:us-isob-east-1:123456789012:alias/landing")).Parse();

        Assert.Equal("arn:aws-iso-b:kms:us-isob-east-1:123456789012:alias/landing", spec.Encryption.KeyId);
    }

    [Fact]
    public void Azure_blob_with_a_shared_account()
    {
        var spec = ParseValid("azure-blob");

        Assert.Equal(CloudProvider.Azure, spec.Cloud);
        Assert.False(spec.AccountPerTenant);
        Assert.True(spec.Encryption.InfrastructureEncryption);
        Assert.Equal(new FileFormat(FileType.Json, Compression.Gzip, null, 1_000_000), spec.FileFormat);
    }

    [Fact]
    public void Azure_blob_with_an_account_per_tenant()
    {
        var spec = ParseValid("azure-blob-account-per-tenant");

        Assert.True(spec.AccountPerTenant);
        Assert.Equal(["acme", "globex-international-holdings"], spec.Tenants.Select(t => t.Id));
        Assert.Equal(new EncryptionSettings(EncryptionKind.Platform, null, false), spec.Encryption);
    }

    [Fact]
    public void Azure_adls_with_a_service_principal_per_tenant()
    {
        var spec = ParseValid("azure-adls");

        Assert.Equal(DestinationTarget.AzureAdls, spec.Target);
        Assert.Equal(new ServicePrincipal(Guid.Parse(SpObjectId), Guid.Parse(SpClientId)), spec.Tenants[0].ServicePrincipal);
        Assert.Equal(new ServicePrincipal(Guid.Parse(SpObjectId2), Guid.Parse(SpClientId2)), spec.Tenants[1].ServicePrincipal);
        Assert.Equal("Globex", spec.Tenants[1].DisplayName);
        // Parquet files are snappy-compressed unless told otherwise, and have no CSV options.
        Assert.Equal(new FileFormat(FileType.Parquet, Compression.Snappy, null, 5_000_000), spec.FileFormat);
    }

    [Fact]
    public void Sftp_on_aws_keeps_hyphens_so_similar_tenant_ids_do_not_collide()
    {
        var spec = ParseValid("sftp-aws");

        Assert.Equal((DestinationTarget.Sftp, CloudProvider.Aws), (spec.Target, spec.Cloud!.Value));
        Assert.Equal(["a-b1", "ab-1"], spec.Tenants.Select(t => t.Id));
        Assert.Equal(AudienceMapping.UserInput, spec.Aep.AudienceMapping);
    }

    [Fact]
    public void Sftp_on_azure_with_csv_options()
    {
        var spec = ParseValid("sftp-azure");

        Assert.Equal((DestinationTarget.Sftp, CloudProvider.Azure), (spec.Target, spec.Cloud!.Value));
        Assert.Equal(new FileFormat(FileType.Csv, Compression.Gzip,
            new CsvOptions(";", "'", "'", false, "NULL", "\"\"", true, "dd.MM.yyyy", "yyyy-MM-dd HH:mm:ss"), 5_000_000), spec.FileFormat);
    }

    [Fact]
    public void Gcp_gcs_with_labels_key_and_export_schedule()
    {
        var spec = ParseValid("gcp-gcs");

        Assert.Equal(CloudProvider.Gcp, spec.Cloud);
        Assert.Equal([KeyValuePair.Create("env", ""), KeyValuePair.Create("team", "data")], spec.Tags);
        Assert.Equal("projects/acme-data/locations/europe-west1/keyRings/landing/cryptoKeys/files", spec.Encryption.KeyId);
        var export = spec.BatchExport!;
        Assert.Equal(("FIRST_FULL_THEN_INCREMENTAL", "EVERY_6_HOURS", "06:30"), (export.DefaultExportMode, export.DefaultFrequency, export.DefaultStartTime));
        Assert.Equal<string>(["FIRST_FULL_THEN_INCREMENTAL"], export.AllowedExportModes);
        // Allowed lists keep Adobe's order, whatever order they were written in.
        Assert.Equal<string>(["EVERY_6_HOURS", "DAILY"], export.AllowedFrequencies);
        Assert.Equal<string>(["SEGMENT_NAME", "TIMESTAMP", "CUSTOM_TEXT"], export.FilenameAppendOptions);
        Assert.Equal<string>(["TIMESTAMP"], export.DefaultFilenameAppendOptions);
        Assert.Equal("%DESTINATION%_%SEGMENT_ID%_%SANDBOX_NAME%", export.DefaultFilename);
        Assert.Equal(new CustomerDataField("exportLabel", "Export label", "string", "Free text.", false, "^[A-Za-z ]{1,40}$", [], "AEP"),
            Assert.Single(spec.Aep.CustomerDataFields) with { Enum = [] });
    }

    [Fact]
    public void Dlz_keeps_each_tenants_sas_uri_secret()
    {
        var spec = ParseValid("dlz");

        Assert.Equal(DestinationTarget.Dlz, spec.Target);
        Assert.Null(spec.Cloud);
        Assert.Null(spec.Region);
        Assert.Equal(7, spec.RetentionDays);
        Assert.Equal(SasUri, spec.Tenants[0].DlzSasUri!.Reveal());
        Assert.Equal(SasUriGlobex, spec.Tenants[1].DlzSasUri!.Reveal());
        // Records print their members; the SAS URI must not be among what they print.
        Assert.DoesNotContain("sig=", spec.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("sig=", spec.Tenants[0].ToString(), StringComparison.Ordinal);
        Assert.Contains("[secret]", spec.Tenants[0].ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Dlz_tenants_without_a_sas_uri_are_allowed()
    {
        var spec = Dlz.Parse([DlzSasKey]);

        Assert.NotNull(spec.Tenants[0].DlzSasUri);
        Assert.Null(spec.Tenants[1].DlzSasUri);
    }

    [Fact]
    public void Streaming_on_aws_with_api_keys_and_aep_metadata()
    {
        var spec = ParseValid("streaming-aws-api-key");

        Assert.Equal(StreamingAuth.ApiKey, spec.Streaming!.Auth);
        Assert.Equal("marketingAutomation", spec.Aep.Category);
        Assert.Equal("https://www.adobe.com/go/destinations-acme-en", spec.Aep.DocumentationLink);
        Assert.Equal("Send AEP audience membership and hashed identities to Acme in real time.", spec.Aep.Description);
        var namespaces = spec.Aep.IdentityNamespaces;
        Assert.Equal(["email_lc_sha256", "crm_id"], namespaces.Select(n => n.Name));
        Assert.Equal("sha256(lower($))", namespaces[0].Transformation);
        Assert.Equal([KeyValuePair.Create("Email", (string?)"sha256(lower($))")], namespaces[0].AcceptedGlobalNamespaces);
        Assert.Equal((false, false), (namespaces[1].AcceptsAttributes, namespaces[1].AcceptsCustomNamespaces));
        Assert.Equal([KeyValuePair.Create("CRMID", (string?)null)], namespaces[1].AcceptedGlobalNamespaces);
        var field = Assert.Single(spec.Aep.CustomerDataFields);
        Assert.Equal(("region", "Region", "string", true, "eu"), (field.Name, field.Title, field.Type, field.IsRequired, field.Default));
        Assert.Equal<string>(["us", "eu"], field.Enum);
        Assert.Equal(["firstName", "loyaltyPoints"], spec.Aep.ProfileFields.Select(f => f.Name));
        Assert.Equal("integer", spec.Aep.ProfileFields[1].Type);
    }

    [Fact]
    public void Streaming_on_azure_with_configurable_aggregation()
    {
        var spec = ParseValid("streaming-azure-api-key");

        var streaming = spec.Streaming!;
        Assert.Equal(new AppSettings("blob", 33_554_432, 128, 5000, 5000) { PublisherEmail = "apim-publisher@example.com", PlanSku = "B1" }, streaming.App);
        var aggregation = streaming.Aggregation;
        Assert.Equal((AggregationType.Configurable, true, 3600, 10_000, 10_000),
            (aggregation.Type, aggregation.SplitUserById, aggregation.MaxBatchAgeInSecs, aggregation.MaxNumEventsInBatch, aggregation.MaxProfilesPerRequest));
        var key = aggregation.Key!;
        Assert.Equal((true, true, false, false), (key.IncludeSegmentId, key.IncludeSegmentStatus, key.IncludeIdentity, key.OneIdentityPerGroup));
        Assert.Equal([["IDFA", "GAID"], ["email_lc_sha256", "phone_sha256"]], key.Groups.Select(g => g.ToArray()));
        Assert.Equal(AudienceMapping.AepId, spec.Aep.AudienceMapping);
    }

    [Fact]
    public void Streaming_on_gcp_one_profile_a_request()
    {
        var spec = ParseValid("streaming-gcp-api-key");

        Assert.Equal(new AggregationPolicy(AggregationType.BestEffort, 1, false, 0, 0, null), spec.Streaming!.Aggregation);
        Assert.Equal(AudienceMapping.UserInput, spec.Aep.AudienceMapping);
        Assert.Equal("gcs", spec.Streaming.App.Sink);
    }

    [Fact]
    public void Streaming_with_tokens_from_the_app()
    {
        var oauth = ParseValid("streaming-aws-oauth2-app").Streaming!.OAuth2!;

        Assert.Equal((TokenIssuer.App, 172_800, ClientAuthentication.Basic), (oauth.Issuer, oauth.TokenLifetimeSeconds, oauth.ClientAuthentication));
        Assert.Equal<string>(["profiles.write", "audiences.write"], oauth.Scopes);
        Assert.Null(oauth.External);

        var defaults = ParseValid("streaming-gcp-oauth2-app").Streaming!;
        Assert.Equal((TokenIssuer.App, 86_400, ClientAuthentication.Body), (defaults.OAuth2!.Issuer, defaults.OAuth2.TokenLifetimeSeconds, defaults.OAuth2.ClientAuthentication));
        Assert.Empty(defaults.OAuth2.Scopes);
        Assert.Equal(33_554_432, defaults.App.MaxRequestBodyBytes);
    }

    [Fact]
    public void Credential_rotation_sets_the_generations_of_the_tenants_listed_and_leaves_the_others_at_one()
    {
        var spec = StreamingAws.With(("tenants", """["acme", "globex", "initech"]"""),
            ("credentialRotation", """{"acme": {"current": 2, "previous": 1}, "globex": {"current": 7}}""")).Parse();

        Assert.Equal([new CredentialGenerations(2, 1), new CredentialGenerations(7, null), CredentialGenerations.First],
            spec.Tenants.Select(t => t.Credentials));

        var oauth = StreamingGcp.With(("auth", "oauth2"), ("credentialRotation", """{"acme": {"current": 1, "previous": 2}}""")).Parse();
        Assert.Equal(new CredentialGenerations(1, 2), oauth.Tenants.Single().Credentials);
    }

    [Fact]
    public void Streaming_with_an_external_issuer()
    {
        var oauth = ParseValid("streaming-azure-oauth2-external").Streaming!.OAuth2!;

        Assert.Equal(TokenIssuer.External, oauth.Issuer);
        Assert.Equal(new ExternalIssuer(new Uri("https://login.example.test/tenant/v2.0"), new Uri("https://login.example.test/tenant/discovery/keys"),
            new Uri("https://login.example.test/tenant/oauth2/v2.0/token"), "api://acme-ingestion", "azp"), oauth.External);
    }

    [Fact]
    public void Streaming_with_cognito()
    {
        var streaming = ParseValid("streaming-aws-oauth2-cognito").Streaming!;

        Assert.Equal(TokenIssuer.Cognito, streaming.OAuth2!.Issuer);
        Assert.Equal<string>(["aep/profiles.write"], streaming.OAuth2.Scopes);
        Assert.Equal(new AggregationPolicy(AggregationType.Configurable, 0, false, 1800, 5000, null), streaming.Aggregation);
    }

    [Fact]
    public void The_external_tenant_claim_defaults_to_tenant()
    {
        var spec = StreamingAzure.With(("auth", "oauth2"), ("oauth2", """
            {"issuer": "external", "issuerUrl": "https://id.example.test/", "jwksUri": "https://id.example.test/jwks", "tokenUrl": "https://id.example.test/token", "audience": "aep"}
            """)).Parse();

        Assert.Equal("tenant", spec.Streaming!.OAuth2!.External!.TenantClaim);
    }

    [Fact]
    public void The_largest_batch_that_fits_aws_is_accepted()
    {
        // 2 namespaces and 2 attributes: 672 bytes a profile; 7400 of them are 4972800 bytes, under the 4980736 that fit
        // Lambda's invocation payload once API Gateway has wrapped the body in its event.
        var spec = StreamingAws.With(
            ("identityNamespaces", """{"email_lc_sha256": {}, "phone_sha256": {}}"""),
            ("profileFields", """[{"name": "firstName", "title": "First name"}, {"name": "city", "title": "City"}]"""),
            ("aggregation", """{"type": "configurable", "maxNumEventsInBatch": 7400}""")).Parse();

        Assert.Equal(672, DestinationSpecParser.EstimatedProfileBytes(spec.Aep));
        Assert.Equal(DestinationSpecParser.AwsMaxRequestBodyBytes, spec.Streaming!.App.MaxRequestBodyBytes);
        Assert.Equal(7400, spec.Streaming.Aggregation.MaxProfilesPerRequest);
    }

    [Fact]
    public void Keys_of_other_namespaces_are_ignored_and_boundaries_are_inclusive()
    {
        var values = S3.With(("namePrefix", "abc"), ("retentionDays", "3650"), ("tenants", System.Text.Json.JsonSerializer.Serialize(
            Enumerable.Range(1, 100).Select(i => $"t{i:000}").Append(new string('z', 32)).Skip(1))));
        var stack = values.ToStack();
        var withOthers = stack with
        {
            Values = new Dictionary<string, string>(stack.Values) { ["aws:region"] = "us-east-1", ["destinationkit:anything"] = "x" },
        };

        var spec = DestinationSpecParser.Parse(withOthers);

        Assert.Equal(("abc", 3650, 100), (spec.NamePrefix, spec.RetentionDays, spec.Tenants.Length));
        Assert.Equal(new string('z', 32), spec.Tenants[^1].Id);
    }
}
