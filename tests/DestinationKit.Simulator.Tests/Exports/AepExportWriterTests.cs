using System.IO.Compression;
using System.Text;
using System.Text.Json;
using DestinationKit.Model.Spec;
using DestinationKit.Simulator.Exports;
using Parquet;

namespace DestinationKit.Simulator.Tests.Exports;

public sealed class AepExportWriterTests : IDisposable
{
    private static readonly DateTimeOffset Time = new(2024, 5, 9, 21, 5, 43, 123, TimeSpan.Zero);
    private const string Segment = "6fa55d3a-18e1-4f65-95ed-ac8fdb03b45b";

    private readonly string _dir = Directory.CreateTempSubdirectory("dk-exports-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly ExportLayout Layout = new(["email", "crm_id"],
        [new ExportColumn("firstName"), new ExportColumn("age", ExportColumnType.Long), new ExportColumn("vip", ExportColumnType.Boolean),
         new ExportColumn("birthDate", ExportColumnType.Date), new ExportColumn("lastSeen", ExportColumnType.Timestamp)]);

    private static ExportProfile Profile(string email, string? crm, string status, string? firstName, long? age = 36) =>
        new(new Dictionary<string, string?> { ["email"] = email, ["crm_id"] = crm }, status,
            new Dictionary<string, object?>
            {
                ["firstName"] = firstName, ["age"] = age, ["vip"] = true, ["birthDate"] = new DateOnly(1815, 12, 10), ["lastSeen"] = Time,
            });

    [Fact]
    public void File_names_follow_AEPs_macros_append_order_and_split_suffixes()
    {
        var context = new ExportNameContext("Acme", Segment, Time)
        {
            SegmentName = "Loyal/VIP", DestinationInstanceId = "inst-1", SandboxName = "prod", CustomText = "v2", OrganizationName = "Org",
        };
        Assert.Equal($"Acme_{Segment}_20240509_210543", ExportFileNames.BaseName("%DESTINATION%_%SEGMENT_ID%", ["DATETIME"], context));
        // The UI orders the options as AEP lists them, whatever order they were chosen in.
        Assert.Equal($"Acme_{Segment}_Loyal_VIP_inst-1_prod_1715288743_v2",
            ExportFileNames.BaseName("%DESTINATION%_%SEGMENT_ID%", ["CUSTOM_TEXT", "TIMESTAMP", "SANDBOX_NAME", "DESTINATION_INSTANCE_ID", "SEGMENT_NAME"], context));
        Assert.Equal($"Org-{Segment}", ExportFileNames.BaseName("%ORGANIZATION_NAME%-%SEGMENT_ID%", [], context));
        Assert.Equal("n.csv", ExportFileNames.PartName("n", 1, ".csv"));
        Assert.Equal("n_2.csv.gz", ExportFileNames.PartName("n", 2, ".csv.gz"));
        Assert.Equal(".json.gz", ExportFileNames.Extension(new FileFormat(FileType.Json, Compression.Gzip, null, 10)));
        Assert.Equal(".parquet", ExportFileNames.Extension(new FileFormat(FileType.Parquet, Compression.Gzip, null, 10)));
        Assert.Equal("manifest-d1-r9.json", ExportFileNames.ManifestName("d1", "r9"));
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("O\"Brien", "\"O\\\"Brien\"")]
    [InlineData("line1\nline2", "\"line1\nline2\"")]
    [InlineData("back\\slash", "back\\slash")]
    [InlineData("a,b\\", "\"a,b\\\\\"")]
    [InlineData("q\\\"", "\"q\\\\\\\"\"")]
    [InlineData("  padded  ", "padded")]
    [InlineData("Zoë 東京", "Zoë 東京")]
    public void Values_are_quoted_and_escaped_as_Sparks_writer_does(string value, string field) =>
        Assert.Equal(field, new SparkCsvEncoder(AepExportWriter.SparkDefaults).Encode(value));

