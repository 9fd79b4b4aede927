using System.Collections.Immutable;
using System.Text.Json;
using System.Text.RegularExpressions;
using DestinationKit.Model.Spec;

namespace DestinationKit.Model.Configuration;

public static partial class DestinationSpecParser
{
    private static readonly IReadOnlyDictionary<string, FileType> FileTypes = new Dictionary<string, FileType>
    {
        ["csv"] = FileType.Csv,
        ["json"] = FileType.Json,
        ["parquet"] = FileType.Parquet,
    };

    private static readonly IReadOnlyDictionary<string, Compression> Compressions = new Dictionary<string, Compression>
    {
        ["none"] = Compression.None,
        ["gzip"] = Compression.Gzip,
        ["snappy"] = Compression.Snappy,
    };

    public static readonly IReadOnlyList<string> ExportModes = ["DAILY_FULL_EXPORT", "FIRST_FULL_THEN_INCREMENTAL"];

    public static readonly IReadOnlyList<string> Frequencies = ["ONCE", "EVERY_3_HOURS", "EVERY_6_HOURS", "EVERY_8_HOURS", "EVERY_12_HOURS", "DAILY"];

    public static readonly IReadOnlyList<string> FilenameAppendOptions =
        ["SEGMENT_NAME", "DESTINATION_INSTANCE_ID", "DESTINATION_INSTANCE_NAME", "ORGANIZATION_NAME", "SANDBOX_NAME", "DATETIME", "TIMESTAMP", "CUSTOM_TEXT"];

    private static readonly IReadOnlyList<string> FilenameMacros =
        ["DESTINATION", "SEGMENT_ID", "SEGMENT_NAME", "DESTINATION_INSTANCE_ID", "DESTINATION_INSTANCE_NAME", "ORGANIZATION_NAME", "SANDBOX_NAME"];

    private static FileFormat? ReadFileFormat(ConfigReader reader, DestinationMode? mode)
    {
        var key = ConfigKeys.FileFormat;
        if (mode != DestinationMode.Batch)
        {
            if (mode is not null) reader.RejectIfSet(key, "by streaming destinations (batch only)");
            return null;
        }
        var json = reader.Json(key, JsonValueKind.Object);
        var fields = new JsonFields(reader, key.Name, json ?? EmptyObject, key.FieldNames);
        var fileType = fields.Choice("fileType", FileTypes) ?? FileType.Csv;
        var compression = fields.Choice("compression", Compressions) ?? (fileType == FileType.Parquet ? Compression.Snappy : Compression.None);
        if (compression == Compression.Snappy && fileType != FileType.Parquet)
            fields.Error("compression", $"got \"snappy\", which applies only inside parquet files; for {Name(FileTypes, fileType)} use none or gzip");
        CsvOptions? csv = null;
        if (fields.Element("csv", JsonValueKind.Object) is { } csvElement)
        {
            if (fileType != FileType.Csv) fields.Error("csv", $"applies only to fileType csv, and fileType is {Name(FileTypes, fileType)}");
            else csv = ReadCsvOptions(new JsonFields(reader, fields.FieldPath("csv"), csvElement,
                ["sep", "quote", "escape", "header", "nullValue", "emptyValue", "quoteAll", "dateFormat", "timestampFormat"]));
        }
        else if (fileType == FileType.Csv)
        {
            csv = ReadCsvOptions(new JsonFields(reader, fields.FieldPath("csv"), EmptyObject, []));
        }
        var maxRows = fields.Int("maxFileRowCount", 5_000_000, 1000, 5_000_000);
        return new FileFormat(fileType, compression, csv, maxRows);
    }

    private static CsvOptions ReadCsvOptions(JsonFields fields)
    {
        var sep = fields.String("sep", maxLength: 8) ?? ",";
        var quote = fields.String("quote") ?? "\"";
        var escape = fields.String("escape") ?? "\\";
        if (sep.Length == 0) fields.Error("sep", "must not be empty");
        if (sep.Contains('\n', StringComparison.Ordinal) || sep.Contains('\r', StringComparison.Ordinal)) fields.Error("sep", "must not contain a line break");
        if (quote.Length != 1) fields.Error("quote", $"got {ConfigReader.Quote(quote)}; expected exactly one character (\\u0000 for no quoting)");
        if (escape.Length != 1) fields.Error("escape", $"got {ConfigReader.Quote(escape)}; expected exactly one character");
        if (quote.Length == 1 && sep.Contains(quote, StringComparison.Ordinal)) fields.Error("sep", $"got {ConfigReader.Quote(sep)}, which contains the quote character");
        return new CsvOptions(sep, quote, escape,
            fields.Bool("header", true),
            fields.String("nullValue", maxLength: 32) ?? "",
            fields.String("emptyValue", maxLength: 32) ?? "",
            fields.Bool("quoteAll", false),
            fields.String("dateFormat", maxLength: 64) ?? "yyyy-MM-dd",
            fields.String("timestampFormat", maxLength: 64) ?? "yyyy-MM-dd'T'HH:mm:ss[.SSS][XXX]");
    }

