using System.Security.Cryptography;
using System.Text.Json.Nodes;
using DestinationKit.Ingestion.Tests.Sinks;

namespace DestinationKit.Simulator.Tests.Batch;

/// <summary><c>simulate batch</c> on bad input (exit code 2, one line naming the problem) and on a store that refuses
/// the files (exit code 1, the store's words in the summary, never a credential).</summary>
public sealed class BatchCommandTests : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("dk-sim-batch-cli-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_work, name);
        File.WriteAllText(path, text);
        return path;
    }

    private string S3Config => Write("s3.json", Destinations.BatchJson("aws-s3", "acme"));

    public static TheoryData<string, string> BadInputs() => new()
    {
        { "", "give exactly one of --aep-config and --stack-config" },
        { "--aep-config {s3} --stack-config {s3}", "give exactly one of --aep-config and --stack-config" },
        { "--aep-config {streaming} --tenant acme", "Acme Audiences is a streaming destination (URL_BASED); `simulate batch` writes the files of a file-based one: use `simulate streaming`" },
        { "--aep-config {s3}", "destinationServer.fileBasedS3Destination.path is \"{{customerData.tenantId}}/\": it needs customerData.tenantId (give --tenant)" },
        { "--aep-config {s3} --tenant acme --file-type xml", "Argument 'xml' not recognized. Must be one of:" },
        { "--aep-config {s3} --tenant acme --compression snappy", "--compression snappy applies only inside parquet files; for csv use none or gzip" },
        { "--aep-config {s3} --tenant acme --export-time yesterday", "--export-time yesterday: expected an ISO 8601 time such as 2024-05-09T21:05:43Z" },
        { "--aep-config {s3} --tenant acme --credentials {broken}", "broken.json is not valid JSON" },
        { "--aep-config {s3} --tenant acme --credentials {other}", "other.json has no entry for tenant 'acme' (it has: globex)" },
        { "--aep-config {s3} --tenant acme --location ftp://host/x", "--location ftp://host/x: unknown store;" },
        { "--aep-config {missing} --tenant acme", "Could not find file" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task Bad_input_is_one_error_line_and_exit_code_2(string arguments, string message)
    {
        var files = new Dictionary<string, string>
        {
            ["{s3}"] = S3Config,
            ["{streaming}"] = Write("streaming.json", Destinations.Streaming(new Uri("http://127.0.0.1:1/")).Document.ToJsonString()),
            ["{broken}"] = Write("broken.json", """{"acme": {"secretAccessKey": "do-not-print-me" """),
            ["{other}"] = Write("other.json", """{"globex": {"accessKeyId": "A", "secretAccessKey": "B"}}"""),
            ["{missing}"] = Path.Combine(_work, "missing.json"),
        };
        var args = arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(a => files.GetValueOrDefault(a, a));

        var (exit, output, error) = await LandingStoreTests.SimulateAsync(["simulate", "batch", .. args, "--progress", "none"]);

        Assert.Equal(2, exit);
        Assert.StartsWith("error: ", error, StringComparison.Ordinal);
        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.DoesNotContain("do-not-print-me", error, StringComparison.Ordinal);
        Assert.Equal("", output);
    }

    [Fact]
    public async Task A_bucket_the_store_does_not_have_is_exit_code_1_with_the_stores_words_in_the_summary()
    {
        var credentials = Write("creds.json", new JsonObject
        {
            ["acme"] = new JsonObject { ["accessKeyId"] = LocalServices.S3AccessKey, ["secretAccessKey"] = LocalServices.S3SecretKey },
        }.ToJsonString());
        var summary = Path.Combine(_work, "summary.json");

        var (exit, output, error) = await LandingStoreTests.SimulateAsync([
            "simulate", "batch", "--aep-config", S3Config, "--tenant", "acme", "--credentials", credentials, "--s3-endpoint", LocalServices.S3Endpoint,
            "--location", "s3://dk-no-such-bucket-" + Guid.NewGuid().ToString("N")[..12] + "/acme", "--profiles", "20", "--summary", summary, "--progress", "none",
        ]);

        Assert.True(exit == 1, output + error);
        var json = JsonNode.Parse(await File.ReadAllTextAsync(summary))!;
        Assert.False(json["ok"]!.GetValue<bool>());
        Assert.Matches("^uploading Acme_[0-9a-f-]{36}_[0-9]{8}_[0-9]{6}.csv to s3://dk-no-such-bucket-[0-9a-f]{12}/acme/ failed: 404 NoSuchBucket: ", json["error"]!.GetValue<string>());
        Assert.Single(json["audiences"]!.AsArray()); // it stopped at the first audience
        Assert.Contains("NOT OK: uploading", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_SFTP_key_the_server_refuses_is_exit_code_1_and_the_key_is_never_printed()
    {
        using var rsa = RSA.Create(2048);
        var key = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(rsa.ExportRSAPrivateKeyPem()));
        var credentials = Write("creds.json", new JsonObject { ["acme"] = new JsonObject { ["username"] = LocalServices.Require("DK_SFTP_USER"), ["privateKey"] = key } }.ToJsonString());
        var summary = Path.Combine(_work, "summary.json");
        var folder = Path.Combine(LocalServices.Require("DK_SFTP_ROOT"), "refused-" + Guid.NewGuid().ToString("N")[..8]);

        var (exit, output, error) = await LandingStoreTests.SimulateAsync([
            "simulate", "batch", "--aep-config", Write("sftp.json", Destinations.BatchJson("sftp-azure", "acme")), "--tenant", "acme", "--credentials", credentials,
            "--location", $"sftp://{LocalServices.Require("DK_SFTP_HOST")}:{LocalServices.Require("DK_SFTP_PORT")}{folder}",
            "--profiles", "10", "--summary", summary, "--progress", "none",
        ]);

        Assert.True(exit == 1, output + error);
        var text = await File.ReadAllTextAsync(summary);
        Assert.Contains("SshAuthenticationException: Permission denied (publickey)", text, StringComparison.Ordinal);
        foreach (var piece in new[] { key[..40], key[200..240] })
        {
            Assert.DoesNotContain(piece, output + error + text, StringComparison.Ordinal);
        }
        Assert.False(Directory.Exists(folder));
    }
}