    [Fact]
    public void Null_empty_quoteAll_and_no_quote_follow_the_options()
    {
        var defaults = new SparkCsvEncoder(AepExportWriter.SparkDefaults with { EmptyValue = "\"\"" });
        Assert.Equal("", defaults.Encode(null));
        Assert.Equal("\"\"", defaults.Encode(""));
        var custom = new SparkCsvEncoder(AepExportWriter.SparkDefaults with { NullValue = "null", QuoteAll = true, Escape = "'" });
        Assert.Equal("null", custom.Encode(null));
        Assert.Equal("\"x\"", custom.Encode("x"));
        Assert.Equal("\"it'\"s\"", custom.Encode("it\"s"));
        var unquoted = new SparkCsvEncoder(AepExportWriter.SparkDefaults with { Quote = "\u0000" });
        Assert.Equal("a,b", unquoted.Encode("a,b"));
        var multi = new SparkCsvEncoder(AepExportWriter.SparkDefaults with { Sep = "||" });
        Assert.Equal("a|b", multi.Encode("a|b"));
        Assert.Equal("\"a||b\"", multi.Encode("a||b"));
    }

    [Fact]
    public void Dates_and_timestamps_use_Sparks_patterns()
    {
        Assert.Equal("2024-05-09T21:05:43.123Z", SparkDateFormat.Format(Time, "yyyy-MM-dd'T'HH:mm:ss[.SSS][XXX]"));
        Assert.Equal("09/05/2024 21:05 +0000", SparkDateFormat.Format(Time, "dd/MM/yyyy HH:mm Z"));
        Assert.Equal("1815-12-10", SparkDateFormat.Format(new DateOnly(1815, 12, 10), "yyyy-MM-dd"));
        Assert.Equal("2024-05-09T21:05:43.123+00:00", SparkDateFormat.Format(Time, "yyyy-MM-dd'T'HH:mm:ss.SSSxxx"));
    }

    [Fact]
    public async Task Csv_files_have_the_header_and_rows_Spark_writes_and_split_at_maxFileRowCount()
    {
        var format = new FileFormat(FileType.Csv, Compression.None, AepExportWriter.SparkDefaults, 2);
        var writer = new AepExportWriter(format, Layout);
        var result = await writer.WriteAudienceAsync(_dir, new ExportNameContext("Acme", Segment, Time),
            [Profile("a@x.com", "C1", "realized", "O\"Brien"), Profile("b@x.com", null, "exited", "a,b", null), Profile("c@x.com", "C3", "realized", null)]);
        Assert.Equal([$"Acme_{Segment}_20240509_210543.csv", $"Acme_{Segment}_20240509_210543_2.csv"], result.Files.Select(f => f.Name));
        Assert.Equal([2L, 1L], result.Files.Select(f => f.Rows));
        Assert.Equal(
            "email,crm_id,segmentMembership.status,firstName,age,vip,birthDate,lastSeen\n" +
            "a@x.com,C1,realized,\"O\\\"Brien\",36,true,1815-12-10,2024-05-09T21:05:43.123Z\n" +
            "b@x.com,,exited,\"a,b\",,true,1815-12-10,2024-05-09T21:05:43.123Z\n",
            File.ReadAllText(Path.Combine(_dir, result.Files[0].Name)));
        Assert.Equal(
            "email,crm_id,segmentMembership.status,firstName,age,vip,birthDate,lastSeen\n" +
            "c@x.com,C3,realized,,36,true,1815-12-10,2024-05-09T21:05:43.123Z\n",
            File.ReadAllText(Path.Combine(_dir, result.Files[1].Name)));
        Assert.Equal(new FileInfo(Path.Combine(_dir, result.Files[0].Name)).Length, result.Files[0].Size);
    }

    [Fact]
    public async Task Gzip_csv_with_a_multi_character_separator_and_CRLF_reads_back()
    {
        var csv = AepExportWriter.SparkDefaults with { Sep = "||", Header = false };
        var writer = new AepExportWriter(new FileFormat(FileType.Csv, Compression.Gzip, csv, 100), Layout) { NewLine = "\r\n", AppendOptions = [] };
        var result = await writer.WriteAudienceAsync(_dir, new ExportNameContext("Acme", Segment, Time), [Profile("a@x.com", "C1", "realized", "x||y")]);
        Assert.Equal($"Acme_{Segment}.csv.gz", result.Files.Single().Name);
        await using var gz = new GZipStream(File.OpenRead(Path.Combine(_dir, result.Files.Single().Name)), CompressionMode.Decompress);
        using var reader = new StreamReader(gz, Encoding.UTF8);
        Assert.Equal("a@x.com||C1||realized||\"x||y\"||36||true||1815-12-10||2024-05-09T21:05:43.123Z\r\n", await reader.ReadToEndAsync());
    }

