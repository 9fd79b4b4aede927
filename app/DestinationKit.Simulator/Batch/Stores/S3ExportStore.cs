using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace DestinationKit.Simulator.Batch.Stores;

/// <summary>
/// <c>s3://bucket/prefix</c> through AWSSDK.S3, as AEP's S3 destination writes: with the customer's access key pair
/// (else the SDK's default credential chain). Also Cloud Storage through its S3-compatible XML API with an HMAC key,
/// which is how AEP's Google Cloud Storage destination authenticates (<see cref="ForGcsInterop"/>).
/// A file is one PUT (up to 5 GB; AEP's row limit keeps files far below).
/// </summary>
public sealed class S3ExportStore : IExportStore
{
    public const string GcsInteropEndpoint = "https://storage.googleapis.com";

    private readonly AmazonS3Client _client;
    private readonly string _bucket;
    private readonly string _prefix;
    private readonly string _scheme;

    private S3ExportStore(AmazonS3Client client, string scheme, string bucket, string prefix)
    {
        _client = client;
        _scheme = scheme;
        _bucket = bucket;
        _prefix = ExportStores.NormalizePrefix(prefix);
    }

    public string Location => $"{_scheme}://{_bucket}/{_prefix}";

    /// <summary>Amazon S3 or an S3-compatible server at <paramref name="endpoint"/> (path-style addressing). Without an
    /// endpoint or region, the bucket's region is asked for first (AEP's policy grants <c>s3:GetBucketLocation</c>).</summary>
    public static async Task<S3ExportStore> ForS3Async(string bucket, string prefix, string? endpoint, string? region,
        string? accessKeyId, string? secretAccessKey, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(endpoint) && string.IsNullOrEmpty(region))
        {
            using var probe = Client(null, "us-east-1", accessKeyId, secretAccessKey);
            var location = await probe.GetBucketLocationAsync(new GetBucketLocationRequest { BucketName = bucket }, cancellationToken).ConfigureAwait(false);
            region = location.Location?.Value switch
            {
                null or "" => "us-east-1",
                "EU" => "eu-west-1",
                var r => r,
            };
        }
        return new S3ExportStore(Client(endpoint, region, accessKeyId, secretAccessKey), "s3", bucket, prefix);
    }

    /// <summary>Cloud Storage with an HMAC key through the XML API (<see cref="GcsInteropEndpoint"/>, or another
    /// server that speaks it).</summary>
    public static S3ExportStore ForGcsInterop(string bucket, string prefix, string? endpoint, string accessId, string secret) =>
        new(Client(endpoint ?? GcsInteropEndpoint, "auto", accessId, secret), "gs", bucket, prefix);

    private static AmazonS3Client Client(string? endpoint, string? region, string? accessKeyId, string? secretAccessKey)
    {
        var config = new AmazonS3Config
        {
            // Only what S3 requires: Cloud Storage's XML API and older S3-compatible servers reject the SDK's
            // default CRC32 trailers.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (!string.IsNullOrEmpty(endpoint))
        {
            config.ServiceURL = endpoint;
            config.ForcePathStyle = true;
            config.AuthenticationRegion = region ?? "us-east-1";
        }
        else
        {
            config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(region ?? "us-east-1");
        }
        return accessKeyId is not null && secretAccessKey is not null
            ? new AmazonS3Client(new BasicAWSCredentials(accessKeyId, secretAccessKey), config)
            : new AmazonS3Client(config);
    }

    public async Task UploadAsync(string localPath, string name, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        var request = new PutObjectRequest
        {
            BucketName = _bucket,
            Key = _prefix + name,
            FilePath = localPath,
            // aws-chunked bodies are S3's own; Cloud Storage and S3-compatible servers take a plain body.
            UseChunkEncoding = false,
        };
        if (progress is not null)
        {
            request.StreamTransferProgress += (_, e) => progress.Report(e.TransferredBytes);
        }
        await _client.PutObjectAsync(request, cancellationToken).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }
}
