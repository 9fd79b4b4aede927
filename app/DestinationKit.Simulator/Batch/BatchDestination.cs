using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using DestinationKit.Model.Spec;
using DestinationKit.Simulator.Configuration;
using DestinationKit.Simulator.Exports;
using DestinationKit.Simulator.Pebble;

namespace DestinationKit.Simulator.Batch;

/// <summary>
/// What AEP takes from a file-based destination's configuration to write an export (shared/AEP.md §4): where (the
/// server's bucket, path, container or host, templated over the customer's data), in which format
/// (<c>fileConfigurations</c>), under which names (<c>batchConfig.filenameConfig</c>) and with which columns (the
/// identity namespaces and profile fields a customer maps).
/// </summary>
public sealed partial record BatchDestination
{
    public required string Name { get; init; }

    /// <summary><c>FILE_BASED_S3</c>, <c>FILE_BASED_AZURE_BLOB</c>, <c>FILE_BASED_ADLS_GEN2</c>, <c>FILE_BASED_SFTP</c>,
    /// <c>FILE_BASED_GOOGLE_CLOUD</c> or <c>FILE_BASED_DLZ</c>.</summary>
    public required string ServerType { get; init; }

    /// <summary>Where AEP writes for this customer, as a location URI (see <see cref="Stores.ExportStores"/>).</summary>
    public required string Location { get; init; }

    public required FileFormat Format { get; init; }

    public required string DefaultFilename { get; init; }

    public required IReadOnlyList<string> DefaultAppendOptions { get; init; }

    /// <summary><c>DAILY_FULL_EXPORT</c> or <c>FIRST_FULL_THEN_INCREMENTAL</c>.</summary>
    public required string DefaultExportMode { get; init; }

    public required IReadOnlyList<string> IdentityNamespaces { get; init; }

    public required IReadOnlyList<string> ProfileFields { get; init; }

    public const string FullExport = "DAILY_FULL_EXPORT";
    public const string IncrementalExport = "FIRST_FULL_THEN_INCREMENTAL";

    [GeneratedRegex(@"customerData\.([A-Za-z_][A-Za-z0-9_]*)")]
    private static partial Regex CustomerDataReference();

