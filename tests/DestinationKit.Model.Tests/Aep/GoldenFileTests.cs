using System.Reflection;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using DestinationKit.Model.Aep;
using DestinationKit.Model.Spec;
using static DestinationKit.Model.Tests.Configs;

namespace DestinationKit.Model.Tests.Aep;

/// <summary>The Destination SDK JSON of every valid case (every target and auth mode) is pinned in
/// tests/DestinationKit.Model.Tests/Golden/&lt;case&gt;.json and compared byte for byte.
/// After an intended change, regenerate the files and review the diff before committing:
/// <c>UPDATE_GOLDEN=1 dotnet test tests/DestinationKit.Model.Tests</c>
/// (the files are read from the repository, located through the test assembly's RepositoryRoot metadata, so the
/// project copies nothing to its output).</summary>
public partial class GoldenFileTests
{
    /// <summary>What a deployment would report; fixed so the JSON is stable. Only Transfer Family's host is known
    /// only after deployment; Azure's SFTP host follows from the account name.</summary>
    public static DeploymentFacts FactsFor(DestinationSpec spec) => new()
    {
        EndpointUrl = new Uri("https://ingest.example.test/"),
        TokenUrl = new Uri("https://acme-aep.auth.eu-west-1.amazoncognito.com/oauth2/token"),
        SftpHost = spec is { Target: DestinationTarget.Sftp, Cloud: CloudProvider.Aws } ? "s-1234567890abcdef0.server.transfer.eu-west-1.amazonaws.com" : null,
    };

    private static string RepositoryRoot => typeof(GoldenFileTests).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!;

    private static string GoldenDirectory => Path.Combine(RepositoryRoot, "tests", "DestinationKit.Model.Tests", "Golden");

    private static bool Update => Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1";

    public static TheoryData<string> CaseNames => [.. ValidCases.Keys];

