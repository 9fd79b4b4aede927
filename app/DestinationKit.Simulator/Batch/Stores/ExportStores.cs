using System.Text;
using Azure.Identity;
using Azure.Storage.Blobs;

namespace DestinationKit.Simulator.Batch.Stores;

/// <summary>Settings of the landing stores that neither a location nor the customer's credentials carry.</summary>
public sealed record StoreSettings
{
    /// <summary>An S3-compatible server (default: AWS; also <c>AWS_ENDPOINT_URL_S3</c>).</summary>
    public string? S3Endpoint { get; init; }

    /// <summary>The bucket's region (default: asked of S3, or <c>AWS_REGION</c>).</summary>
    public string? S3Region { get; init; }

    /// <summary>A server of the Cloud Storage JSON API, used without credentials (also <c>STORAGE_EMULATOR_HOST</c>).</summary>
    public string? GcsEndpoint { get; init; }

    /// <summary>Where Cloud Storage's XML API is, for HMAC keys (default <see cref="S3ExportStore.GcsInteropEndpoint"/>).</summary>
    public string? GcsInteropEndpoint { get; init; }

    /// <summary>A file with the SFTP user's RSA private key (PEM), instead of the key in the credentials.</summary>
    public string? SftpKeyFile { get; init; }

    /// <summary>The expected SHA-256 fingerprint of the SFTP server's host key (<c>SHA256:...</c>).</summary>
    public string? SftpHostKey { get; init; }
}

/// <summary>
/// Opens the folder AEP writes into, from a location URI (the same forms the app's <c>batch ingest --source</c> reads):
/// <list type="table">
/// <item><term><c>s3://bucket/prefix</c></term><description>Amazon S3 or an S3-compatible server: access key pair, else the AWS SDK's default chain</description></item>
/// <item><term><c>gs://bucket/prefix</c></term><description>Cloud Storage: an HMAC key through the XML API as AEP writes; else the JSON API with Application Default Credentials, or unauthenticated against <see cref="StoreSettings.GcsEndpoint"/></description></item>
/// <item><term><c>azblob://container/prefix</c>, <c>https://account.blob.core.windows.net/container/prefix</c></term><description>Azure Blob: connection string (or <c>AZURE_STORAGE_CONNECTION_STRING</c>)</description></item>
/// <item><term><c>https://account.blob.core.windows.net/container[/prefix]?sv=…&amp;sig=…</c></term><description>a container SAS URI</description></item>
/// <item><term><c>abfss://filesystem@account.dfs.core.windows.net/path</c></term><description>ADLS Gen2 through the Blob API: connection string, else a service principal, else DefaultAzureCredential</description></item>
/// <item><term><c>dlz:folder</c></term><description>a folder of the Data Landing Zone container whose SAS URI the credentials hold</description></item>
/// <item><term><c>sftp://[user@]host:port/path</c></term><description>SFTP with an RSA key or a password (user from the URI or the credentials)</description></item>
/// <item><term><c>file:///path</c> or a path</term><description>a local folder</description></item>
/// </list>
/// Problems with the location or missing credentials throw <see cref="InvalidDataException"/> naming what to give.
/// </summary>
public static class ExportStores
{
    public static async Task<IExportStore> OpenAsync(string location, StoreCredentials credentials, StoreSettings settings,
        Func<string, string?> environment, CancellationToken cancellationToken)
    {
        if (location.StartsWith("dlz:", StringComparison.Ordinal))
        {
            var sas = credentials.SasUri
                ?? throw new InvalidDataException("the Data Landing Zone is Adobe's container: give its SAS URI (the credentials' sasUri, or the stack's ingestionSources) or --location <SAS URI>");
            return FromSasUri(Absolute(sas, "the Data Landing Zone SAS URI"), location["dlz:".Length..]);
        }
        if (!location.Contains("://", StringComparison.Ordinal))
        {
            return new LocalExportStore(location);
        }
        var uri = Absolute(location, "--location");
        var path = Uri.UnescapeDataString(uri.AbsolutePath).Trim('/');
        switch (uri.Scheme.ToLowerInvariant())
        {
            case "file":
                return new LocalExportStore(Uri.UnescapeDataString(uri.AbsolutePath));
            case "s3":
                return await S3ExportStore.ForS3Async(uri.Host, path,
                    settings.S3Endpoint ?? environment("AWS_ENDPOINT_URL_S3") ?? environment("AWS_ENDPOINT_URL"),
                    settings.S3Region ?? environment("AWS_REGION"),
                    credentials.AccessKeyId, credentials.SecretAccessKey, cancellationToken).ConfigureAwait(false);
            case "gs":
                if (credentials.AccessKeyId is not null && credentials.SecretAccessKey is not null)
                {
                    return S3ExportStore.ForGcsInterop(uri.Host, path, settings.GcsInteropEndpoint, credentials.AccessKeyId, credentials.SecretAccessKey);
                }
                var endpoint = settings.GcsEndpoint ?? environment("STORAGE_EMULATOR_HOST");
                if (endpoint is not null && !endpoint.Contains("://", StringComparison.Ordinal))
                {
                    endpoint = "http://" + endpoint;
                }
                return new GcsExportStore(uri.Host, path, endpoint);
            case "azblob":
                return FromConnectionString(ConnectionString(credentials, environment, location), uri.Host, path, location);
            case "https" or "http" when uri.Query.Contains("sig=", StringComparison.Ordinal):
                return FromSasUri(uri, null);
            case "https" or "http":
                {
                    var parts = new BlobUriBuilder(uri);
                    if (string.IsNullOrEmpty(parts.BlobContainerName))
                    {
                        throw new InvalidDataException($"--location {location}: name the container: https://<account>.blob.core.windows.net/<container>/<folder>");
                    }
                    return FromConnectionString(ConnectionString(credentials, environment, location), parts.BlobContainerName, parts.BlobName ?? "",
                        $"{uri.Scheme}://{uri.Authority}/{parts.BlobContainerName}/{NormalizePrefix(parts.BlobName ?? "")}");
                }
            case "abfs" or "abfss":
                return Adls(uri, path, credentials, environment);
            case "sftp":
                return Sftp(uri, path, credentials, settings, environment);
            default:
                throw new InvalidDataException($"--location {location}: unknown store; use s3://, gs://, azblob://, abfss://, https://<account>.blob.core.windows.net/<container> (with ?<SAS> or a connection string), sftp://, file:// or a folder");
        }
    }

