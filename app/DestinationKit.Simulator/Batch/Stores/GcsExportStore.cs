using Google.Cloud.Storage.V1;

namespace DestinationKit.Simulator.Batch.Stores;

/// <summary>
/// <c>gs://bucket/prefix</c> through the Cloud Storage JSON API (Google.Cloud.Storage.V1), with Application Default
/// Credentials, or unauthenticated against an <c>endpoint</c> (a local server that speaks the JSON API).
/// AEP itself writes with an HMAC key through the XML API (<see cref="S3ExportStore.ForGcsInterop"/>); this is for
/// writing with the identity a CI job already has.
/// </summary>
public sealed class GcsExportStore : IExportStore
{
    private readonly StorageClient _client;
    private readonly string _bucket;
    private readonly string _prefix;

    public GcsExportStore(string bucket, string prefix, string? endpoint)
    {
        _bucket = bucket;
        _prefix = ExportStores.NormalizePrefix(prefix);
        _client = endpoint is null
            ? StorageClient.Create()
            : new StorageClientBuilder { BaseUri = endpoint.TrimEnd('/') + "/storage/v1/", UnauthenticatedAccess = true }.Build();
    }

    public string Location => $"gs://{_bucket}/{_prefix}";

    public async Task UploadAsync(string localPath, string name, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        await using var file = File.OpenRead(localPath);
        var reporter = progress is null ? null : new Reporter<Google.Apis.Upload.IUploadProgress>(p => progress.Report(p.BytesSent));
        await _client.UploadObjectAsync(_bucket, _prefix + name, "application/octet-stream", file, null, cancellationToken, reporter).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }
}
