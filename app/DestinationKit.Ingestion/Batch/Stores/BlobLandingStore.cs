using System.Runtime.CompilerServices;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace DestinationKit.Ingestion.Batch.Stores;

/// <summary>
/// A folder of an Azure Blob container through Azure.Storage.Blobs: Azure Blob (<c>azblob://container/prefix</c> with
/// a connection string), ADLS Gen2 through the Blob API of the same account
/// (<c>abfss://filesystem@account.dfs.core.windows.net/path</c>), or a container SAS URI such as the one the Data
/// Landing Zone hands a customer (<c>BlobContainerClient(new Uri(sas))</c>).
/// </summary>
public sealed class BlobLandingStore : ILandingStore
{
    private readonly BlobContainerClient _container;
    private readonly string _prefix;

    public BlobLandingStore(BlobContainerClient container, string prefix, string location)
    {
        _container = container;
        _prefix = S3LandingStore.NormalizePrefix(prefix);
        Location = location;
    }

    /// <summary>A container of the account in <paramref name="connectionString"/>.</summary>
    public static BlobLandingStore FromConnectionString(string connectionString, string container, string prefix, string scheme = "azblob")
    {
        var client = new BlobContainerClient(connectionString, container);
        var location = scheme == "abfss"
            ? $"abfss://{container}@{client.AccountName}.dfs.core.windows.net/{S3LandingStore.NormalizePrefix(prefix)}"
            : $"azblob://{client.AccountName}/{container}/{S3LandingStore.NormalizePrefix(prefix)}";
        return new BlobLandingStore(client, prefix, location);
    }

    /// <summary>A container SAS URI (the Data Landing Zone's <c>SASUri</c>); a path after the container is the folder.</summary>
    public static BlobLandingStore FromSasUri(Uri sasUri, string? prefix = null)
    {
        var parts = new BlobUriBuilder(sasUri);
        var folder = prefix ?? parts.BlobName ?? "";
        parts.BlobName = "";
        var containerUri = parts.ToUri();
        var client = new BlobContainerClient(containerUri);
        var withoutQuery = new UriBuilder(containerUri) { Query = "" }.Uri.ToString().TrimEnd('/');
        return new BlobLandingStore(client, folder, $"{withoutQuery}/{S3LandingStore.NormalizePrefix(folder)}");
    }

    public string Location { get; }

    public async IAsyncEnumerable<LandingFile> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var page in _container.GetBlobsAsync(new GetBlobsOptions { Prefix = _prefix }, cancellationToken).AsPages().ConfigureAwait(false))
        {
            foreach (var blob in page.Values)
            {
                // ADLS Gen2 lists directories as empty blobs with hdi_isfolder metadata.
                if (blob.Properties.ContentLength is null or 0 && blob.Metadata?.ContainsKey("hdi_isfolder") == true)
                {
                    continue;
                }
                yield return new LandingFile(blob.Name[_prefix.Length..], blob.Properties.ContentLength ?? 0,
                    blob.Properties.ETag?.ToString() ?? "", blob.Properties.LastModified ?? DateTimeOffset.MinValue);
            }
        }
    }

    public async Task<Stream> OpenReadAsync(LandingFile file, CancellationToken cancellationToken)
    {
        var blob = _container.GetBlobClient(_prefix + file.Path);
        var options = new BlobDownloadOptions();
        if (file.Version.Length > 0)
        {
            options.Conditions = new BlobRequestConditions { IfMatch = new ETag(file.Version) };
        }
        var response = await blob.DownloadStreamingAsync(options, cancellationToken).ConfigureAwait(false);
        return response.Value.Content;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
