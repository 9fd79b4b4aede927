using System.Text.Json.Nodes;
using DestinationKit.Model.Naming;
using DestinationKit.Model.Spec;

namespace DestinationKit.Model.Aep;

/// <summary>The file-based destination server of each batch target (shared/AEP.md §4.1, §4.3). Bucket, account
/// and host are fixed; the folder or container comes from the customer's tenant id.</summary>
internal static class FileServerBuilder
{
    public const string StorageAccountField = "storageAccountName";

    public static JsonObject Build(DestinationSpec spec, DeploymentFacts facts)
    {
        var names = new ResourceNames(spec);
        var tenantPrefix = AepConfigurationBuilder.TenantPrefixTemplate;
        var (type, key, destination) = spec.Target switch
        {
            DestinationTarget.AwsS3 => ("FILE_BASED_S3", "fileBasedS3Destination", new JsonObject
            {
                ["bucket"] = Templated.Literal(names.LandingBucket),
                ["path"] = Templated.Pebble(tenantPrefix),
            }),
            DestinationTarget.GcpGcs => ("FILE_BASED_GOOGLE_CLOUD", "fileBasedGoogleCloudStorageDestination", new JsonObject
            {
                ["bucket"] = Templated.Literal(names.LandingBucket),
                ["path"] = Templated.Pebble(tenantPrefix),
            }),
            DestinationTarget.AzureBlob => ("FILE_BASED_AZURE_BLOB", "fileBasedAzureBlobDestination", new JsonObject
            {
                ["path"] = spec.AccountPerTenant
                    ? Templated.Pebble($"https://{{{{customerData.{StorageAccountField}}}}}.blob.core.windows.net/")
                    : Templated.Literal($"https://{names.StorageAccount}.blob.core.windows.net/"),
                ["container"] = Templated.Pebble(AepConfigurationBuilder.TenantPathTemplate),
            }),
            DestinationTarget.AzureAdls => ("FILE_BASED_ADLS_GEN2", "fileBasedAdlsGen2Destination", new JsonObject
            {
                ["path"] = Templated.Pebble($"abfs://{AepConfigurationBuilder.TenantPathTemplate}@{names.StorageAccount}.dfs.core.windows.net/"),
            }),
            DestinationTarget.Sftp => ("FILE_BASED_SFTP", "fileBasedSftpDestination", new JsonObject
            {
                // Transfer Family users are locked into their prefix ("/" is their own folder); Azure local users
                // see containers, so the path names the tenant's container.
                ["rootDirectory"] = spec.Cloud == CloudProvider.Aws ? Templated.Literal("/") : Templated.Pebble($"/{AepConfigurationBuilder.TenantPathTemplate}"),
                ["hostName"] = Templated.Literal(SftpHost(spec, names, facts)),
                ["port"] = 22,
                ["encryptionMode"] = "None",
            }),
            DestinationTarget.Dlz => ("FILE_BASED_DLZ", "fileBasedDlzDestination", new JsonObject
            {
                ["path"] = Templated.Pebble(tenantPrefix),
                // A plain string in Adobe's DLZ server spec, unlike the templated path.
                ["useCase"] = spec.Aep.DestinationName,
            }),
            _ => throw new ArgumentException($"{spec.Target} is not a batch target", nameof(spec)),
        };
        return new JsonObject
        {
            ["name"] = $"{spec.Aep.DestinationName} file server",
            ["destinationServerType"] = type,
            [key] = destination,
            ["fileConfigurations"] = FileConfigurations(spec.FileFormat!),
        };
    }

    /// <summary>Azure's SFTP host follows from the account name; Transfer Family's exists only after deployment.</summary>
    public static string SftpHost(DestinationSpec spec, ResourceNames names, DeploymentFacts facts) =>
        facts.SftpHost
        ?? (spec.Cloud == CloudProvider.Azure
            ? $"{names.StorageAccount}.blob.core.windows.net"
            : throw new ArgumentException("an SFTP server on AWS needs its host name from the deployment", nameof(facts)));

    private static JsonObject FileConfigurations(FileFormat format)
    {
        var node = new JsonObject
        {
            ["compression"] = Templated.Literal(format.Compression.ToString().ToLowerInvariant()),
            ["fileType"] = Templated.Literal(format.FileType.ToString().ToLowerInvariant()),
        };
        if (format.Csv is { } csv)
        {
            node["csvOptions"] = new JsonObject
            {
                ["sep"] = Templated.Literal(csv.Sep),
                ["quote"] = Templated.Literal(csv.Quote),
                ["escape"] = Templated.Literal(csv.Escape),
                ["header"] = Templated.Literal(csv.Header ? "true" : "false"),
                ["nullValue"] = Templated.Literal(csv.NullValue),
                ["emptyValue"] = Templated.Literal(csv.EmptyValue),
                ["quoteAll"] = Templated.Literal(csv.QuoteAll ? "true" : "false"),
                ["dateFormat"] = Templated.Literal(csv.DateFormat),
                ["timestampFormat"] = Templated.Literal(csv.TimestampFormat),
            };
        }
        node["maxFileRowCount"] = format.MaxFileRowCount;
        return node;
    }
}
