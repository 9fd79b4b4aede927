using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace DestinationKit.Simulator.Batch.Stores;

/// <summary>
/// A folder of an Azure Blob container through Azure.Storage.Blobs: Azure Blob with a connection string (AEP's
/// <c>AZURE_CONNECTION_STRING</c>), ADLS Gen2 through the Blob API of the same account (with a service principal, AEP's
/// <c>AZURE_SERVICE_PRINCIPAL</c>, or the account's connection string), or a container SAS URI (the Data Landing
/// Zone's). Large files go up in blocks.
/// </summary>
public sealed class BlobExportStore(BlobContainerClient container, string prefix, string location) : IExportStore
{
    private readonly string _prefix = ExportStores.NormalizePrefix(prefix);

    public string Location { get; } = location;

    public async Task UploadAsync(string localPath, string name, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        var blob = container.GetBlobClient(_prefix + name);
        await using var file = File.OpenRead(localPath);
        // No conditions: an existing blob of the same name is replaced, as AEP replaces it.
        await blob.UploadAsync(file, new BlobUploadOptions { ProgressHandler = progress }, cancellationToken).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