    [Fact]
    public async Task An_audience_without_profiles_still_gets_a_file_with_its_header()
    {
        var writer = new AepExportWriter(new FileFormat(FileType.Csv, Compression.None, null, 10), Layout);
        var result = await writer.WriteAudienceAsync(_dir, new ExportNameContext("Acme", Segment, Time), []);
        Assert.Equal(0, result.Files.Single().Rows);
        Assert.StartsWith("email,crm_id,", File.ReadAllText(Path.Combine(_dir, result.Files.Single().Name)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_lines_leave_null_fields_out_and_keep_types_and_UTF8()
    {
        var writer = new AepExportWriter(new FileFormat(FileType.Json, Compression.None, null, 10), Layout);
        var result = await writer.WriteAudienceAsync(_dir, new ExportNameContext("Acme", Segment, Time), [Profile("a@x.com", null, "realized", "Zoë \"Z\"", null)]);
        var line = File.ReadAllText(Path.Combine(_dir, result.Files.Single().Name));
        Assert.Equal("{\"email\":\"a@x.com\",\"segmentMembership.status\":\"realized\",\"firstName\":\"Zoë \\\"Z\\\"\",\"vip\":true,"
            + "\"birthDate\":\"1815-12-10\",\"lastSeen\":\"2024-05-09T21:05:43.123Z\"}\n", line);
    }

    [Theory]
    [InlineData(Compression.Snappy, "SNAPPY")]
    [InlineData(Compression.Gzip, "GZIP")]
    [InlineData(Compression.None, "UNCOMPRESSED")]
    public async Task Parquet_files_have_typed_columns_and_the_codec_asked_for(Compression compression, string codec)
    {
        var writer = new AepExportWriter(new FileFormat(FileType.Parquet, compression, null, 3), Layout) { ParquetRowGroupSize = 2 };
        var profiles = Enumerable.Range(0, 5).Select(i => Profile($"p{i}@x.com", i % 2 == 0 ? null : $"C{i}", "realized", $"n{i}")).ToList();
        var result = await writer.WriteAudienceAsync(_dir, new ExportNameContext("Acme", Segment, Time), profiles);
        Assert.Equal([3L, 2L], result.Files.Select(f => f.Rows));
        await using var reader = await ParquetReader.CreateAsync(Path.Combine(_dir, result.Files[0].Name));
        Assert.Equal(["email", "crm_id", "segmentMembership.status", "firstName", "age", "vip", "birthDate", "lastSeen"],
            reader.Schema.GetDataFields().Select(f => f.Name));
        Assert.Equal(2, reader.RowGroupCount); // 3 rows in groups of 2
        using var group = reader.OpenRowGroupReader(0);
        Assert.Equal(codec, group.RowGroup.Columns[0].MetaData!.Codec.ToString().ToUpperInvariant());
        var ages = new long?[2];
        await group.ReadAsync<long>(reader.Schema.GetDataFields()[4], ages.AsMemory());
        Assert.Equal([36L, 36L], ages);
    }

    [Fact]
    public async Task The_manifest_lists_the_runs_files_with_their_sizes()
    {
        var writer = new AepExportWriter(new FileFormat(FileType.Csv, Compression.Gzip, null, 1), Layout);
        var result = await writer.WriteAudienceAsync(_dir, new ExportNameContext("Acme", Segment, Time), [Profile("a@x.com", "1", "realized", "a"), Profile("b@x.com", "2", "realized", "b")]);
        var manifest = await AepExportWriter.WriteManifestAsync(_dir, "dest-1", "run-7", Time, "/acme/tenant-1", result.Files);
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, manifest.Name)));
        Assert.Equal("manifest-dest-1-run-7.json", manifest.Name);
        Assert.Equal("run-7", doc.RootElement.GetProperty("flowRunId").GetString());
        Assert.Equal("2024-05-09T21:05:43Z", doc.RootElement.GetProperty("scheduledTime").GetString());
        var entries = doc.RootElement.GetProperty("exportResults").EnumerateArray().ToList();
        Assert.Equal(result.Files.Select(f => (f.Name, f.Size)), entries.Select(e => (e.GetProperty("name").GetString()!, e.GetProperty("size").GetInt64())));
        Assert.All(entries, e => Assert.Equal("/acme/tenant-1", e.GetProperty("sinkPath").GetString()));
    }
}
