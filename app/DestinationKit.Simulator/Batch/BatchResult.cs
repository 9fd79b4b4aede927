using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json.Nodes;
using DestinationKit.Simulator.Exports;
using DestinationKit.Simulator.Profiles;
using DestinationKit.Simulator.Terminal;

namespace DestinationKit.Simulator.Batch;

/// <summary>One audience's export: its files in split order and its rows by status.</summary>
public sealed record AudienceExport(SampleAudience Audience, ImmutableArray<ExportedFile> Files, long Realized, long Exited)
{
    public long Rows => Files.Sum(f => f.Rows);

    public long Bytes => Files.Sum(f => f.Size);
}

/// <summary>What a <c>simulate batch</c> run wrote, for the readable report and the JSON summary CI asserts on.</summary>
public sealed record BatchResult
{
    public required string Destination { get; init; }
    public required string ServerType { get; init; }

    /// <summary>The folder written into, without credentials.</summary>
    public required string Location { get; init; }

    public required BatchPlan Plan { get; init; }
    public int ProfilesGenerated { get; init; }
    public IReadOnlyList<AudienceExport> Audiences { get; init; } = [];
    public ExportedFile? Manifest { get; init; }

    /// <summary>Why the run stopped (a store or network failure), holding no secret; null when every file was written.</summary>
    public string? Error { get; init; }

    public TimeSpan Duration { get; init; }

    public bool Ok => Error is null;

    public int Files => Audiences.Sum(a => a.Files.Length);

    public long Rows => Audiences.Sum(a => a.Rows);

    /// <summary>Bytes of the export files (the manifest not included).</summary>
    public long Bytes => Audiences.Sum(a => a.Bytes);

    /// <summary>The machine-readable summary (docs/simulator.md describes every field). Holds no credential.</summary>
    public JsonObject ToSummary()
    {
        var format = Plan.Format;
        var summary = new JsonObject
        {
            ["command"] = "simulate batch",
            ["ok"] = Ok,
            ["destination"] = Destination,
            ["serverType"] = ServerType,
            ["location"] = Location,
            ["format"] = new JsonObject
            {
                ["fileType"] = format.FileType.ToString().ToLowerInvariant(),
                ["compression"] = format.Compression.ToString().ToLowerInvariant(),
                ["maxFileRowCount"] = format.MaxFileRowCount,
                ["csvOptions"] = format.Csv is { } csv
                    ? new JsonObject
                    {
                        ["sep"] = csv.Sep, ["quote"] = csv.Quote, ["escape"] = csv.Escape, ["header"] = csv.Header, ["nullValue"] = csv.NullValue,
                        ["emptyValue"] = csv.EmptyValue, ["quoteAll"] = csv.QuoteAll, ["dateFormat"] = csv.DateFormat, ["timestampFormat"] = csv.TimestampFormat,
                    }
                    : null,
            },
            ["exportMode"] = Plan.ExportMode,
            ["exportTime"] = Plan.ExportTime.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            ["runId"] = Plan.RunId,
            ["flowRunId"] = Plan.FlowRunId,
            ["destinationInstanceId"] = Plan.DestinationInstanceId,
            ["filename"] = new JsonObject { ["defaultFilename"] = Plan.DefaultFilename, ["appendOptions"] = Strings(Plan.AppendOptions) },
            ["identityColumns"] = Strings(Plan.IdentityColumns),
            ["attributeColumns"] = Strings(Plan.AttributeColumns),
            ["profilesGenerated"] = ProfilesGenerated,
            ["files"] = Files,
            ["rows"] = Rows,
            ["bytes"] = Bytes,
            ["audiences"] = new JsonArray([.. Audiences.Select(a => (JsonNode)new JsonObject
            {
                ["segmentId"] = a.Audience.Id,
                ["name"] = a.Audience.Name,
                ["rows"] = a.Rows,
                ["realized"] = a.Realized,
                ["exited"] = a.Exited,
                ["bytes"] = a.Bytes,
                ["files"] = new JsonArray([.. a.Files.Select(f => (JsonNode)new JsonObject { ["name"] = f.Name, ["rows"] = f.Rows, ["bytes"] = f.Size })]),
            })]),
            ["manifest"] = Manifest is { } m ? new JsonObject { ["name"] = m.Name, ["bytes"] = m.Size } : null,
            ["durationMs"] = Math.Round(Duration.TotalMilliseconds),
        };
        if (Error is not null) summary["error"] = Error;
        return summary;
    }

    private static JsonArray Strings(IEnumerable<string> values) => new([.. values.Select(v => (JsonNode)v)]);

    /// <summary>The readable report.</summary>
    public void Print(TextWriter writer)
    {
        var format = Plan.Format;
        writer.WriteLine($"{Destination}: {ServerType} export into {Location}");
        writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {format.FileType.ToString().ToLowerInvariant()}, compression {format.Compression.ToString().ToLowerInvariant()}, up to {format.MaxFileRowCount:N0} rows a file; {Plan.ExportMode}, scheduled {Plan.ExportTime.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z"));
        writer.WriteLine($"  columns: {string.Join(", ", Plan.IdentityColumns.Concat([ExportLayout.DefaultStatusColumn]).Concat(Plan.AttributeColumns))}");
        foreach (var a in Audiences)
        {
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {a.Audience.Id}  {a.Rows,9:N0} rows ({a.Realized:N0} realized, {a.Exited:N0} exited)  {ProgressDisplay.Format(a.Bytes, ProgressDisplay.Bytes),9}  {Printable(a.Audience.Name)}"));
            foreach (var f in a.Files)
            {
                writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"      {f.Name}  {f.Rows:N0} rows  {ProgressDisplay.Format(f.Size, ProgressDisplay.Bytes)}"));
            }
        }
        if (Manifest is { } m) writer.WriteLine($"  manifest: {m.Name}");
        writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{Audiences.Count} audiences, {Files} files, {Rows:N0} rows, {ProgressDisplay.Format(Bytes, ProgressDisplay.Bytes)} from {ProfilesGenerated:N0} profiles in {Duration.TotalSeconds:F1} s"));
        writer.WriteLine(Ok ? "OK" : $"NOT OK: {Error}");
    }

    /// <summary>Audience names carry line breaks on purpose; the report shows them escaped.</summary>
    private static string Printable(string text) => text.Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
