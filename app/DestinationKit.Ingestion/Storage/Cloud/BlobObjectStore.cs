using System.Runtime.CompilerServices;
using Azure;
using Azure.Core;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace DestinationKit.Ingestion.Storage.Cloud;

/// <summary>
/// A blob container through Azure.Storage.Blobs: a connection string (Azurite, an account key) when one is configured,
/// else the service URI with <see cref="DefaultAzureCredential"/> (managed identity on App Service, environment,
/// workload identity, the developer's az login).
/// </summary>
public sealed class BlobObjectStore : IObjectStore
{
    private readonly BlobContainerClient _container;

    public BlobObjectStore(BlobSinkOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var name = options.Container ?? throw new InvalidOperationException("Ingestion:Blob:Container is required when Ingestion:Sink is blob.");
        var clientOptions = new BlobClientOptions();
        clientOptions.Retry.MaxRetries = options.MaxRetries;
        clientOptions.Retry.NetworkTimeout = TimeSpan.FromSeconds(options.RequestTimeoutSeconds);
        clientOptions.Retry.Mode = RetryMode.Exponential;
        clientOptions.Retry.Delay = TimeSpan.FromMilliseconds(200);
        BlobServiceClient service;
        if (!string.IsNullOrEmpty(options.ConnectionString))
        {
            service = new BlobServiceClient(options.ConnectionString, clientOptions);
        }
        else if (!string.IsNullOrEmpty(options.ServiceUri))
        {
            var credential = new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = options.ManagedIdentityClientId });
            service = new BlobServiceClient(new Uri(options.ServiceUri), credential, clientOptions);
        }
        else
        {
            throw new InvalidOperationException("Ingestion:Blob:ServiceUri (or Ingestion:Blob:ConnectionString) is required when Ingestion:Sink is blob.");
        }
        _container = service.GetBlobContainerClient(name);
    }

    public string Location => _container.Uri.ToString();

    public async Task PutAsync(string key, ReadOnlyMemory<byte> content, string contentType, CancellationToken cancellationToken)
    {
        await _container.GetBlobClient(key).UploadAsync(BinaryData.FromBytes(content), new BlobUploadOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = contentType },
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<byte[]?> GetAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            var response = await _container.GetBlobClient(key).DownloadContentAsync(cancellationToken).ConfigureAwait(false);
            return response.Value.Content.ToArray();
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    public async IAsyncEnumerable<string> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var blob in _container.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, cancellationToken).ConfigureAwait(false))
        {
            yield return blob.Name;
        }
    }

    public async Task<IReadOnlyList<string>> ListFoldersAsync(string prefix, CancellationToken cancellationToken)
    {
        var folders = new List<string>();
        await foreach (var item in _container.GetBlobsByHierarchyAsync(BlobTraits.None, BlobStates.None, "/", prefix, cancellationToken).ConfigureAwait(false))
        {
            if (item.IsPrefix)
            {
                folders.Add(item.Prefix);
            }
        }
        return folders;
    }

    public Task CheckAsync(CancellationToken cancellationToken) => _container.GetPropertiesAsync(cancellationToken: cancellationToken);

    public Task CreateIfMissingAsync(CancellationToken cancellationToken) => _container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