    /// <summary>Reads a file-based destination; <paramref name="customerData"/> is what the customer typed when
    /// connecting (<c>tenantId</c> among it), against which templated fields are rendered as AEP renders them.
    /// <paramref name="location"/>, when given, replaces where the server spec says the files go.</summary>
    /// <exception cref="InvalidDataException">Not a file-based destination, a field is missing, or the templates refer
    /// to customer data that was not given.</exception>
    public static BatchDestination From(AepDestination aep, IReadOnlyDictionary<string, string> customerData, string? location = null)
    {
        if (aep.IsStreaming)
        {
            throw new InvalidDataException($"{aep.Name} is a streaming destination (URL_BASED); `simulate batch` writes the files of a file-based one: use `simulate streaming`");
        }
        var server = aep.Document["destinationServer"] as JsonObject ?? throw new InvalidDataException("the AEP configuration has no destinationServer object");
        var config = aep.Document["destinationConfiguration"] as JsonObject ?? [];
        var context = new JsonObject { ["customerData"] = new JsonObject(customerData.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))) };
        string Field(JsonObject owner, string path, string name)
        {
            var node = owner[name] ?? throw new InvalidDataException($"destinationServer.{path}.{name} is missing");
            return Resolve(node, $"destinationServer.{path}.{name}", context, customerData, requireCustomerData: true);
        }

        location ??= aep.ServerType switch
        {
            "FILE_BASED_S3" => ObjectLocation("s3", Part(server, "fileBasedS3Destination"), "fileBasedS3Destination", Field),
            "FILE_BASED_GOOGLE_CLOUD" => ObjectLocation("gs", Part(server, "fileBasedGoogleCloudStorageDestination"), "fileBasedGoogleCloudStorageDestination", Field),
            "FILE_BASED_AZURE_BLOB" => BlobLocation(Part(server, "fileBasedAzureBlobDestination"), Field),
            "FILE_BASED_ADLS_GEN2" => AdlsLocation(Part(server, "fileBasedAdlsGen2Destination"), Field),
            "FILE_BASED_SFTP" => SftpLocation(SftpPart(server), Field),
            // The Data Landing Zone is Adobe's container; the customer's SAS URI names it (credentials), the path is the folder.
            "FILE_BASED_DLZ" => "dlz:" + Field(Part(server, "fileBasedDlzDestination"), "fileBasedDlzDestination", "path").Trim('/'),
            var other => throw new InvalidDataException($"destinationServerType {other} is not a file-based server type"),
        };

        var files = server["fileConfigurations"] as JsonObject ?? [];
        var batch = config["batchConfig"] as JsonObject ?? [];
        var naming = batch["filenameConfig"] as JsonObject ?? [];
        return new BatchDestination
        {
            Name = aep.Name,
            ServerType = aep.ServerType,
            Location = location,
            Format = ReadFormat(files, context, customerData),
            DefaultFilename = (string?)naming["defaultFilename"] ?? "%DESTINATION%_%SEGMENT_ID%",
            DefaultAppendOptions = naming["defaultFilenameAppendOptions"] is JsonArray append ? [.. append.Select(v => (string)v!)] : ["DATETIME"],
            DefaultExportMode = (string?)batch["defaultExportMode"] ?? FullExport,
            IdentityNamespaces = aep.IdentityNamespaces,
            ProfileFields = aep.ProfileFields,
        };
    }

    private static JsonObject Part(JsonObject server, string key) =>
        server[key] as JsonObject ?? throw new InvalidDataException($"destinationServer.{key} is missing");

    /// <summary>Adobe's documents spell the SFTP object both <c>fileBasedSftpDestination</c> and <c>fileBasedSFTPDestination</c>.</summary>
    private static JsonObject SftpPart(JsonObject server) =>
        server["fileBasedSftpDestination"] as JsonObject ?? server["fileBasedSFTPDestination"] as JsonObject
        ?? throw new InvalidDataException("destinationServer.fileBasedSftpDestination is missing");

    private static string ObjectLocation(string scheme, JsonObject part, string key, Func<JsonObject, string, string, string> field) =>
        $"{scheme}://{field(part, key, "bucket")}/{field(part, key, "path").Trim('/')}";

    private static string BlobLocation(JsonObject part, Func<JsonObject, string, string, string> field)
    {
        const string key = "fileBasedAzureBlobDestination";
        var account = field(part, key, "path");
        if (!Uri.TryCreate(account, UriKind.Absolute, out var accountUri) || accountUri.Scheme != Uri.UriSchemeHttps)
        {
            throw new InvalidDataException($"destinationServer.{key}.path: got \"{account}\"; expected the storage account URI, e.g. https://account.blob.core.windows.net/");
        }
        return $"https://{accountUri.Authority}/{field(part, key, "container").Trim('/')}";
    }

    private static string AdlsLocation(JsonObject part, Func<JsonObject, string, string, string> field)
    {
        const string key = "fileBasedAdlsGen2Destination";
        var path = field(part, key, "path");
        // AEP's example writes abfs://; the data travels over TLS either way.
        if (!Uri.TryCreate(path, UriKind.Absolute, out var uri) || uri.Scheme is not ("abfs" or "abfss") || uri.UserInfo.Length == 0)
        {
            throw new InvalidDataException($"destinationServer.{key}.path: got \"{path}\"; expected abfs://<filesystem>@<account>.dfs.core.windows.net/<folder>");
        }
        return $"abfss://{uri.UserInfo}@{uri.Host}/{uri.AbsolutePath.Trim('/')}";
    }

    private static string SftpLocation(JsonObject part, Func<JsonObject, string, string, string> field)
    {
        const string key = "fileBasedSftpDestination";
        if (part["encryptionMode"] is JsonValue mode && !string.Equals((string?)mode, "None", StringComparison.OrdinalIgnoreCase))
        {
            throw new NotSupportedException($"destinationServer.{key}.encryptionMode {mode}: PGP-encrypted exports are not simulated");
        }
        var host = field(part, key, "hostName");
        var port = part["port"] is JsonValue p && p.TryGetValue<int>(out var n) ? n : 22;
        var root = part["rootDirectory"] is null ? "/" : field(part, key, "rootDirectory");
        return string.Create(CultureInfo.InvariantCulture, $"sftp://{host}:{port}/{root.Trim('/')}");
    }

    private static FileFormat ReadFormat(JsonObject files, JsonObject context, IReadOnlyDictionary<string, string> customerData)
    {
        string? Text(JsonObject owner, string path, string name) =>
            owner[name] is { } node ? Resolve(node, $"destinationServer.fileConfigurations.{path}{name}", context, customerData, requireCustomerData: false) : null;

        var fileTypeText = Text(files, "", "fileType") ?? "csv";
        var fileType = fileTypeText.ToLowerInvariant() switch
        {
            "csv" => FileType.Csv,
            "json" => FileType.Json,
            "parquet" => FileType.Parquet,
            _ => throw new InvalidDataException($"destinationServer.fileConfigurations.fileType: got \"{fileTypeText}\"; AEP writes csv, json or parquet"),
        };
        var compressionText = Text(files, "", "compression") ?? (fileType == FileType.Parquet ? "snappy" : "none");
        var compression = ParseCompression(compressionText, fileType, "destinationServer.fileConfigurations.compression");
        CsvOptions? csv = null;
        if (fileType == FileType.Csv)
        {
            var d = AepExportWriter.SparkDefaults;
            var o = files["csvOptions"] as JsonObject ?? [];
            bool Flag(string name, bool fallback) => Text(o, "csvOptions.", name) is { } v
                ? bool.TryParse(v, out var b) ? b : throw new InvalidDataException($"destinationServer.fileConfigurations.csvOptions.{name}: got \"{v}\"; expected true or false")
                : fallback;
            csv = new CsvOptions(
                Sep: Text(o, "csvOptions.", "sep") ?? Text(o, "csvOptions.", "delimiter") ?? d.Sep,
                Quote: Text(o, "csvOptions.", "quote") ?? d.Quote,
                Escape: Text(o, "csvOptions.", "escape") ?? d.Escape,
                Header: Flag("header", d.Header),
                NullValue: Text(o, "csvOptions.", "nullValue") ?? d.NullValue,
                EmptyValue: Text(o, "csvOptions.", "emptyValue") ?? d.EmptyValue,
                QuoteAll: Flag("quoteAll", d.QuoteAll),
                DateFormat: Text(o, "csvOptions.", "dateFormat") ?? d.DateFormat,
                TimestampFormat: Text(o, "csvOptions.", "timestampFormat") ?? d.TimestampFormat);
            if (csv.Sep.Length == 0) throw new InvalidDataException("destinationServer.fileConfigurations.csvOptions.sep is empty");
        }
        var maxRows = 5_000_000;
        if (files["maxFileRowCount"] is JsonValue max)
        {
            maxRows = max.TryGetValue<int>(out var m) ? m
                : max.TryGetValue<double>(out var dm) && dm == Math.Floor(dm) && dm is >= 1 and <= int.MaxValue ? (int)dm
                : throw new InvalidDataException($"destinationServer.fileConfigurations.maxFileRowCount: got {max.ToJsonString()}; expected a whole number of rows");
        }
        if (maxRows < 1) throw new InvalidDataException($"destinationServer.fileConfigurations.maxFileRowCount: got {maxRows}; expected at least 1");
        return new FileFormat(fileType, compression, csv, maxRows);
    }

    /// <summary>The compressions the simulator writes: none and gzip around CSV and JSON; snappy, gzip or none inside Parquet.</summary>
    public static Compression ParseCompression(string text, FileType fileType, string field)
    {
        var compression = text.ToLowerInvariant() switch
        {
            "none" or "" => Compression.None,
            "gzip" => Compression.Gzip,
            "snappy" => Compression.Snappy,
            _ => throw new InvalidDataException($"{field}: got \"{text}\"; the simulator writes none or gzip (snappy inside parquet); AEP's bzip2, lz4 and deflate are not simulated"),
        };
        if (compression == Compression.Snappy && fileType != FileType.Parquet)
        {
            throw new InvalidDataException($"{field}: snappy applies only inside parquet files; for {fileType.ToString().ToLowerInvariant()} use none or gzip");
        }
        return compression;
    }

    /// <summary>A field of the server spec: <c>{"templatingStrategy", "value"}</c> (Pebble rendered with the customer's
    /// data, as AEP renders it) or a plain value. Where the files go must not depend on a customer field left empty
    /// (<paramref name="requireCustomerData"/>); format fields test for theirs (<c>customerData contains 'compression'</c>).</summary>
    private static string Resolve(JsonNode node, string field, JsonObject context, IReadOnlyDictionary<string, string> customerData, bool requireCustomerData)
    {
        if (node is not JsonObject templated)
        {
            return node.GetValueKind() == JsonValueKind.String ? (string)node! : node.ToJsonString();
        }
        var value = (string?)templated["value"] ?? throw new InvalidDataException($"{field}.value is missing");
        if ((string?)templated["templatingStrategy"] != "PEBBLE_V1")
        {
            return value;
        }
        List<string> missing = !requireCustomerData ? [] : CustomerDataReference().Matches(value).Select(m => m.Groups[1].Value)
            .Where(name => !customerData.ContainsKey(name)).Distinct().ToList();
        if (missing.Count > 0)
        {
            throw new InvalidDataException($"{field} is \"{value}\": it needs customerData.{string.Join(", customerData.", missing)}"
                + (missing.Contains("tenantId") ? " (give --tenant)" : " (give it in the credentials file's customerData)"));
        }
        try
        {
            return PebbleTemplate.Parse(value).Render(context);
        }
        catch (PebbleTemplateException e)
        {
            throw new InvalidDataException($"{field}: the template \"{value}\" cannot be rendered: {e.Message}");
        }
    }
}
