using System.Globalization;
using System.Text;
using DestinationKit.Model.Spec;

namespace DestinationKit.Simulator.Exports;

/// <summary>
/// AEP's export file names (shared/AEP.md §4.4): the destination's <c>defaultFilename</c> with its macros replaced, then
/// the append options in the order AEP's UI lists them, joined with <c>_</c>; <c>DATETIME</c> is
/// <c>yyyyMMdd_HHmmss</c> (UTC) and <c>TIMESTAMP</c> 10-digit Unix seconds. A file split at
/// <c>maxFileRowCount</c> gets <c>_2</c>, <c>_3</c>, ... before the extension; gzip adds <c>.gz</c>.
/// </summary>
public static class ExportFileNames
{
    /// <summary>The append options in the order AEP writes them.</summary>
    public static readonly IReadOnlyList<string> AppendOrder =
    [
        "SEGMENT_NAME", "DESTINATION_INSTANCE_ID", "DESTINATION_INSTANCE_NAME", "ORGANIZATION_NAME", "SANDBOX_NAME",
        "DATETIME", "TIMESTAMP", "CUSTOM_TEXT",
    ];

    public static string BaseName(string defaultFilename, IEnumerable<string> appendOptions, ExportNameContext context)
    {
        var name = new StringBuilder(defaultFilename)
            .Replace("%DESTINATION%", context.Destination)
            .Replace("%SEGMENT_ID%", context.SegmentId)
            .Replace("%SEGMENT_NAME%", context.SegmentName ?? "")
            .Replace("%DESTINATION_INSTANCE_ID%", context.DestinationInstanceId ?? "")
            .Replace("%DESTINATION_INSTANCE_NAME%", context.DestinationInstanceName ?? "")
            .Replace("%ORGANIZATION_NAME%", context.OrganizationName ?? "")
            .Replace("%SANDBOX_NAME%", context.SandboxName ?? "")
            .ToString();
        var selected = appendOptions.ToHashSet(StringComparer.Ordinal);
        foreach (var option in AppendOrder.Where(selected.Contains))
        {
            var part = option switch
            {
                "SEGMENT_NAME" => context.SegmentName,
                "DESTINATION_INSTANCE_ID" => context.DestinationInstanceId,
                "DESTINATION_INSTANCE_NAME" => context.DestinationInstanceName,
                "ORGANIZATION_NAME" => context.OrganizationName,
                "SANDBOX_NAME" => context.SandboxName,
                "DATETIME" => context.ExportTime.UtcDateTime.ToString("yyyyMMdd_HHmmss", CultureInfo.InvariantCulture),
                "TIMESTAMP" => context.ExportTime.ToUnixTimeSeconds().ToString("D10", CultureInfo.InvariantCulture),
                "CUSTOM_TEXT" => context.CustomText,
                _ => null,
            };
            if (!string.IsNullOrEmpty(part))
            {
                name += "_" + part;
            }
        }
        return Sanitize(name);
    }

    /// <summary>The extension of a file of this format: <c>.csv</c>, <c>.json</c> or <c>.parquet</c>, with <c>.gz</c> for gzip (CSV and JSON).</summary>
    public static string Extension(FileFormat format) => format.FileType switch
    {
        FileType.Csv => format.Compression == Compression.Gzip ? ".csv.gz" : ".csv",
        FileType.Json => format.Compression == Compression.Gzip ? ".json.gz" : ".json",
        _ => ".parquet",
    };

    /// <summary>The name of split part <paramref name="part"/> (1-based): the first has no suffix, the next <c>_2</c>, <c>_3</c>, ...</summary>
    public static string PartName(string baseName, int part, string extension) =>
        part == 1 ? baseName + extension : string.Create(CultureInfo.InvariantCulture, $"{baseName}_{part}{extension}");

    /// <summary>AEP's manifest file name: <c>manifest-&lt;destinationId&gt;-&lt;flowRunId&gt;.json</c>.</summary>
    public static string ManifestName(string destinationId, string flowRunId) => $"manifest-{destinationId}-{flowRunId}.json";

    private static string Sanitize(string name)
    {
        var chars = name.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (chars[i] is '/' or '\\' or ':' or '*' or '?' or '"' or '<' or '>' or '|' || char.IsControl(chars[i]))
            {
                chars[i] = '_';
            }
        }
        return new string(chars);
    }
}