    private static BatchExportSettings? ReadBatchExport(ConfigReader reader, DestinationMode? mode)
    {
        var key = ConfigKeys.BatchExport;
        if (mode != DestinationMode.Batch)
        {
            if (mode is not null) reader.RejectIfSet(key, "by streaming destinations (batch only)");
            return null;
        }
        var json = reader.Json(key, JsonValueKind.Object);
        var fields = new JsonFields(reader, key.Name, json ?? EmptyObject, key.FieldNames);

        var allowedModes = SubsetOf(fields, "allowedExportModes", ExportModes);
        var defaultMode = fields.Choice("defaultExportMode", ExportModes) ?? ExportModes[0];
        DefaultAmongAllowed(fields, "defaultExportMode", defaultMode, "allowedExportModes", allowedModes);

        var allowedFrequencies = SubsetOf(fields, "allowedFrequencies", Frequencies);
        var defaultFrequency = fields.Choice("defaultFrequency", Frequencies) ?? "DAILY";
        DefaultAmongAllowed(fields, "defaultFrequency", defaultFrequency, "allowedFrequencies", allowedFrequencies);

        var startTime = fields.String("defaultStartTime") ?? "00:00";
        if (!StartTimePattern().IsMatch(startTime))
            fields.Error("defaultStartTime", $"got {ConfigReader.Quote(startTime)}; expected a UTC time of day as HH:mm, e.g. 06:30");

        var filename = fields.String("defaultFilename", maxLength: 200) ?? "%DESTINATION%_%SEGMENT_ID%";
        foreach (Match macro in MacroPattern().Matches(filename))
        {
            var name = macro.Groups[1].Value;
            if (!FilenameMacros.Contains(name, StringComparer.Ordinal))
                fields.Error("defaultFilename", $"uses macro %{name}%, which is not allowed in the default file name; allowed: "
                    + string.Join(", ", FilenameMacros.Select(m => $"%{m}%")) + Suggestions.DidYouMean(name, FilenameMacros));
        }
        if (!filename.Contains("%SEGMENT_ID%", StringComparison.Ordinal))
            fields.Error("defaultFilename", $"got {ConfigReader.Quote(filename)}; it must contain %SEGMENT_ID% so each audience's file is distinct and the ingestion app can tell which audience a file holds");

        var appendOptions = SubsetOf(fields, "filenameAppendOptions", FilenameAppendOptions);
        var defaultAppend = fields.Strings("defaultFilenameAppendOptions") ?? ["DATETIME"];
        foreach (var option in defaultAppend)
            DefaultAmongAllowed(fields, "defaultFilenameAppendOptions", option, "filenameAppendOptions", appendOptions, isList: true);
        if (defaultAppend.Contains("DATETIME") && defaultAppend.Contains("TIMESTAMP"))
            fields.Error("defaultFilenameAppendOptions", "has both DATETIME and TIMESTAMP; AEP allows one of them");

        return new BatchExportSettings(defaultMode, allowedModes.OrEmpty(), defaultFrequency, allowedFrequencies.OrEmpty(), startTime, filename,
            appendOptions.OrEmpty(), defaultAppend);
    }

    /// <summary>A list restricted to <paramref name="allowed"/>; all of them when absent, in the order of allowed;
    /// null when the list itself has errors (then nothing is judged against it).</summary>
    private static ImmutableArray<string>? SubsetOf(JsonFields fields, string field, IReadOnlyList<string> allowed)
    {
        if (!fields.Has(field)) return [.. allowed];
        var given = fields.Strings(field);
        if (given is null) return null;
        var unknown = given.Value.Where(v => !allowed.Contains(v, StringComparer.Ordinal)).ToArray();
        foreach (var value in unknown)
            fields.Error(field, $"got \"{value}\"; allowed: {string.Join(", ", allowed)}{Suggestions.DidYouMean(value, allowed)}");
        if (given.Value.Length == 0) fields.Error(field, $"is empty; list at least one of: {string.Join(", ", allowed)}");
        return unknown.Length > 0 || given.Value.Length == 0 ? null : [.. allowed.Where(given.Value.Contains)];
    }

    /// <summary>A default must be one of the allowed values; a default the user did not set is named as such.</summary>
    private static void DefaultAmongAllowed(JsonFields fields, string field, string value, string listField, ImmutableArray<string>? allowed, bool isList = false)
    {
        if (allowed is not { } list || list.Contains(value)) return;
        fields.Error(field, fields.Has(field)
            ? $"got \"{value}\", which is not in {listField} ({string.Join(", ", list)})"
            : $"is {(isList ? $"[\"{value}\"]" : value)} by default, but {listField} ({string.Join(", ", list)}) does not include {value}; "
              + $"set {field} to {(isList ? "some of them, or []" : "one of them")}");
    }

    [GeneratedRegex("^([01][0-9]|2[0-3]):[0-5][0-9]$")]
    private static partial Regex StartTimePattern();

    [GeneratedRegex("%([A-Z_]+)%")]
    private static partial Regex MacroPattern();
}
