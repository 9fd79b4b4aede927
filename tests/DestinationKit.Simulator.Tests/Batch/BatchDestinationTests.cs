using System.Text.Json.Nodes;
using DestinationKit.Model.Spec;
using DestinationKit.Simulator.Batch;
using DestinationKit.Simulator.Configuration;
using DestinationKit.Simulator.Exports;
using DestinationKit.Simulator.Profiles;

namespace DestinationKit.Simulator.Tests.Batch;

/// <summary>What the batch simulation reads from a file-based destination's AEP configuration, and the plan a run makes of it.</summary>
public sealed class BatchDestinationTests
{
    private static readonly Dictionary<string, string> Acme = new() { ["tenantId"] = "acme" };

    private static BatchDestination Read(string target, params (string Key, string Value)[] changes) =>
        BatchDestination.From(AepConfigLoader.FromJsonText(Destinations.BatchJson(target, "acme", changes)), Acme);

    private static string Field(string target, string path)
    {
        var node = JsonNode.Parse(Destinations.BatchJson(target, "acme"))!["destinationServer"]!;
        foreach (var part in path.Split('.')) node = node[part]!;
        return node.GetValue<string>();
    }

    [Fact]
    public void Each_server_type_says_where_AEP_writes_the_tenants_files()
    {
        Assert.Equal($"s3://{Field("aws-s3", "fileBasedS3Destination.bucket.value")}/acme", Read("aws-s3").Location);
        Assert.Equal($"gs://{Field("gcp-gcs", "fileBasedGoogleCloudStorageDestination.bucket.value")}/acme", Read("gcp-gcs").Location);
        // Azure Blob: the account URI and the tenant's container; the connection string decides the account, as in AEP.
        Assert.Equal(Field("azure-blob", "fileBasedAzureBlobDestination.path.value").TrimEnd('/') + "/acme", Read("azure-blob").Location);
        var adls = new Uri(Field("azure-adls", "fileBasedAdlsGen2Destination.path.value").Replace("{{customerData.tenantId}}", "acme", StringComparison.Ordinal));
        Assert.Equal($"abfss://acme@{adls.Host}/", Read("azure-adls").Location);
        Assert.Equal($"sftp://{Field("sftp-azure", "fileBasedSftpDestination.hostName.value")}:22/acme", Read("sftp-azure").Location);
        Assert.Equal("sftp://s-0123456789abcdef0.server.transfer.eu-west-1.amazonaws.com:22/", Read("sftp-aws").Location);
        Assert.Equal("dlz:acme", Read("dlz").Location);
        Assert.Equal("FILE_BASED_ADLS_GEN2", Read("azure-adls").ServerType);
    }

    [Fact]
    public void A_path_templated_on_the_tenant_needs_the_tenant()
    {
        var aep = AepConfigLoader.FromJsonText(Destinations.BatchJson("aws-s3", "acme"));
        var e = Assert.Throws<InvalidDataException>(() => BatchDestination.From(aep, new Dictionary<string, string>()));
        Assert.Equal("destinationServer.fileBasedS3Destination.path is \"{{customerData.tenantId}}/\": it needs customerData.tenantId (give --tenant)", e.Message);
        // A location given instead needs no tenant.
        Assert.Equal("s3://elsewhere/x", BatchDestination.From(aep, new Dictionary<string, string>(), "s3://elsewhere/x").Location);
    }