    public static AepConfiguration Build(string name)
    {
        var spec = ParseValid(name);
        return AepConfigurationBuilder.Build(spec, FactsFor(spec));
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void The_aep_json_matches_its_golden_file(string name)
    {
        var path = Path.Combine(GoldenDirectory, $"{name}.json");
        var actual = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(Build(name).ToJson());
        if (Update)
        {
            Directory.CreateDirectory(GoldenDirectory);
            File.WriteAllBytes(path, actual);
        }

        Assert.True(File.Exists(path), $"{path} is missing; run UPDATE_GOLDEN=1 dotnet test tests/DestinationKit.Model.Tests and review it");
        var expected = File.ReadAllBytes(path);
        if (!expected.AsSpan().SequenceEqual(actual))
        {
            Assert.Fail($"{path} differs from the generated JSON; if the change is intended, run UPDATE_GOLDEN=1 dotnet test "
                + $"tests/DestinationKit.Model.Tests and review the diff.{Environment.NewLine}{FirstDifference(expected, actual)}");
        }
    }

    [Fact]
    public void Every_golden_file_belongs_to_a_case()
    {
        var files = Directory.GetFiles(GoldenDirectory, "*.json").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal);
        Assert.Equal(ValidCases.Keys.Order(StringComparer.Ordinal), files);
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void The_output_is_deterministic(string name)
    {
        Assert.Equal(Build(name).ToJson(), Build(name).ToJson());
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Uses_only_adobes_field_names_enums_and_links(string name)
    {
        var spec = ParseValid(name);
        var aep = Build(name);
        var server = aep.DestinationServer;
        var config = aep.DestinationConfiguration;

        Assert.Equal(["destinationServer", .. aep.AudienceTemplate is null ? Array.Empty<string>() : ["audienceTemplate"], "destinationConfiguration"],
            JsonNode.Parse(aep.ToJson())!.AsObject().Select(p => p.Key));

        // Destination server (shared/AEP.md §1.1, §4.1).
        var serverType = (string)server["destinationServerType"]!;
        var (expectedType, serverKey) = spec.Target switch
        {
            DestinationTarget.AwsS3 => ("FILE_BASED_S3", "fileBasedS3Destination"),
            DestinationTarget.AzureBlob => ("FILE_BASED_AZURE_BLOB", "fileBasedAzureBlobDestination"),
            DestinationTarget.AzureAdls => ("FILE_BASED_ADLS_GEN2", "fileBasedAdlsGen2Destination"),
            DestinationTarget.Sftp => ("FILE_BASED_SFTP", "fileBasedSftpDestination"),
            DestinationTarget.GcpGcs => ("FILE_BASED_GOOGLE_CLOUD", "fileBasedGoogleCloudStorageDestination"),
            DestinationTarget.Dlz => ("FILE_BASED_DLZ", "fileBasedDlzDestination"),
            _ => ("URL_BASED", "urlBasedDestination"),
        };
        Assert.Equal(expectedType, serverType);
        Assert.Equal(spec.IsStreaming ? ["name", "destinationServerType", serverKey, "httpTemplate"] : ["name", "destinationServerType", serverKey, "fileConfigurations"],
            server.Select(p => p.Key));
        foreach (var templated in Descendants(server).OfType<JsonObject>().Where(o => o.ContainsKey("templatingStrategy")))
        {
            Assert.Equal(["templatingStrategy", "value"], templated.Select(p => p.Key));
            Assert.Contains((string)templated["templatingStrategy"]!, new[] { "NONE", "PEBBLE_V1" });
            var value = (string)templated["value"]!;
            // A literal carries no template syntax; a Pebble value does.
            Assert.Equal((string)templated["templatingStrategy"]! == "PEBBLE_V1", value.Contains("{{", StringComparison.Ordinal) || value.Contains("{%", StringComparison.Ordinal));
        }
        if (spec.IsStreaming)
        {
            var http = server["httpTemplate"]!.AsObject();
            Assert.Equal(("POST", "application/json"), ((string)http["httpMethod"]!, (string)http["contentType"]!));
            Assert.Equal("https://ingest.example.test/v1/profiles", (string)server["urlBasedDestination"]!["url"]!["value"]!);
            Assert.Equal(StreamingTemplate.For(spec), (string)http["requestBody"]!["value"]!);
        }
        else
        {
            var files = server["fileConfigurations"]!.AsObject();
            Assert.Contains((string)files["fileType"]!["value"]!, new[] { "csv", "json", "parquet" });
            Assert.Contains((string)files["compression"]!["value"]!, new[] { "none", "gzip", "snappy" });
            Assert.Equal(spec.FileFormat!.MaxFileRowCount, (int)files["maxFileRowCount"]!);
            Assert.Equal(spec.FileFormat.FileType == FileType.Csv, files.ContainsKey("csvOptions"));
        }

        // Every customerData field a template uses exists (shared/AEP.md §1.1).
        var customerFields = config["customerDataFields"]!.AsArray().Select(f => (string)f!["name"]!).ToArray();
        Assert.Equal(customerFields.Length, customerFields.Distinct().Count());
        foreach (var used in Descendants(server).OfType<JsonValue>().Select(v => v.ToString()).SelectMany(v => CustomerDataPattern().Matches(v).Select(m => m.Groups[1].Value)))
            Assert.Contains(used, customerFields);

        // Destination configuration (shared/AEP.md §5).
        Assert.Equal("TEST", (string)config["status"]!);
        var ui = config["uiAttributes"]!.AsObject();
        Assert.Contains((string)ui["connectionType"]!, new[] { "Server-to-server", "Cloud storage", "Azure Blob", "Azure Data Lake Storage", "S3", "SFTP", "DLZ" });
        Assert.Equal(spec.IsStreaming ? "Streaming" : "Batch", (string)ui["frequency"]!);
        var authentication = config["customerAuthenticationConfigurations"]?.AsArray();
        var delivery = Assert.Single(config["destinationDelivery"]!.AsArray())!.AsObject();
        Assert.Equal(Placeholders.DestinationServerId, (string)delivery["destinationServerId"]!);
        if (spec.Target == DestinationTarget.Dlz)
        {
            Assert.Null(authentication);
            Assert.Equal("NONE", (string)delivery["authenticationRule"]!);
        }
        else
        {
            var authType = (string)Assert.Single(authentication!)!["authType"]!;
            Assert.Contains(authType, new[] { "S3", "AZURE_CONNECTION_STRING", "AZURE_SERVICE_PRINCIPAL", "SFTP_WITH_SSH_KEY", "GOOGLE_CLOUD_STORAGE", "BEARER", "OAUTH2" });
            Assert.Equal("CUSTOMER_AUTHENTICATION", (string)delivery["authenticationRule"]!);
        }
        var schema = config["schemaConfig"]!.AsObject();
        Assert.True((bool)schema["segmentRequired"]!);
        var mapping = config["segmentMappingConfig"]!.AsObject();
        Assert.Equal(aep.AudienceTemplate is not null, mapping.ContainsKey("audienceTemplateId"));
        Assert.Equal(spec.IsStreaming && spec.Aep.AudienceMapping == AudienceMapping.Api, aep.AudienceTemplate is not null);
        Assert.True(new[] { "mapExperiencePlatformSegmentId", "mapUserInput" }.Count(k => (bool)mapping[k]!) + (aep.AudienceTemplate is null ? 0 : 1) == 1,
            "exactly one way of mapping audiences");
        Assert.Equal(spec.IsStreaming, config.ContainsKey("aggregation"));
        Assert.Equal(!spec.IsStreaming, config.ContainsKey("batchConfig"));
        if (config["aggregation"] is JsonObject aggregation)
        {
            var type = (string)aggregation["aggregationType"]!;
            Assert.Contains(type, new[] { "BEST_EFFORT", "CONFIGURABLE_AGGREGATION" });
            Assert.True(aggregation.ContainsKey(type == "BEST_EFFORT" ? "bestEffortAggregation" : "configurableAggregation"));
        }
        if (aep.AudienceTemplate is { } template)
        {
            var metadata = template["metadataTemplate"]!.AsObject();
            Assert.Equal(["name", "create", "update", "delete"], metadata.Select(p => p.Key));
            Assert.Equal(["POST", "PUT", "DELETE"], new[] { "create", "update", "delete" }.Select(e => (string)metadata[e]!["httpMethod"]!));
            Assert.All(new[] { "create", "update", "delete" }, e => Assert.StartsWith("https://ingest.example.test/v1/audiences", (string)metadata[e]!["url"]!, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Hosts_and_paths_come_from_the_generated_names()
    {
        var azureSftp = Build("sftp-azure").DestinationServer["fileBasedSftpDestination"]!;
        Assert.Matches(@"^aeplz[a-z2-7]{8}\.blob\.core\.windows\.net$", (string)azureSftp["hostName"]!["value"]!);
        Assert.Equal("/{{customerData.tenantId}}", (string)azureSftp["rootDirectory"]!["value"]!);
        Assert.Equal(22, (int)azureSftp["port"]!);
        Assert.Equal("None", (string)azureSftp["encryptionMode"]!);

        var awsSftp = Build("sftp-aws").DestinationServer["fileBasedSftpDestination"]!;
        Assert.Equal("s-1234567890abcdef0.server.transfer.eu-west-1.amazonaws.com", (string)awsSftp["hostName"]!["value"]!);
        Assert.Equal("/", (string)awsSftp["rootDirectory"]!["value"]!);

        var adls = ParseValid("azure-adls");
        Assert.Equal($"abfs://{{{{customerData.tenantId}}}}@{new Model.Naming.ResourceNames(adls).StorageAccount}.dfs.core.windows.net/",
            (string)Build("azure-adls").DestinationServer["fileBasedAdlsGen2Destination"]!["path"]!["value"]!);

        var s3 = ParseValid("aws-s3");
        Assert.Equal(new Model.Naming.ResourceNames(s3).LandingBucket, (string)Build("aws-s3").DestinationServer["fileBasedS3Destination"]!["bucket"]!["value"]!);

        // Adobe's DLZ server spec has useCase as a plain string, unlike its templated path.
        var dlz = Build("dlz").DestinationServer["fileBasedDlzDestination"]!;
        Assert.Equal("Acme Audiences", dlz["useCase"]!.GetValue<string>());
        Assert.Equal("{{customerData.tenantId}}/", (string)dlz["path"]!["value"]!);
    }

    [Fact]
    public void Facts_a_target_needs_are_required()
    {
        var endpoint = Assert.Throws<ArgumentException>(() => AepConfigurationBuilder.Build(ParseValid("streaming-gcp-api-key"), DeploymentFacts.None));
        Assert.StartsWith("a streaming destination needs the endpoint URL", endpoint.Message, StringComparison.Ordinal);

        var cognito = Assert.Throws<ArgumentException>(() => AepConfigurationBuilder.Build(ParseValid("streaming-aws-oauth2-cognito"),
            new DeploymentFacts { EndpointUrl = new Uri("https://ingest.example.test/") }));
        Assert.StartsWith("Cognito needs the user pool's token URL", cognito.Message, StringComparison.Ordinal);

        var sftp = Assert.Throws<ArgumentException>(() => AepConfigurationBuilder.Build(ParseValid("sftp-aws"), DeploymentFacts.None));
        Assert.StartsWith("an SFTP server on AWS needs its host name from the deployment", sftp.Message, StringComparison.Ordinal);

        // Batch targets other than SFTP on AWS need nothing from the deployment.
        foreach (var name in new[] { "aws-s3", "azure-blob", "azure-adls", "sftp-azure", "gcp-gcs", "dlz" })
            Assert.Equal(Build(name).ToJson(), AepConfigurationBuilder.Build(ParseValid(name), DeploymentFacts.None).ToJson());
    }

    [Fact]
    public void Endpoints_with_or_without_a_trailing_slash_give_the_same_urls()
    {
        var spec = ParseValid("streaming-aws-oauth2-app");
        var withSlash = AepConfigurationBuilder.Build(spec, new DeploymentFacts { EndpointUrl = new Uri("https://abc.execute-api.eu-west-1.amazonaws.com/prod/") }).ToJson();
        var without = AepConfigurationBuilder.Build(spec, new DeploymentFacts { EndpointUrl = new Uri("https://abc.execute-api.eu-west-1.amazonaws.com/prod") }).ToJson();

        Assert.Equal(withSlash, without);
        Assert.Contains("\"https://abc.execute-api.eu-west-1.amazonaws.com/prod/v1/profiles\"", withSlash, StringComparison.Ordinal);
        Assert.Contains("\"https://abc.execute-api.eu-west-1.amazonaws.com/prod/oauth2/token\"", withSlash, StringComparison.Ordinal);
        Assert.Contains("\"https://abc.execute-api.eu-west-1.amazonaws.com/prod/v1/audiences/{{segment.alias}}\"", withSlash, StringComparison.Ordinal);
    }

    private static IEnumerable<JsonNode> Descendants(JsonNode node)
    {
        yield return node;
        var children = node switch
        {
            JsonObject o => o.Select(p => p.Value),
            JsonArray a => a,
            _ => [],
        };
        foreach (var child in children.OfType<JsonNode>())
        {
            foreach (var descendant in Descendants(child)) yield return descendant;
        }
    }

    private static string FirstDifference(byte[] expected, byte[] actual)
    {
        var e = Encoding.UTF8.GetString(expected).Split('\n');
        var a = Encoding.UTF8.GetString(actual).Split('\n');
        for (var i = 0; i < Math.Max(e.Length, a.Length); i++)
        {
            var left = i < e.Length ? e[i] : "<end of file>";
            var right = i < a.Length ? a[i] : "<end of file>";
            if (left != right) return $"line {i + 1}:{Environment.NewLine}  file:      {left}{Environment.NewLine}  generated: {right}";
        }
        return "the files differ only in their encoding or line endings";
    }

    [GeneratedRegex(@"customerData\.([A-Za-z_][A-Za-z0-9_]*)")]
    private static partial Regex CustomerDataPattern();
}
