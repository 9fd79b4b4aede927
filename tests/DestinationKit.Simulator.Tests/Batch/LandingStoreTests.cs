using System.CommandLine;
using System.Text.Json.Nodes;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Azure.Storage.Blobs;
using Azure.Storage.Sas;
using DestinationKit.Ingestion.Tests.Sinks;
using DestinationKit.Simulator.Profiles;
using DestinationKit.Simulator.Simulate;
using DestinationKit.Simulator.Terminal;
using DestinationKit.Simulator.Tests.EndToEnd;
using Google.Cloud.Storage.V1;

namespace DestinationKit.Simulator.Tests.Batch;

public enum LandingKind { S3, GcsHmac, Gcs, AzureBlob, AdlsGen2, DataLandingZone, Sftp }

/// <summary>
/// <c>simulate batch</c> end to end on every landing store, against the real local servers of scripts/services.sh
/// (s3rver, Azurite, OpenSSH's sftp) and the GCS JSON API stub: the simulator writes a destination's export as the
/// model configures it, the app's own <c>batch ingest</c> (its built dll, out of process) reads it back, and what the
/// simulator reported (files, rows per audience) is what the app ingested and stores, member by member.
/// </summary>
public sealed class LandingStoreTests
{
    private const int Profiles = 150;
    private const int AudienceCount = 3;
    private const int Seed = 5;
    private const int MaxRows = 40;
    private static readonly DateTimeOffset ExportTime = new(2024, 5, 9, 21, 5, 43, TimeSpan.Zero);
    private static readonly string[] Namespaces = ["email", "crm_id"];
    private static readonly string[] Fields = ["firstName", "city"];

