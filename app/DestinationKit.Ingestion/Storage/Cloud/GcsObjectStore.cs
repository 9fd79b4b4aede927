using System.Net;
using System.Runtime.CompilerServices;
using Google;
using Google.Cloud.Storage.V1;

namespace DestinationKit.Ingestion.Storage.Cloud;

/// <summary>
/// A Google Cloud Storage bucket through Google.Cloud.Storage.V1 with Application Default Credentials (Cloud Run's
/// service account, <c>GOOGLE_APPLICATION_CREDENTIALS</c>, gcloud's login), or unauthenticated against
/// <see cref="GcsSinkOptions.Endpoint"/>, a local server that speaks the GCS JSON API.
/// </summary>
public sealed class GcsObjectStore : IObjectStore
{
    private readonly StorageClient _client;
    private readonly string _bucket;
    private readonly string? _projectId;

    public GcsObjectStore(GcsSinkOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _bucket = options.Bucket ?? throw new InvalidOperationException("Ingestion:Gcs:Bucket is required when Ingestion:Sink is gcs.");
        _projectId = options.ProjectId;
        _client = string.IsNullOrEmpty(options.Endpoint)
            ? StorageClient.Create()
            : new StorageClientBuilder { BaseUri = options.Endpoint.TrimEnd('/') + "/storage/v1/", UnauthenticatedAccess = true }.Build();
        _client.Service.HttpClient.Timeout = TimeSpan.FromSeconds(options.RequestTimeoutSeconds);
    }

    public string Location => $"gs://{_bucket}";

    public async Task PutAsync(string key, ReadOnlyMemory<byte> content, string contentType, CancellationToken cancellationToken)
    {
        using var stream = new MemoryStream(content.ToArray(), writable: false);
        await _client.UploadObjectAsync(_bucket, key, contentType, stream, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    public async Task<byte[]?> GetAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            using var buffer = new MemoryStream();
            await _client.DownloadObjectAsync(_bucket, key, buffer, cancellationToken: cancellationToken).ConfigureAwait(false);
            return buffer.ToArray();
        }
        catch (GoogleApiException ex) when (ex.HttpStatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async IAsyncEnumerable<string> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var o in _client.ListObjectsAsync(_bucket, prefix).WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            yield return o.Name;
        }
    }

    public async Task<IReadOnlyList<string>> ListFoldersAsync(string prefix, CancellationToken cancellationToken)
    {
        var folders = new List<string>();
        var pages = _client.ListObjectsAsync(_bucket, prefix, new ListObjectsOptions { Delimiter = "/" }).AsRawResponses();
        await foreach (var page in pages.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            folders.AddRange(page.Prefixes ?? []);
        }
        return folders;
    }

    public Task CheckAsync(CancellationToken cancellationToken) => _client.GetBucketAsync(_bucket, cancellationToken: cancellationToken);

    public async Task CreateIfMissingAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _client.GetBucketAsync(_bucket, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (GoogleApiException ex) when (ex.HttpStatusCode == HttpStatusCode.NotFound)
        {
            await _client.CreateBucketAsync(_projectId ?? "local", _bucket, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }
}
