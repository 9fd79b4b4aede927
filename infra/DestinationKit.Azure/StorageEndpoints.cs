namespace DestinationKit.Azure;

/// <summary>Azure Storage endpoints, URLs and connection strings of an account in the public Azure cloud
/// (<c>core.windows.net</c>), in the forms AEP's Azure destinations document.</summary>
public static class StorageEndpoints
{
    public const string Suffix = "core.windows.net";

    /// <summary><c>DefaultEndpointsProtocol=https;AccountName=…;AccountKey=…</c>, what AEP's Azure Blob destination takes.</summary>
    public static string ConnectionString(string accountName, string accountKey) =>
        $"DefaultEndpointsProtocol=https;AccountName={accountName};AccountKey={accountKey};EndpointSuffix={Suffix}";

    /// <summary>The account's Blob endpoint, AEP's <c>path</c> of the Azure Blob destination.</summary>
    public static string BlobEndpoint(string accountName) => $"https://{BlobHost(accountName)}/";

    /// <summary>The host of the Blob endpoint, which is also the account's SFTP host.</summary>
    public static string BlobHost(string accountName) => $"{accountName}.blob.{Suffix}";

    /// <summary>The ADLS Gen2 URL of a filesystem that AEP's connection form asks for.</summary>
    public static string AbfssUrl(string filesystem, string accountName) => $"abfss://{filesystem}@{accountName}.dfs.{Suffix}";
}