    [Theory]
    [InlineData(LandingKind.S3, "csv", "gzip", "full")]
    [InlineData(LandingKind.GcsHmac, "parquet", "snappy", "full")]
    [InlineData(LandingKind.Gcs, "json", "gzip", "full")]
    [InlineData(LandingKind.AzureBlob, "json", "none", "full")]
    [InlineData(LandingKind.AdlsGen2, "parquet", "gzip", "full")]
    [InlineData(LandingKind.DataLandingZone, "csv", "none", "incremental")]
    [InlineData(LandingKind.Sftp, "csv", "gzip", "full")]
    public async Task What_the_simulator_reports_is_what_the_apps_batch_reader_stores(LandingKind kind, string fileType, string compression, string exportMode)
    {
        var tenant = "t" + Guid.NewGuid().ToString("N")[..10];
        var runId = "r" + tenant[1..7];
        await using var landing = await Landing.CreateAsync(kind, tenant, fileType, compression);
        var summaryFile = Path.Combine(landing.Work, "summary.json");

        var (exit, output, error) = await SimulateAsync([
            "simulate", "batch", "--aep-config", landing.StackOutputs, "--tenant", tenant,
            "--profiles", $"{Profiles}", "--audiences", $"{AudienceCount}", "--seed", $"{Seed}", "--run-id", runId, "--max-rows", $"{MaxRows}",
            "--export-mode", exportMode, "--export-time", "2024-05-09T21:05:43Z", "--manifest", "--progress", "lines", "--summary", summaryFile,
            .. landing.SimulatorArguments,
        ]);

        Assert.True(exit == 0, output + error);
        var summaryText = await File.ReadAllTextAsync(summaryFile);
        foreach (var secret in landing.Secrets)
        {
            Assert.DoesNotContain(secret, output + error + summaryText, StringComparison.Ordinal);
        }
        var summary = JsonNode.Parse(summaryText)!;
        Assert.True(summary["ok"]!.GetValue<bool>());
        Assert.Equal((fileType, compression), (summary["format"]!["fileType"]!.GetValue<string>(), summary["format"]!["compression"]!.GetValue<string>()));

        // What the simulator must have written, from the same generator: per audience, the profiles that qualify, and
        // in an incremental export also those that exited.
        var audiences = ProfileGenerator.Audiences(AudienceCount, runId);
        var generator = new ProfileGenerator(Seed, runId);
        var profiles = Enumerable.Range(0, Profiles).Select(i => generator.Next(i, Namespaces, audiences, Fields, ExportTime)).ToList();
        var reported = summary["audiences"]!.AsArray().ToDictionary(a => a!["segmentId"]!.GetValue<string>(), a => a!);
        Assert.Equal(audiences.Select(a => a.Id).Order(), reported.Keys.Order());
        long rows = 0;
        foreach (var audience in audiences)
        {
            var realized = profiles.Count(p => Status(p, audience) is "realized" or "existing");
            var exited = exportMode == "incremental" ? profiles.Count(p => Status(p, audience) == "exited") : 0;
            var entry = reported[audience.Id];
            Assert.Equal((realized, exited, realized + exited),
                (entry["realized"]!.GetValue<int>(), entry["exited"]!.GetValue<int>(), entry["rows"]!.GetValue<int>()));
            Assert.Equal((realized + exited + MaxRows - 1) / MaxRows, entry["files"]!.AsArray().Count); // split at the row limit
            Assert.All(entry["files"]!.AsArray(), f => Assert.True(f!["rows"]!.GetValue<int>() <= MaxRows));
            rows += realized + exited;
        }
        Assert.Equal(rows, summary["rows"]!.GetValue<long>());
        var files = summary["files"]!.GetValue<int>();
        Assert.NotNull(summary["manifest"]);

        // The app reads the landing store as a partner would configure it, and stores exactly that.
        await using var app = new RunningApp();
        var key = (await app.CliAsync("keys", "create", "--tenant", tenant)).Trim().Split('\n')[^1].Trim();
        var ingested = await app.CliAsync([
            "batch", "ingest", "--source", landing.Source, "--tenant", tenant, "--identity-columns", "email,crm_id", "--data-dir", app.DataDirectory,
            .. landing.ReaderArguments,
        ]);
        Assert.Contains($"{files} ingested ({rows} rows, 0 quarantined), 0 skipped, 0 failed, 0 waiting", ingested, StringComparison.Ordinal);

        await app.StartAsync();
        await app.CaughtUpAsync();
        using var client = app.Client(key);
        foreach (var audience in audiences)
        {
            var expected = profiles.Where(p => Status(p, audience) is "realized" or "existing").SelectMany(Identities).ToHashSet();
            Assert.NotEmpty(expected);
            Assert.Equal(expected.Order(), (await IngestionAppTests.MembersAsync(client, audience.Id)).Order());
        }

        // Awkward attribute values arrive as written: exactly (JSON, Parquet), or without the surrounding whitespace
        // Spark's CSV writer drops.
        var awkward = profiles.First(p => Status(p, audiences[0]) is "realized" or "existing"
            && (string?)p["attributes"]!["firstName"]!["value"] is { } v && ProfileGenerator.AwkwardValues.Contains(v));
        var value = (string)awkward["attributes"]!["firstName"]!["value"]!;
        var email = (string)awkward["identityMap"]!["email"]![0]!["id"]!;
        var stored = await IngestionAppTests.GetAsync(client, $"/v1/profiles/email/{Uri.EscapeDataString(email)}");
        Assert.Equal(fileType == "csv" ? value.Trim() : value, stored.GetProperty("attributes").GetProperty("firstName").GetString());
    }

    private static string? Status(JsonObject profile, SampleAudience audience) => (string?)profile["segmentMembership"]!["ups"]?[audience.Id]?["status"];

    /// <summary>A row's identities: the first id of each namespace the profile has.</summary>
    private static IEnumerable<(string, string)> Identities(JsonObject profile) =>
        Namespaces.Where(ns => profile["identityMap"]![ns] is not null).Select(ns => (ns, (string)profile["identityMap"]![ns]![0]!["id"]!));

    internal static async Task<(int Exit, string Output, string Error)> SimulateAsync(string[] args)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var exit = await CommandLineInvocation.InvokeAsync(new RootCommand { SimulateCommand.Build() }, args,
            new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }

    /// <summary>
    /// A landing store prepared the way a deployment leaves it for one tenant (bucket, container or folder), the stack
    /// outputs the simulator is pointed at (as <c>pulumi stack output --json --show-secrets</c> writes them), and the
    /// source the app's reader is given. Everything is removed afterwards.
    /// </summary>
    internal sealed class Landing : IAsyncDisposable
    {
        private readonly LandingKind _kind;
        private readonly string _tenant;
        private string _bucket = "";
        private AmazonS3Client? _s3;
        private BlobContainerClient? _container;
        private GcsStub? _gcs;
        private string? _sftpFolder;