    [Fact]
    public void A_streaming_destination_is_refused_with_the_command_to_use()
    {
        var e = Assert.Throws<InvalidDataException>(() => BatchDestination.From(Destinations.Streaming(new Uri("http://127.0.0.1:1/")), Acme));
        Assert.Contains("use `simulate streaming`", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Format_naming_and_columns_come_from_the_configuration()
    {
        var d = Read("sftp-azure",
            ("fileFormat", """
                {"fileType": "csv", "compression": "gzip", "maxFileRowCount": 1000,
                 "csv": {"sep": ";", "quote": "'", "escape": "'", "header": false, "nullValue": "NULL", "emptyValue": "\"\"", "quoteAll": true,
                         "dateFormat": "dd.MM.yyyy", "timestampFormat": "yyyy-MM-dd HH:mm:ss"}}
                """),
            ("batchExport", """
                {"allowedExportModes": ["FIRST_FULL_THEN_INCREMENTAL"], "defaultExportMode": "FIRST_FULL_THEN_INCREMENTAL",
                 "defaultFilename": "%DESTINATION%_%SEGMENT_ID%_%SANDBOX_NAME%", "filenameAppendOptions": ["SEGMENT_NAME", "TIMESTAMP"], "defaultFilenameAppendOptions": ["TIMESTAMP"]}
                """));
        Assert.Equal(new FileFormat(FileType.Csv, Compression.Gzip, new CsvOptions(";", "'", "'", false, "NULL", "\"\"", true, "dd.MM.yyyy", "yyyy-MM-dd HH:mm:ss"), 1000), d.Format);
        Assert.Equal(("%DESTINATION%_%SEGMENT_ID%_%SANDBOX_NAME%", BatchDestination.IncrementalExport), (d.DefaultFilename, d.DefaultExportMode));
        Assert.Equal(["TIMESTAMP"], d.DefaultAppendOptions);
        Assert.Equal(["email", "crm_id"], d.IdentityNamespaces);
        Assert.Equal(["firstName", "city"], d.ProfileFields);

        var parquet = Read("aws-s3", ("fileFormat", """{"fileType": "parquet"}"""));
        Assert.Equal((FileType.Parquet, Compression.Snappy, (CsvOptions?)null, 5_000_000), (parquet.Format.FileType, parquet.Format.Compression, parquet.Format.Csv, parquet.Format.MaxFileRowCount));
    }

    /// <summary>fileConfigurations as Adobe's examples template them on the customer's choices.</summary>
    [Theory]
    [InlineData("""{"fileType": "JSON", "compression": "GZIP"}""", FileType.Json, Compression.Gzip)]
    [InlineData("""{"fileType": "csv"}""", FileType.Csv, Compression.None)]
    [InlineData("""{"fileType": "parquet", "compression": ""}""", FileType.Parquet, Compression.None)]
    public void Templated_file_configurations_are_rendered_with_the_customers_data(string customerData, FileType type, Compression compression)
    {
        var document = JsonNode.Parse(Destinations.BatchJson("aws-s3", "acme"))!.AsObject();
        var files = document["destinationServer"]!["fileConfigurations"]!.AsObject();
        files["fileType"] = new JsonObject { ["templatingStrategy"] = "PEBBLE_V1", ["value"] = "{{customerData.fileType}}" };
        files["compression"] = new JsonObject
        {
            ["templatingStrategy"] = "PEBBLE_V1",
            ["value"] = "{% if customerData contains 'compression' and customerData.compression is not empty %}{{customerData.compression}}{% else %}NONE{% endif %}",
        };
        files.Remove("csvOptions");
        var data = JsonNode.Parse(customerData)!.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<string>());
        data["tenantId"] = "acme";

        var format = BatchDestination.From(AepDestination.FromJson(document), data).Format;

        Assert.Equal((type, compression), (format.FileType, format.Compression));
        Assert.Equal(type == FileType.Csv ? AepExportWriter.SparkDefaults : null, format.Csv);
    }

    [Fact]
    public void Compressions_AEP_offers_that_are_not_simulated_are_named()
    {
        var e = Assert.Throws<InvalidDataException>(() => BatchDestination.ParseCompression("bzip2", FileType.Csv, "destinationServer.fileConfigurations.compression"));
        Assert.Equal("destinationServer.fileConfigurations.compression: got \"bzip2\"; the simulator writes none or gzip (snappy inside parquet); AEP's bzip2, lz4 and deflate are not simulated", e.Message);
        Assert.Throws<InvalidDataException>(() => BatchDestination.ParseCompression("snappy", FileType.Json, "x"));
    }

    [Fact]
    public void A_run_overrides_the_destinations_settings_consistently()
    {
        var json = Read("aws-s3", ("fileFormat", """{"fileType": "json", "compression": "gzip"}"""));
        var asCsv = BatchSimulator.Plan(json, new BatchRunOptions { FileType = FileType.Csv, RunId = "r" });
        Assert.Equal(new FileFormat(FileType.Csv, Compression.Gzip, AepExportWriter.SparkDefaults, 5_000_000), asCsv.Format);
        Assert.Equal(Compression.Gzip, BatchSimulator.Plan(json, new BatchRunOptions { FileType = FileType.Parquet }).Format.Compression);
        var parquet = Read("aws-s3", ("fileFormat", """{"fileType": "parquet"}"""));
        Assert.Equal(Compression.None, BatchSimulator.Plan(parquet, new BatchRunOptions { FileType = FileType.Json }).Format.Compression);
        Assert.Equal(17, BatchSimulator.Plan(json, new BatchRunOptions { MaxFileRowCount = 17 }).Format.MaxFileRowCount);
        Assert.Equal(BatchDestination.FullExport, asCsv.ExportMode);
        Assert.Equal(["DATETIME"], asCsv.AppendOptions);
        Assert.Equal(["email", "crm_id"], asCsv.IdentityColumns);
        Assert.Equal(["email"], BatchSimulator.Plan(Read("aws-s3", ("identityNamespaces", "{}")), new BatchRunOptions()).IdentityColumns);
        var time = BatchSimulator.Plan(json, new BatchRunOptions { ExportTime = new DateTimeOffset(2024, 5, 9, 23, 5, 43, 999, TimeSpan.FromHours(2)) }).ExportTime;
        Assert.Equal(new DateTimeOffset(2024, 5, 9, 21, 5, 43, TimeSpan.Zero), time); // UTC, to the second, as file names carry it

        void Refused(BatchRunOptions options, string message) =>
            Assert.Equal(message, Assert.Throws<InvalidDataException>(() => BatchSimulator.Plan(json, options)).Message);
        Refused(new BatchRunOptions { Compression = Compression.Snappy }, "--compression snappy applies only inside parquet files; for json use none or gzip");
        Refused(new BatchRunOptions { AppendOptions = ["DATETIME", "TIMESTAMP"] }, "file name append options DATETIME and TIMESTAMP exclude each other (AEP allows one)");
        Refused(new BatchRunOptions { AppendOptions = ["WEEKDAY"] },
            "file name append option WEEKDAY is not AEP's; allowed: SEGMENT_NAME, DESTINATION_INSTANCE_ID, DESTINATION_INSTANCE_NAME, ORGANIZATION_NAME, SANDBOX_NAME, DATETIME, TIMESTAMP, CUSTOM_TEXT");
        Refused(new BatchRunOptions { MaxFileRowCount = 0 }, "--max-rows must be at least 1");
        Refused(new BatchRunOptions { Audiences = 0 }, "--audiences must be at least 1");
        Refused(new BatchRunOptions { Profiles = -1 }, "--profiles must be 0 or more");
    }

    [Fact]
    public void A_full_export_holds_the_qualified_profiles_and_an_incremental_one_also_those_that_exited()
    {
        var destination = Read("aws-s3");
        var options = new BatchRunOptions { Profiles = 300, Audiences = 2, Seed = 3, RunId = "rows", ExportTime = DateTimeOffset.UnixEpoch };
        var audiences = ProfileGenerator.Audiences(2, "rows");
        var generator = new ProfileGenerator(3, "rows");
        var profiles = Enumerable.Range(0, 300).Select(i => generator.Next(i, ["email", "crm_id"], audiences, ["firstName", "city"], DateTimeOffset.UnixEpoch)).ToList();
        string? Status(JsonObject p) => (string?)p["segmentMembership"]!["ups"]?[audiences[1].Id]?["status"];

        foreach (var mode in new[] { BatchDestination.FullExport, BatchDestination.IncrementalExport })
        {
            var plan = BatchSimulator.Plan(destination, options with { ExportMode = mode });
            var counts = new BatchSimulator.StatusCounts();
            var rows = BatchSimulator.Rows(plan, options, audiences, audiences[1], counts, null).ToList();

            var expected = profiles.Where(p => Status(p) is "realized" or "existing" || plan.Incremental && Status(p) == "exited").ToList();
            Assert.Equal(expected.Select(p => (string?)p["identityMap"]!["email"]![0]!["id"]), rows.Select(r => r.Identities["email"]));
            Assert.Equal(expected.Select(p => Status(p) == "exited" ? "exited" : "realized"), rows.Select(r => r.Status));
            Assert.Equal(expected.Select(p => (string?)p["attributes"]!["city"]!["value"]), rows.Select(r => (string?)r.Attributes["city"]));
            Assert.Equal(rows.Count(r => r.Status == "exited"), counts.Exited);
            Assert.Equal(rows.Count(r => r.Status == "realized"), counts.Realized);
            Assert.Equal(plan.Incremental, counts.Exited > 0);
        }
    }
}
