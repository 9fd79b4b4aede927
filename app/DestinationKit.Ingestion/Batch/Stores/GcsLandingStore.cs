using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using Google.Cloud.Storage.V1;

namespace DestinationKit.Ingestion.Batch.Stores;

/// <summary>
/// <c>gs://bucket/prefix</c> through Google.Cloud.Storage.V1, with Application Default Credentials (the service account
/// of Cloud Run or a key file), or unauthenticated against <paramref name="endpoint"/> (a local server that speaks the
/// GCS JSON API). The version of a file is its generation. Downloads run through a pipe, so a large object is read in
/// constant memory although the client pushes it into a stream.
/// </summary>
public sealed class GcsLandingStore : ILandingStore
{
    private readonly StorageClient _client;
    private readonly string _bucket;
    private readonly string _prefix;

    public GcsLandingStore(string bucket, string prefix, string? endpoint = null)
    {
        _bucket = bucket;
        _prefix = S3LandingStore.NormalizePrefix(prefix);
        _client = endpoint is null
            ? StorageClient.Create()
            : new StorageClientBuilder { BaseUri = endpoint.TrimEnd('/') + "/storage/v1/", UnauthenticatedAccess = true }.Build();
    }

    public string Location => $"gs://{_bucket}/{_prefix}";

    public async IAsyncEnumerable<LandingFile> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var o in _client.ListObjectsAsync(_bucket, _prefix).WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (o.Name.EndsWith('/'))
            {
                continue;
            }
            yield return new LandingFile(o.Name[_prefix.Length..], (long)(o.Size ?? 0),
                o.Generation?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? o.ETag ?? "",
                DateTimeOffset.TryParse(o.UpdatedRaw, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var updated)
                    ? updated : DateTimeOffset.MinValue);
        }
    }

    public Task<Stream> OpenReadAsync(LandingFile file, CancellationToken cancellationToken)
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 1 << 20, resumeWriterThreshold: 1 << 19));
        var options = new DownloadObjectOptions();
        if (long.TryParse(file.Version, System.Globalization.CultureInfo.InvariantCulture, out var generation))
        {
            options.Generation = generation;
        }
        _ = Task.Run(async () =>
        {
            Exception? error = null;
            try
            {
                await using var sink = pipe.Writer.AsStream(leaveOpen: true);
                await _client.DownloadObjectAsync(_bucket, _prefix + file.Path, sink, options, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                error = ex;
            }
            await pipe.Writer.CompleteAsync(error).ConfigureAwait(false);
        }, CancellationToken.None);
        return Task.FromResult(pipe.Reader.AsStream());
    }

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }
}