        private Landing(LandingKind kind, string tenant)
        {
            _kind = kind;
            _tenant = tenant;
        }

        public string Work { get; } = Directory.CreateTempSubdirectory("dk-sim-batch-").FullName;
        public string StackOutputs => Path.Combine(Work, "stack-outputs.json");
        public List<string> SimulatorArguments { get; } = [];
        public string Source { get; private set; } = "";
        public List<string> ReaderArguments { get; } = [];

        /// <summary>Values that must never appear in output or summary.</summary>
        public List<string> Secrets { get; } = [];

        public static async Task<Landing> CreateAsync(LandingKind kind, string tenant, string fileType, string compression)
        {
            var landing = new Landing(kind, tenant);
            await landing.InitAsync(fileType, compression);
            return landing;
        }

        private static string S3Endpoint => LocalServices.S3Endpoint;

        private async Task InitAsync(string fileType, string compression)
        {
            var target = _kind switch
            {
                LandingKind.S3 => "aws-s3",
                LandingKind.GcsHmac or LandingKind.Gcs => "gcp-gcs",
                LandingKind.AzureBlob => "azure-blob",
                LandingKind.AdlsGen2 => "azure-adls",
                LandingKind.DataLandingZone => "dlz",
                _ => "sftp-azure",
            };
            var aep = Destinations.BatchJson(target, _tenant, ("fileFormat", $$"""{"fileType": "{{fileType}}", "compression": "{{compression}}", "maxFileRowCount": 1000}"""));
            var outputs = new JsonObject { ["aepConfiguration"] = aep, ["target"] = target };
            var server = JsonNode.Parse(aep)!["destinationServer"]!;
            var azurite = LocalServices.AzuriteConnectionString;
            var s3Reader = new[] { "--s3-endpoint", S3Endpoint, "--s3-access-key", LocalServices.S3AccessKey, "--s3-secret-key", LocalServices.S3SecretKey };
            switch (_kind)
            {
                case LandingKind.S3 or LandingKind.GcsHmac:
                    {
                        // Cloud Storage's XML API speaks S3's protocol, HMAC keys included: s3rver stands in for it.
                        _bucket = (string)(server["fileBasedS3Destination"] ?? server["fileBasedGoogleCloudStorageDestination"])!["bucket"]!["value"]!;
                        _s3 = new AmazonS3Client(new BasicAWSCredentials(LocalServices.S3AccessKey, LocalServices.S3SecretKey),
                            new AmazonS3Config { ServiceURL = S3Endpoint, ForcePathStyle = true, AuthenticationRegion = "us-east-1" });
                        await _s3.PutBucketAsync(_bucket);
                        var credentials = _kind == LandingKind.S3
                            ? new JsonObject { ["accessKeyId"] = LocalServices.S3AccessKey, ["secretAccessKey"] = LocalServices.S3SecretKey }
                            : new JsonObject { ["accessId"] = LocalServices.S3AccessKey, ["secretAccessKey"] = LocalServices.S3SecretKey, ["prefix"] = _tenant + "/" };
                        outputs["credentials"] = new JsonObject { [_tenant] = credentials }.ToJsonString();
                        SimulatorArguments.AddRange(_kind == LandingKind.S3 ? ["--s3-endpoint", S3Endpoint] : ["--gcs-interop-endpoint", S3Endpoint]);
                        Source = $"s3://{_bucket}/{_tenant}";
                        ReaderArguments.AddRange(s3Reader);
                        break;
                    }
                case LandingKind.Gcs:
                    {
                        // No HMAC key in the outputs: the JSON API, here the stub's, without credentials.
                        _bucket = (string)server["fileBasedGoogleCloudStorageDestination"]!["bucket"]!["value"]!;
                        _gcs = await GcsStub.StartAsync();
                        using (var client = new StorageClientBuilder { BaseUri = _gcs.Endpoint + "storage/v1/", UnauthenticatedAccess = true }.Build())
                        {
                            await client.CreateBucketAsync("project", _bucket);
                        }
                        SimulatorArguments.AddRange(["--gcs-endpoint", _gcs.Endpoint.ToString()]);
                        Source = $"gs://{_bucket}/{_tenant}";
                        ReaderArguments.AddRange(["--gcs-endpoint", _gcs.Endpoint.ToString()]);
                        break;
                    }
                case LandingKind.AzureBlob or LandingKind.AdlsGen2:
                    {
                        // The tenant's container; the connection string names Azurite's account (AEP too writes where the
                        // connection string points).
                        _container = new BlobContainerClient(azurite, _tenant);
                        await _container.CreateAsync();
                        outputs["credentials"] = new JsonObject { [_tenant] = new JsonObject { ["connectionString"] = azurite } }.ToJsonString();
                        Source = _kind == LandingKind.AzureBlob ? $"azblob://{_tenant}/" : $"abfss://{_tenant}@devstoreaccount1.dfs.core.windows.net/";
                        ReaderArguments.AddRange(["--azure-connection-string", azurite]);
                        Secrets.Add(LocalServices.Require("DK_AZURITE_ACCOUNT_KEY"));
                        break;
                    }
                case LandingKind.DataLandingZone:
                    {
                        // Adobe's container, handed over as a SAS URI (the dlz stack's ingestionSources output).
                        _container = new BlobContainerClient(azurite, "dlz-" + _tenant);
                        await _container.CreateAsync();
                        var sas = _container.GenerateSasUri(BlobContainerSasPermissions.Read | BlobContainerSasPermissions.Add | BlobContainerSasPermissions.Create
                            | BlobContainerSasPermissions.Write | BlobContainerSasPermissions.List, DateTimeOffset.UtcNow.AddHours(1));
                        outputs["ingestionSources"] = new JsonObject { [_tenant] = new JsonObject { ["type"] = "dlz", ["sasUri"] = sas.ToString() } }.ToJsonString();
                        Source = new BlobUriBuilder(sas) { BlobName = _tenant }.ToUri().ToString();
                        Secrets.Add(System.Web.HttpUtility.ParseQueryString(sas.Query)["sig"]!);
                        break;
                    }
                case LandingKind.Sftp:
                    {
                        // The server spec names the Azure account's SFTP host; here the local server, with the key as
                        // AEP's form takes it (base64) in a credentials file.
                        var host = LocalServices.Require("DK_SFTP_HOST");
                        var port = LocalServices.Require("DK_SFTP_PORT");
                        var user = LocalServices.Require("DK_SFTP_USER");
                        var keyFile = LocalServices.Require("DK_SFTP_KEY_FILE");
                        _sftpFolder = Path.Combine(LocalServices.Require("DK_SFTP_ROOT"), _tenant);
                        var key = Convert.ToBase64String(await File.ReadAllBytesAsync(keyFile));
                        var credentialsFile = Path.Combine(Work, "credentials.json");
                        await File.WriteAllTextAsync(credentialsFile, new JsonObject { [_tenant] = new JsonObject { ["username"] = user, ["privateKey"] = key } }.ToJsonString());
                        SimulatorArguments.AddRange(["--credentials", credentialsFile, "--location", $"sftp://{host}:{port}{_sftpFolder}"]);
                        Source = $"sftp://{user}@{host}:{port}{_sftpFolder}";
                        ReaderArguments.AddRange(["--sftp-key-file", keyFile]);
                        Secrets.Add(key[100..160]);
                        break;
                    }
            }
            await File.WriteAllTextAsync(StackOutputs, outputs.ToJsonString());
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                if (_s3 is not null)
                {
                    foreach (var o in (await _s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = _bucket })).S3Objects ?? [])
                    {
                        await _s3.DeleteObjectAsync(_bucket, o.Key);
                    }
                    await _s3.DeleteBucketAsync(_bucket);
                    _s3.Dispose();
                }
                if (_container is not null) await _container.DeleteIfExistsAsync();
                if (_gcs is not null) await _gcs.DisposeAsync();
                if (_sftpFolder is not null && Directory.Exists(_sftpFolder)) Directory.Delete(_sftpFolder, recursive: true);
            }
            catch (Exception e) when (e is AmazonS3Exception or Azure.RequestFailedException or IOException)
            {
                // Cleaning up is best effort; the services' data is thrown away with them.
            }
            Directory.Delete(Work, recursive: true);
        }
    }
}