    internal static string NormalizePrefix(string prefix)
    {
        prefix = prefix.Trim('/');
        return prefix.Length == 0 ? "" : prefix + "/";
    }

    private static Uri Absolute(string text, string what) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) ? uri : throw new InvalidDataException($"{what} is not an absolute URI");

    private static string ConnectionString(StoreCredentials credentials, Func<string, string?> environment, string location) =>
        credentials.ConnectionString ?? environment("AZURE_STORAGE_CONNECTION_STRING")
        ?? throw new InvalidDataException($"{location}: give the storage account's connection string (the credentials' connectionString, "
            + "--azure-connection-string or AZURE_STORAGE_CONNECTION_STRING), or a SAS URI");

    private static BlobExportStore FromConnectionString(string connectionString, string container, string prefix, string location)
    {
        BlobContainerClient client;
        try
        {
            client = new BlobContainerClient(connectionString, container);
        }
        catch (FormatException)
        {
            // The connection string holds the account key: never repeat it.
            throw new InvalidDataException("the Azure connection string is malformed (expected DefaultEndpointsProtocol=...;AccountName=...;AccountKey=...)");
        }
        return new BlobExportStore(client, prefix, location.StartsWith("azblob://", StringComparison.Ordinal)
            ? $"azblob://{client.AccountName}/{container}/{NormalizePrefix(prefix)}"
            : location);
    }

    private static BlobExportStore FromSasUri(Uri sasUri, string? prefix)
    {
        var parts = new BlobUriBuilder(sasUri);
        if (string.IsNullOrEmpty(parts.BlobContainerName) || parts.Sas is null)
        {
            throw new InvalidDataException("the SAS URI must name a container and carry a signature: https://<account>.blob.core.windows.net/<container>?sv=...&sig=...");
        }
        var folder = prefix ?? parts.BlobName ?? "";
        parts.BlobName = "";
        var containerUri = parts.ToUri();
        var withoutQuery = new UriBuilder(containerUri) { Query = "" }.Uri.ToString().TrimEnd('/');
        return new BlobExportStore(new BlobContainerClient(containerUri), folder, $"{withoutQuery}/{NormalizePrefix(folder)}");
    }

    private static BlobExportStore Adls(Uri uri, string path, StoreCredentials credentials, Func<string, string?> environment)
    {
        var filesystem = uri.UserInfo;
        if (filesystem.Length == 0)
        {
            throw new InvalidDataException($"{uri}: an ADLS Gen2 location names its filesystem: abfss://<filesystem>@<account>.dfs.core.windows.net/<path>");
        }
        var location = $"abfss://{filesystem}@{uri.Host}/{NormalizePrefix(path)}";
        if ((credentials.ConnectionString ?? environment("AZURE_STORAGE_CONNECTION_STRING")) is { } connectionString)
        {
            return FromConnectionString(connectionString, filesystem, path, location);
        }
        // The Blob endpoint of the same account: ADLS Gen2 accounts answer both.
        var account = uri.Host.Split('.')[0];
        var containerUri = new Uri($"https://{account}.blob.core.windows.net/{filesystem}");
        Azure.Core.TokenCredential credential = credentials is { AzureTenantId: { } tenant, ClientId: { } client, ClientSecret: { } secret }
            ? new ClientSecretCredential(tenant, client, secret)
            : new DefaultAzureCredential();
        return new BlobExportStore(new BlobContainerClient(containerUri, credential), path, location);
    }

    private static SftpExportStore Sftp(Uri uri, string path, StoreCredentials credentials, StoreSettings settings, Func<string, string?> environment)
    {
        var user = Uri.UnescapeDataString(uri.UserInfo.Split(':')[0]);
        if (user.Length == 0)
        {
            user = credentials.Username
                ?? throw new InvalidDataException($"sftp://{uri.Authority}: give the user (the credentials' username, --sftp-user, or sftp://<user>@<host>:<port>/<path>)");
        }
        string? key = null;
        if (settings.SftpKeyFile is { } keyFile)
        {
            key = File.ReadAllText(keyFile);
        }
        else if (credentials.PrivateKey is { } privateKey)
        {
            key = Pem(privateKey);
        }
        var password = credentials.Password ?? environment("SFTP_PASSWORD");
        if (key is null && password is null)
        {
            throw new InvalidDataException($"sftp://{user}@{uri.Authority}: give an RSA private key (the credentials' privateKey, --sftp-key-file) or a password (the credentials' password, SFTP_PASSWORD)");
        }
        return new SftpExportStore(uri.Host, uri.IsDefaultPort || uri.Port < 0 ? 22 : uri.Port, user, path, key, key is null ? password : null, settings.SftpHostKey);
    }

    /// <summary>AEP's form takes the RSA key base64-encoded (shared/AEP.md §4.2); a PEM text is taken as it is.</summary>
    internal static string Pem(string key)
    {
        if (key.Contains("-----BEGIN", StringComparison.Ordinal))
        {
            return key;
        }
        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(key.Trim()));
            if (decoded.Contains("-----BEGIN", StringComparison.Ordinal))
            {
                return decoded;
            }
        }
        catch (FormatException)
        {
        }
        throw new InvalidDataException("the SFTP private key is neither a PEM text nor base64 of one (AEP takes it base64-encoded)");
    }
}

/// <summary>An <see cref="IProgress{T}"/> that reports on the caller's thread, in order (unlike <see cref="Progress{T}"/>).</summary>
internal sealed class Reporter<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
