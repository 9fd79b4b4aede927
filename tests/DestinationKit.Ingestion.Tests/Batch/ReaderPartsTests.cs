using System.Text;
using DestinationKit.Ingestion.Batch;

namespace DestinationKit.Ingestion.Tests.Batch;

public sealed class ReaderPartsTests
{
    [Theory]
    [InlineData("Acme_6fa55d3a-18e1-4f65-95ed-ac8fdb03b45b_20240509_210543.csv", "6fa55d3a-18e1-4f65-95ed-ac8fdb03b45b", "2024-05-09T21:05:43Z", 1, ExportFileType.Csv, false)]
    [InlineData("Acme_6fa55d3a-18e1-4f65-95ed-ac8fdb03b45b_20240509_210543_2.csv.gz", "6fa55d3a-18e1-4f65-95ed-ac8fdb03b45b", "2024-05-09T21:05:43Z", 2, ExportFileType.Csv, true)]
    [InlineData("a/b/Acme_6FA55D3A-18E1-4F65-95ED-AC8FDB03B45B_Loyal_1715288743_12.json", "6FA55D3A-18E1-4F65-95ED-AC8FDB03B45B", "2024-05-09T21:05:43Z", 12, ExportFileType.Json, false)]
    [InlineData("acme/0b5c2d7e-9a41-4e0f-8d3c-2f7a1e6b9c04/Acme_Loyal.parquet", "0b5c2d7e-9a41-4e0f-8d3c-2f7a1e6b9c04", null, 1, ExportFileType.Parquet, false)]
    [InlineData("x/part-0000.snappy.parquet", null, null, 1, ExportFileType.Parquet, false)]
    public void Export_file_names_give_audience_time_part_and_format(string path, string? audience, string? time, int part, ExportFileType type, bool gzip)
    {
        var name = ExportFileName.TryParse(path)!;
        Assert.Equal(audience, name.AudienceId);
        Assert.Equal(time is null ? null : DateTimeOffset.Parse(time, System.Globalization.CultureInfo.InvariantCulture), name.ExportTime);
        Assert.Equal(part, name.Part);
        Assert.Equal(type, name.FileType);
        Assert.Equal(gzip, name.Gzip);
    }

    [Fact]
    public void Manifests_and_other_files_are_not_export_files()
    {
        Assert.Null(ExportFileName.TryParse("manifest-dest-run.json"));
        Assert.Null(ExportFileName.TryParse("readme.txt"));
        Assert.True(ExportFileName.IsManifest("a/manifest-5e2f-9c1a.json"));
        Assert.Equal(ExportFileName.TryParse("A_x_20240101_000000.csv")!.BaseName, ExportFileName.TryParse("A_x_20240101_000000_3.csv")!.BaseName);
    }

    [Theory]
    [InlineData("\"a \\\"b\\\" c\",d", "\"a \"\"b\"\" c\",d")]
    [InlineData("\"ends\\\\\",x", "\"ends\\\",x")]
    [InlineData("plain\\\"not quoted,\"q\"", "plain\\\"not quoted,\"q\"")]
    [InlineData("\"keep \\n as is\"", "\"keep \\n as is\"")]
    [InlineData("\"rfc \"\"doubling\"\" passes\"", "\"rfc \"\"doubling\"\" passes\"")]
    public void Spark_quote_escapes_become_RFC_4180(string input, string expected)
    {
        foreach (var chunk in new[] { 3, 5, 1 << 16 })
        {
            using var s = new SparkQuoteStream(new MemoryStream(Encoding.UTF8.GetBytes(input)), (byte)'"', (byte)'\\', ","u8.ToArray());
            var output = new MemoryStream();
            var buffer = new byte[chunk];
            int n;
            while ((n = s.Read(buffer)) > 0)
            {
                output.Write(buffer, 0, n);
            }
            Assert.Equal(expected, Encoding.UTF8.GetString(output.ToArray()));
        }
    }

    [Theory]
    [InlineData("yyyy-MM-dd'T'HH:mm:ss[.SSS][XXX]", "2024-05-09T21:05:43.123Z", "2024-05-09T21:05:43.1230000+00:00")]
    [InlineData("yyyy-MM-dd'T'HH:mm:ss[.SSS][XXX]", "2024-05-09T21:05:43", "2024-05-09T21:05:43.0000000+00:00")]
    [InlineData("yyyy-MM-dd'T'HH:mm:ss[.SSS][XXX]", "2024-05-09T23:05:43+02:00", "2024-05-09T21:05:43.0000000+00:00")]
    [InlineData("dd/MM/yyyy HH:mm", "09/05/2024 21:05", "2024-05-09T21:05:00.0000000+00:00")]
    [InlineData("yyyy-MM-dd", "2024-02-29", "2024-02-29T00:00:00.0000000+00:00")]
    public void Spark_date_patterns_parse(string pattern, string text, string expected)
    {
        Assert.True(new SparkDateParser(pattern).TryParse(text, out var value));
        Assert.Equal(expected, value.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("yyyy-MM-dd", "2023-02-29")]
    [InlineData("yyyy-MM-dd", "2023-2-1x")]
    [InlineData("yyyy-MM-dd'T'HH:mm:ss[.SSS][XXX]", "2024-05-09 21:05:43")]
    public void Text_that_does_not_match_the_pattern_is_rejected(string pattern, string text) =>
        Assert.False(new SparkDateParser(pattern).TryParse(text, out _));

    [Theory]
    [InlineData("ftp://host/x", "unknown source")]
    [InlineData("sftp://host:22/x", "an SFTP source names its user")]
    [InlineData("abfss://account.dfs.core.windows.net/x", "an ADLS Gen2 URL names its filesystem")]
    public void Sources_that_cannot_be_opened_say_why(string source, string message)
    {
        var ex = Assert.Throws<ArgumentException>(() => DestinationKit.Ingestion.Batch.Stores.LandingStores.Open(source, new()));
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Store_locations_carry_no_credentials()
    {
        var sas = new Uri("https://acct.blob.core.windows.net/dlz-destination/acme?sv=2023-01-03&sr=c&sp=rl&sig=SECRET");
        var store = DestinationKit.Ingestion.Batch.Stores.LandingStores.Open(sas.ToString(), new());
        Assert.Equal("https://acct.blob.core.windows.net/dlz-destination/acme/", store.Location);
        Assert.Equal("s3://b/p/", DestinationKit.Ingestion.Batch.Stores.LandingStores.Open("s3://b/p", new() { S3AccessKey = "k", S3SecretKey = "s" }).Location);
    }
}
