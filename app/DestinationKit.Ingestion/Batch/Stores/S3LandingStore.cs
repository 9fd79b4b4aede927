using System.Runtime.CompilerServices;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace DestinationKit.Ingestion.Batch.Stores;

/// <summary>
/// <c>s3://bucket/prefix</c> through AWSSDK.S3. Credentials: the given access key pair, else the SDK's default chain
/// (environment, profile, instance or task role). <paramref name="serviceUrl"/> points the client at an
/// S3-compatible server (path-style addressing).
/// </summary>
public sealed class S3LandingStore : ILandingStore
{
    private readonly AmazonS3Client _client;
    private readonly string _bucket;
    private readonly string _prefix;

    public S3LandingStore(string bucket, string prefix, string? serviceUrl = null, string? region = null, string? accessKey = null, string? secretKey = null)
    {
        _bucket = bucket;
        _prefix = NormalizePrefix(prefix);
        var config = new AmazonS3Config
        {
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (!string.IsNullOrEmpty(serviceUrl))
        {
            config.ServiceURL = serviceUrl;
            config.ForcePathStyle = true;
            config.AuthenticationRegion = region ?? "us-east-1";
        }
        else
        {
            config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(region ?? Environment.GetEnvironmentVariable("AWS_REGION") ?? "us-east-1");
        }
        _client = accessKey is not null && secretKey is not null
            ? new AmazonS3Client(new BasicAWSCredentials(accessKey, secretKey), config)
            : new AmazonS3Client(config);
    }

    internal static string NormalizePrefix(string prefix)
    {
        prefix = prefix.Trim('/');
        return prefix.Length == 0 ? "" : prefix + "/";
    }

    public string Location => $"s3://{_bucket}/{_prefix}";

    public async IAsyncEnumerable<LandingFile> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var request = new ListObjectsV2Request { BucketName = _bucket, Prefix = _prefix };
        while (true)
        {
            var page = await _client.ListObjectsV2Async(request, cancellationToken).ConfigureAwait(false);
            foreach (var o in page.S3Objects ?? [])
            {
                if (o.Key.EndsWith('/'))
                {
                    continue; // a folder marker
                }
                yield return new LandingFile(o.Key[_prefix.Length..], o.Size ?? 0, o.ETag?.Trim('"') ?? "",
                    o.LastModified is { } lm ? new DateTimeOffset(lm.ToUniversalTime(), TimeSpan.Zero) : DateTimeOffset.MinValue);
            }
            if (page.IsTruncated != true || string.IsNullOrEmpty(page.NextContinuationToken))
            {
                yield break;
            }
            request.ContinuationToken = page.NextContinuationToken;
        }
    }

    public async Task<Stream> OpenReadAsync(LandingFile file, CancellationToken cancellationToken)
    {
        var request = new GetObjectRequest { BucketName = _bucket, Key = _prefix + file.Path };
        if (file.Version.Length > 0)
        {
            request.EtagToMatch = file.Version; // an object overwritten after it was listed fails rather than mixing versions
        }
        var response = await _client.GetObjectAsync(request, cancellationToken).ConfigureAwait(false);
        return new OwnedStream(response.ResponseStream, response);
    }

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>A stream that disposes its owner (an SDK response, a client) with it.</summary>
internal sealed class OwnedStream(Stream inner, IDisposable owner) : Stream
{
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => inner.Length;
    public override long Position { get => inner.Position; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
    public override int Read(Span<byte> buffer) => inner.Read(buffer);
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.ReadAsync(buffer, offset, count, cancellationToken);
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
            owner.Dispose();
        }
        base.Dispose(disposing);
    }
}
