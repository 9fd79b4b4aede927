namespace DestinationKit.Ingestion.Batch.Stores;

/// <summary>Settings of the landing stores that a source URI does not carry (endpoints and credentials).</summary>
public sealed record LandingStoreSettings
{
    /// <summary>An S3-compatible endpoint (default: AWS; also read from <c>AWS_ENDPOINT_URL_S3</c>).</summary>
    public string? S3Endpoint { get; init; }
    public string? S3Region { get; init; }

    /// <summary>An access key pair; without it the AWS SDK's default credential chain is used.</summary>
    public string? S3AccessKey { get; init; }
    public string? S3SecretKey { get; init; }

    /// <summary>For <c>azblob://</c> and <c>abfss://</c> sources (also read from <c>AZURE_STORAGE_CONNECTION_STRING</c>).</summary>
    public string? AzureConnectionString { get; init; }

    public string? SftpKeyFile { get; init; }
    public string? SftpPassword { get; init; }

    /// <summary>The expected SHA-256 fingerprint of the SFTP server's host key (<c>SHA256:...</c>).</summary>
    public string? SftpHostKey { get; init; }

    /// <summary>A server speaking the GCS JSON API, used without credentials (also read from <c>STORAGE_EMULATOR_HOST</c>).</summary>
    public string? GcsEndpoint { get; init; }
}

/// <summary>
/// Opens a landing location from a source URI:
/// <list type="table">
/// <item><term><c>s3://bucket/prefix</c></term><description>Amazon S3 (or an S3-compatible endpoint)</description></item>
/// <item><term><c>azblob://container/prefix</c></term><description>Azure Blob, with a connection string</description></item>
/// <item><term><c>abfss://filesystem@account.dfs.core.windows.net/path</c></term><description>ADLS Gen2, through the Blob API, with the account's connection string</description></item>
/// <item><term><c>https://account.blob.core.windows.net/container[/folder]?sv=…&amp;sig=…</c></term><description>a container SAS URI: the Data Landing Zone's <c>SASUri</c></description></item>
/// <item><term><c>sftp://user@host:port/path</c></term><description>SFTP with an RSA key file or a password</description></item>
/// <item><term><c>gs://bucket/prefix</c></term><description>Google Cloud Storage</description></item>
/// <item><term><c>file:///path</c> or a path</term><description>a local folder</description></item>
/// </list>
/// </summary>
public static class LandingStores
{
    public static ILandingStore Open(string source, LandingStoreSettings settings)
    {
        if (!source.Contains("://", StringComparison.Ordinal))
        {
            return new LocalFolderStore(source);
        }
        var uri = new Uri(source);
        var path = Uri.UnescapeDataString(uri.AbsolutePath).TrimStart('/');
        switch (uri.Scheme.ToLowerInvariant())
        {
            case "file":
                return new LocalFolderStore(Uri.UnescapeDataString(uri.AbsolutePath));
            case "s3":
                return new S3LandingStore(uri.Host, path,
                    settings.S3Endpoint ?? Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL_S3") ?? Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL"),
                    settings.S3Region, settings.S3AccessKey, settings.S3SecretKey);
            case "azblob":
                return BlobLandingStore.FromConnectionString(AzureConnectionString(settings, source), uri.Host, path);
            case "abfs" or "abfss":
                {
                    var filesystem = uri.UserInfo;
                    if (filesystem.Length == 0)
                    {
                        throw new ArgumentException($"{source}: an ADLS Gen2 URL names its filesystem: abfss://<filesystem>@<account>.dfs.core.windows.net/<path>");
                    }
                    return BlobLandingStore.FromConnectionString(AzureConnectionString(settings, source), filesystem, path, "abfss");
                }
            case "http" or "https" when uri.Query.Contains("sig=", StringComparison.Ordinal):
                return BlobLandingStore.FromSasUri(uri);
            case "http" or "https":
                {
                    // An account URL with container (and folder), read with the account's connection string.
                    var parts = new Azure.Storage.Blobs.BlobUriBuilder(uri);
                    return BlobLandingStore.FromConnectionString(AzureConnectionString(settings, source), parts.BlobContainerName, parts.BlobName ?? "");
                }
            case "sftp":
                {
                    var user = Uri.UnescapeDataString(uri.UserInfo.Split(':')[0]);
                    if (user.Length == 0)
                    {
                        throw new ArgumentException($"{source}: an SFTP source names its user: sftp://<user>@<host>:<port>/<path>");
                    }
                    var password = settings.SftpPassword ?? Environment.GetEnvironmentVariable("SFTP_PASSWORD");
                    if (settings.SftpKeyFile is null && password is null)
                    {
                        throw new ArgumentException($"{source}: give an RSA key file (--sftp-key-file) or a password (SFTP_PASSWORD)");
                    }
                    return new SftpLandingStore(uri.Host, uri.IsDefaultPort || uri.Port < 0 ? 22 : uri.Port, user, path,
                        settings.SftpKeyFile, password, settings.SftpHostKey);
                }
            case "gs":
                {
                    var endpoint = settings.GcsEndpoint ?? Environment.GetEnvironmentVariable("STORAGE_EMULATOR_HOST");
                    if (endpoint is not null && !endpoint.Contains("://", StringComparison.Ordinal))
                    {
                        endpoint = "http://" + endpoint;
                    }
                    return new GcsLandingStore(uri.Host, path, endpoint);
                }
            default:
                throw new ArgumentException($"{source}: unknown source; use s3://, azblob://, abfss://, a container SAS URL (https://…?sig=…), sftp://, gs://, file:// or a folder");
        }
    }

    private static string AzureConnectionString(LandingStoreSettings settings, string source) =>
        settings.AzureConnectionString ?? Environment.GetEnvironmentVariable("AZURE_STORAGE_CONNECTION_STRING")
        ?? throw new ArgumentException($"{source}: give the storage account's connection string (--azure-connection-string or AZURE_STORAGE_CONNECTION_STRING), or use a SAS URL");
}
