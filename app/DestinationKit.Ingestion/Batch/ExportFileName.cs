using System.Globalization;
using System.Text.RegularExpressions;

namespace DestinationKit.Ingestion.Batch;

public enum ExportFileType { Csv, Json, Parquet }

/// <summary>
/// What an AEP export file's path says (shared/AEP.md §4.4): its format and compression (extension), the split part
/// (<c>_2</c>, <c>_3</c>, ... before the extension), the audience (<c>%SEGMENT_ID%</c>, an AEP audience id, in the
/// file name or in a folder of the path) and the export time (<c>DATETIME</c> <c>yyyyMMdd_HHmmss</c> or
/// <c>TIMESTAMP</c> Unix seconds). <see cref="BaseName"/> is the name without part suffix and extension: the parts of
/// one export share it.
/// </summary>
public sealed partial record ExportFileName(
    string Path,
    string BaseName,
    ExportFileType FileType,
    bool Gzip,
    int Part,
    string? AudienceId,
    DateTimeOffset? ExportTime)
{
    [GeneratedRegex("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")]
    private static partial Regex Uuid();

    [GeneratedRegex(@"(?:^|_)(\d{8})_(\d{6})(?=_|$)")]
    private static partial Regex DateTimeMacro();

    [GeneratedRegex(@"(?:^|_)(\d{10})(?=_|$)")]
    private static partial Regex TimestampMacro();

    [GeneratedRegex(@"_(\d{1,4})$")]
    private static partial Regex PartSuffix();

    [GeneratedRegex(@"(^|/)manifest-[^/]*\.json$", RegexOptions.IgnoreCase)]
    private static partial Regex ManifestName();

    public static bool IsManifest(string path) => ManifestName().IsMatch(path);

    /// <summary>Parses a path relative to the landing location; null when it is not an export file (by extension).</summary>
    /// <param name="audiencePattern">Optional regex with a group named <c>audience</c>, matched against the path, for audience ids that are not UUIDs.</param>
    public static ExportFileName? TryParse(string path, Regex? audiencePattern = null)
    {
        var slash = path.LastIndexOf('/');
        var name = path[(slash + 1)..];
        var lower = name.ToLowerInvariant();
        var gzip = false;
        if (lower.EndsWith(".gz", StringComparison.Ordinal))
        {
            gzip = true;
            name = name[..^3];
            lower = lower[..^3];
        }
        ExportFileType type;
        if (lower.EndsWith(".csv", StringComparison.Ordinal))
        {
            type = ExportFileType.Csv;
            name = name[..^4];
        }
        else if (lower.EndsWith(".json", StringComparison.Ordinal) || lower.EndsWith(".jsonl", StringComparison.Ordinal))
        {
            type = ExportFileType.Json;
            name = name[..name.LastIndexOf('.')];
        }
        else if (lower.EndsWith(".parquet", StringComparison.Ordinal))
        {
            type = ExportFileType.Parquet;
            name = name[..^8];
            // Spark's own names carry the codec: part-0000.snappy.parquet
            foreach (var codec in (string[])[".snappy", ".gz", ".gzip", ".none"])
            {
                if (name.EndsWith(codec, StringComparison.OrdinalIgnoreCase))
                {
                    name = name[..^codec.Length];
                }
            }
        }
        else
        {
            return null;
        }
        if (IsManifest(path))
        {
            return null;
        }

        var part = 1;
        var partMatch = PartSuffix().Match(name);
        if (partMatch.Success && int.Parse(partMatch.Groups[1].ValueSpan, CultureInfo.InvariantCulture) is >= 2 and var p)
        {
            part = p;
            name = name[..partMatch.Index];
        }

        DateTimeOffset? time = null;
        var dt = DateTimeMacro().Matches(name);
        if (dt.Count > 0)
        {
            var m = dt[^1];
            if (DateTime.TryParseExact(m.Groups[1].Value + m.Groups[2].Value, "yyyyMMddHHmmss", CultureInfo.InvariantCulture,
                    DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var parsed))
            {
                time = new DateTimeOffset(parsed, TimeSpan.Zero);
            }
        }
        else
        {
            var ts = TimestampMacro().Matches(name);
            if (ts.Count > 0 && long.TryParse(ts[^1].Groups[1].ValueSpan, CultureInfo.InvariantCulture, out var seconds))
            {
                time = DateTimeOffset.FromUnixTimeSeconds(seconds);
            }
        }

        string? audience = null;
        if (audiencePattern is not null)
        {
            var m = audiencePattern.Match(path);
            if (m.Success && m.Groups["audience"].Success)
            {
                audience = m.Groups["audience"].Value;
            }
        }
        else
        {
            // %SEGMENT_ID% in the file name, else in the folders (per-audience folders: .../%SEGMENT_ID%/file).
            var inName = Uuid().Match(name);
            if (inName.Success)
            {
                audience = inName.Value;
            }
            else if (slash > 0)
            {
                var folders = Uuid().Matches(path[..slash]);
                audience = folders.Count > 0 ? folders[^1].Value : null;
            }
        }
        var baseName = (slash >= 0 ? path[..(slash + 1)] : "") + name;
        return new ExportFileName(path, baseName, type, gzip, part, audience, time);
    }
}
