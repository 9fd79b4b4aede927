using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Azure.Storage.Blobs;
using Azure.Storage.Sas;
using DestinationKit.Ingestion.Batch;
using DestinationKit.Ingestion.Batch.Stores;
using DestinationKit.Ingestion.Tests.Sinks;
using DestinationKit.Model.Spec;
using Google.Cloud.Storage.V1;
using Renci.SshNet;

namespace DestinationKit.Ingestion.Tests.Batch;

public enum LandingKind { S3, AzureBlob, AdlsGen2, DataLandingZone, Sftp, Gcs }

/// <summary>
/// Each landing store × each format × compression against a real local server (s3rver, Azurite, OpenSSH's sftp from
/// scripts/services.sh; a GCS JSON API stub): AEP-named, split export files are ingested exactly once with the right
/// identities, statuses and attributes; running again adds nothing; an overwritten file is read again.
/// </summary>
public sealed class LandingStoreBatchTests
{
    private static readonly DateTimeOffset ExportTime = new(2024, 5, 9, 21, 5, 43, TimeSpan.Zero);

    public static TheoryData<LandingKind, FileType, Compression> Cases()
    {
        var data = new TheoryData<LandingKind, FileType, Compression>();
        foreach (var kind in Enum.GetValues<LandingKind>())
        {
            foreach (var (t, c) in Exports.Matrix)
            {
                data.Add(kind, t, c);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Exports_are_ingested_exactly_once_and_overwrites_are_read_again(LandingKind kind, FileType type, Compression compression)
    {
        await using var landing = await Landing.CreateAsync(kind);
        var dir = Exports.TempDirectory();
        var expected = await Exports.WriteRunAsync(dir, Exports.Format(type, compression), ExportTime, perAudience: 9);
        await landing.UploadFolderAsync(dir);
        await using var h = await BatchHarness.StartAsync();

        var store = landing.Open();
        var report = await h.IngestAsync(store, Exports.Options());
        Assert.True(report.Count(FileStatus.Ingested) == 4, Exports.Describe(report));
        Assert.Equal(Exports.Rows(expected), h.Log.Profiles);
        await Exports.AssertStoredAsync(h.Store, expected, type, ExportTime);

        var records = h.Log.Records;
        var again = await h.IngestAsync(landing.Open(), Exports.Options());
        Assert.True(again.Count(FileStatus.Skipped) == 4, Exports.Describe(again));
        Assert.Equal(records, h.Log.Records);

        // AEP overwrites a file (same name, new content): only that file is read again.
        var overwritten = Directory.GetFiles(dir).Order(StringComparer.Ordinal).First();
        var name = Path.GetFileName(overwritten);
        var writer = new DestinationKit.Simulator.Exports.AepExportWriter(Exports.Format(type, compression, maxRows: 1000), Exports.Layout);
        var replacement = Exports.TempDirectory();
        var changed = Exports.Profiles(3, "new");
        await writer.WriteAudienceAsync(replacement, new DestinationKit.Simulator.Exports.ExportNameContext("Acme", Exports.Audience2, ExportTime), changed);
        File.Move(Directory.GetFiles(replacement).Single(), overwritten, overwrite: true);
        await landing.UploadFileAsync(overwritten, name);
        var third = await h.IngestAsync(landing.Open(), Exports.Options());
        var reread = third.Files.Single(f => f.Status == FileStatus.Ingested);
        Assert.Equal(name, reread.Path);
        Assert.Equal(3, reread.Rows);
        Assert.Equal(3, third.Count(FileStatus.Skipped));
        Assert.NotNull(await h.Store.GetProfileAsync(BatchHarness.Tenant, "email", "new0@example.com", CancellationToken.None));
    }

    [Theory]
    [InlineData(LandingKind.S3)]
    [InlineData(LandingKind.AzureBlob)]
    [InlineData(LandingKind.Sftp)]
    [InlineData(LandingKind.Gcs)]
    public async Task A_corrupt_gzip_and_a_bad_row_are_reported_precisely(LandingKind kind)
    {
        await using var landing = await Landing.CreateAsync(kind);
        var dir = Exports.TempDirectory();
        await Exports.WriteRunAsync(dir, Exports.Format(FileType.Csv, Compression.Gzip, maxRows: 5000), ExportTime, perAudience: 1500);
        var victim = Directory.GetFiles(dir).Single(f => f.Contains(Exports.Audience2, StringComparison.Ordinal));
        var bytes = File.ReadAllBytes(victim);
        for (var i = bytes.Length / 2; i < bytes.Length / 2 + 32; i++)
        {
            bytes[i] ^= 0xA5;
        }
        File.WriteAllBytes(victim, bytes);
        var badRows = $"Acme_{Exports.Audience1}_20240510_000000.csv";
        File.WriteAllText(Path.Combine(dir, badRows), "email,segmentMembership.status\nok@x.com,realized\n\"unterminated@x.com,realized\n");
        await landing.UploadFolderAsync(dir);
        await using var h = await BatchHarness.StartAsync();
        var report = await h.IngestAsync(landing.Open(), Exports.Options());
        var failed = report.Files.Single(f => f.Status == FileStatus.Failed);
        Assert.Equal(Path.GetFileName(victim), failed.Path);
        Assert.Matches($"^corrupt gzip data at byte [0-9]+ of {bytes.Length} ", failed.Message!);
        var quarantined = report.Files.Single(f => f.Path == badRows);
        Assert.Equal(1, quarantined.Rows);
        Assert.Equal((2L, 3L, 1L), (quarantined.QuarantineSample.Single().Row, quarantined.QuarantineSample.Single().Line, quarantined.Quarantined));
        Assert.Equal("malformed CSV: a quoted value is never closed", quarantined.QuarantineSample.Single().Reason);
        Assert.True(await landing.ExistsAsync(Path.GetFileName(victim)), "the unreadable file is left in place");
    }

    /// <summary>A folder of its own in one landing store, filled from a local folder of export files.</summary>
    private sealed class Landing : IAsyncDisposable
    {
        private readonly LandingKind _kind;
        private readonly string _prefix = "acme/" + Guid.NewGuid().ToString("N")[..8];
        private string _bucket = "";
        private AmazonS3Client? _s3;
        private BlobContainerClient? _container;
        private SftpClient? _sftp;
        private string _sftpRoot = "";
        private GcsStub? _gcs;
        private StorageClient? _gcsClient;

        private Landing(LandingKind kind) => _kind = kind;

        public static async Task<Landing> CreateAsync(LandingKind kind)
        {
            var l = new Landing(kind);
            await l.InitAsync();
            return l;
        }

        private async Task InitAsync()
        {
            _bucket = LocalServices.UniqueBucket("batch");
            switch (_kind)
            {
                case LandingKind.S3:
                    _s3 = new AmazonS3Client(new BasicAWSCredentials(LocalServices.S3AccessKey, LocalServices.S3SecretKey),
                        new AmazonS3Config { ServiceURL = LocalServices.S3Endpoint, ForcePathStyle = true, AuthenticationRegion = "us-east-1" });
                    await _s3.PutBucketAsync(_bucket);
                    break;
                case LandingKind.AzureBlob or LandingKind.AdlsGen2 or LandingKind.DataLandingZone:
                    _container = new BlobContainerClient(LocalServices.AzuriteConnectionString, _bucket);
                    await _container.CreateAsync();
                    break;
                case LandingKind.Sftp:
                    var key = LocalServices.Require("DK_SFTP_KEY_FILE");
                    _sftp = new SftpClient(LocalServices.Require("DK_SFTP_HOST"), int.Parse(LocalServices.Require("DK_SFTP_PORT"), System.Globalization.CultureInfo.InvariantCulture),
                        LocalServices.Require("DK_SFTP_USER"), new PrivateKeyFile(key));
                    await _sftp.ConnectAsync(CancellationToken.None);
                    _sftpRoot = LocalServices.Require("DK_SFTP_ROOT").TrimEnd('/') + "/" + _bucket;
                    break;
                case LandingKind.Gcs:
                    _gcs = await GcsStub.StartAsync();
                    _gcsClient = new StorageClientBuilder { BaseUri = _gcs.Endpoint + "storage/v1/", UnauthenticatedAccess = true }.Build();
                    await _gcsClient.CreateBucketAsync("project", _bucket);
                    break;
            }
        }

        public async Task UploadFolderAsync(string dir)
        {
            foreach (var f in Directory.GetFiles(dir).Order(StringComparer.Ordinal))
            {
                await UploadFileAsync(f, Path.GetFileName(f));
            }
        }

        public async Task UploadFileAsync(string path, string name)
        {
            var key = _prefix + "/" + name;
            switch (_kind)
            {
                case LandingKind.S3:
                    await _s3!.PutObjectAsync(new PutObjectRequest { BucketName = _bucket, Key = key, FilePath = path, UseChunkEncoding = false });
                    break;
                case LandingKind.AzureBlob or LandingKind.AdlsGen2 or LandingKind.DataLandingZone:
                    await _container!.GetBlobClient(key).UploadAsync(path, overwrite: true);
                    break;
                case LandingKind.Sftp:
                    CreateDirectories(_sftpRoot + "/" + _prefix);
                    await using (var file = File.OpenRead(path))
                    {
                        await Task.Run(() => _sftp!.UploadFile(file, _sftpRoot + "/" + key, canOverride: true));
                    }
                    // sftp's modification times have one-second resolution: an overwrite in the same second must still look new.
                    _sftp!.SetLastWriteTimeUtc(_sftpRoot + "/" + key, DateTime.UtcNow.AddSeconds(Random.Shared.Next(1, 100000)));
                    break;
                case LandingKind.Gcs:
                    await using (var file = File.OpenRead(path))
                    {
                        await _gcsClient!.UploadObjectAsync(_bucket, key, "application/octet-stream", file);
                    }
                    break;
            }
        }

        private void CreateDirectories(string path)
        {
            var current = "";
            foreach (var part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
            {
                current += "/" + part;
                if (!_sftp!.Exists(current))
                {
                    _sftp.CreateDirectory(current);
                }
            }
        }

        public async Task<bool> ExistsAsync(string name)
        {
            var key = _prefix + "/" + name;
            return _kind switch
            {
                LandingKind.S3 => (await _s3!.ListObjectsV2Async(new ListObjectsV2Request { BucketName = _bucket, Prefix = key })).S3Objects?.Count == 1,
                LandingKind.Sftp => _sftp!.Exists(_sftpRoot + "/" + key),
                LandingKind.Gcs => _gcs!.ObjectNames(_bucket).Contains(key),
                _ => (await _container!.GetBlobClient(key).ExistsAsync()).Value,
            };
        }

        /// <summary>The store as the app opens it: from the source URI a partner would configure.</summary>
        public ILandingStore Open()
        {
            switch (_kind)
            {
                case LandingKind.S3:
                    return LandingStores.Open($"s3://{_bucket}/{_prefix}", new LandingStoreSettings
                    {
                        S3Endpoint = LocalServices.S3Endpoint, S3AccessKey = LocalServices.S3AccessKey, S3SecretKey = LocalServices.S3SecretKey,
                    });
                case LandingKind.AzureBlob:
                    return LandingStores.Open($"azblob://{_bucket}/{_prefix}", new LandingStoreSettings { AzureConnectionString = LocalServices.AzuriteConnectionString });
                case LandingKind.AdlsGen2:
                    return LandingStores.Open($"abfss://{_bucket}@devstoreaccount1.dfs.core.windows.net/{_prefix}",
                        new LandingStoreSettings { AzureConnectionString = LocalServices.AzuriteConnectionString });
                case LandingKind.DataLandingZone:
                    {
                        // What Adobe's credentials API hands a customer: a container SAS URI (read and list are enough to consume).
                        var sas = _container!.GenerateSasUri(BlobContainerSasPermissions.Read | BlobContainerSasPermissions.List, DateTimeOffset.UtcNow.AddHours(1));
                        var withFolder = new BlobUriBuilder(sas) { BlobName = _prefix }.ToUri();
                        Assert.Contains("sig=", withFolder.Query, StringComparison.Ordinal);
                        return LandingStores.Open(withFolder.ToString(), new LandingStoreSettings());
                    }
                case LandingKind.Sftp:
                    return LandingStores.Open(
                        $"sftp://{LocalServices.Require("DK_SFTP_USER")}@{LocalServices.Require("DK_SFTP_HOST")}:{LocalServices.Require("DK_SFTP_PORT")}{_sftpRoot}/{_prefix}",
                        new LandingStoreSettings { SftpKeyFile = LocalServices.Require("DK_SFTP_KEY_FILE") });
                default:
                    return LandingStores.Open($"gs://{_bucket}/{_prefix}", new LandingStoreSettings { GcsEndpoint = _gcs!.Endpoint.ToString() });
            }
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                switch (_kind)
                {
                    case LandingKind.S3:
                        var objects = await _s3!.ListObjectsV2Async(new ListObjectsV2Request { BucketName = _bucket });
                        foreach (var o in objects.S3Objects ?? [])
                        {
                            await _s3.DeleteObjectAsync(_bucket, o.Key);
                        }
                        await _s3.DeleteBucketAsync(_bucket);
                        _s3.Dispose();
                        break;
                    case LandingKind.AzureBlob or LandingKind.AdlsGen2 or LandingKind.DataLandingZone:
                        await _container!.DeleteIfExistsAsync();
                        break;
                    case LandingKind.Sftp:
                        Delete(_sftpRoot);
                        _sftp!.Dispose();
                        break;
                    case LandingKind.Gcs:
                        _gcsClient!.Dispose();
                        await _gcs!.DisposeAsync();
                        break;
                }
            }
            catch (Exception ex) when (ex is AmazonS3Exception or Azure.RequestFailedException or Renci.SshNet.Common.SshException)
            {
                // Cleaning up is best effort; the services' data folders are thrown away with them.
            }
        }

        private void Delete(string path)
        {
            if (!_sftp!.Exists(path))
            {
                return;
            }
            foreach (var entry in _sftp.ListDirectory(path))
            {
                if (entry.Name is "." or "..")
                {
                    continue;
                }
                if (entry.IsDirectory)
                {
                    Delete(entry.FullName);
                }
                else
                {
                    _sftp.DeleteFile(entry.FullName);
                }
            }
            _sftp.DeleteDirectory(path);
        }
    }
}
