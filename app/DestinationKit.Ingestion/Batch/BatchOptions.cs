using System.Text.RegularExpressions;

namespace DestinationKit.Ingestion.Batch;

public enum ManifestMode
{
    /// <summary>When the location holds manifests, ingest only the files a manifest lists (the run is complete); otherwise every file.</summary>
    Auto,

    /// <summary>Ingest only the files a manifest lists.</summary>
    Require,

    /// <summary>Ingest every export file; manifests are not read.</summary>
    Ignore,
}

/// <summary>How a column's text is read (CSV has no types; JSON and Parquet carry their own).</summary>
public enum ColumnType { String, Number, Boolean, Date, Timestamp }

/// <summary>AEP's Spark-style <c>csvOptions</c> of the destination server (shared/AEP.md §4.3), as the reader needs them.</summary>
public sealed record CsvReadOptions
{
    /// <summary>The separator: one or more characters (AEP allows several).</summary>
    public string Sep { get; init; } = ",";

    /// <summary>The quote character; <c>\u0000</c> means values are not quoted.</summary>
    public char Quote { get; init; } = '"';

    /// <summary>The escape character of quotes inside quoted values (Spark: <c>\</c>); the quote itself means RFC 4180 doubling.</summary>
    public char Escape { get; init; } = '\\';

    public bool Header { get; init; } = true;

    /// <summary>The text of a null value, as written (unquoted).</summary>
    public string NullValue { get; init; } = "";

    /// <summary>The text of an empty string, as written (Spark's default for writing is <c>""</c>, a quoted empty field).</summary>
    public string EmptyValue { get; init; } = "";

    public string DateFormat { get; init; } = "yyyy-MM-dd";

    public string TimestampFormat { get; init; } = "yyyy-MM-dd'T'HH:mm:ss[.SSS][XXX]";
}

/// <summary>What the batch reader needs to know about a landing location's exports, and how to ingest them.</summary>
public sealed record BatchOptions
{
    /// <summary>The tenant the exports belong to (the same tenant ids as the streaming path's credentials).</summary>
    public required string Tenant { get; init; }

    /// <summary>
    /// The identity columns: each is named after its identity namespace (AEP's file exports name identity columns after
    /// the namespace the customer maps, e.g. <c>email</c>, <c>crm_id</c>). Matched ignoring case.
    /// </summary>
    public required IReadOnlyList<string> IdentityColumns { get; init; }

    /// <summary>The audience status column (<c>segmentMembership.status</c>); rows without it are members (<c>realized</c>).</summary>
    public string StatusColumn { get; init; } = "segmentMembership.status";

    /// <summary>The audience namespace memberships are recorded under (AEP's segmentation service: <c>ups</c>).</summary>
    public string AudienceNamespace { get; init; } = "ups";

    /// <summary>The audience of every file, when the file names carry none (no <c>%SEGMENT_ID%</c>).</summary>
    public string? AudienceId { get; init; }

    /// <summary>A regex with a group <c>audience</c> matched against each path, for audience ids that are not UUIDs.</summary>
    public Regex? AudiencePattern { get; init; }

    /// <summary>The format of every file, instead of reading it from the extension.</summary>
    public ExportFileType? FileType { get; init; }

    public CsvReadOptions Csv { get; init; } = new();

    /// <summary>The column names when CSV files have no header row.</summary>
    public IReadOnlyList<string>? Columns { get; init; }

    /// <summary>Types of CSV columns whose text is not a string (matched ignoring case).</summary>
    public IReadOnlyDictionary<string, ColumnType> ColumnTypes { get; init; } = new Dictionary<string, ColumnType>();

    public ManifestMode Manifest { get; init; } = ManifestMode.Auto;

    /// <summary>Only paths under this folder of the location (relative, <c>/</c>-separated).</summary>
    public string? PathPrefix { get; init; }

    /// <summary>Files modified more recently than this are left for a later run (they may still be being written).</summary>
    public TimeSpan MinFileAge { get; init; } = TimeSpan.Zero;

    /// <summary>Read again the files that failed before and have not changed since.</summary>
    public bool RetryFailed { get; init; }

    /// <summary>Profiles per logged record (one contract-v1 body). The state builder applies up to <c>ApplyBatchMaxRequests</c> records a transaction, so this also bounds its memory.</summary>
    public int ProfilesPerRecord { get; init; } = 250;

    /// <summary>Records handed to the log and not yet durable at once (overlaps parsing with the group commit).</summary>
    public int MaxAppendsInFlight { get; init; } = 8;

    /// <summary>Rows between two progress reports of a file (one more is made when the file is done).</summary>
    public int ProgressEveryRows { get; init; } = 100_000;

    /// <summary>Quarantined rows kept per file in the ledger (all are counted).</summary>
    public int MaxQuarantinedRowsStored { get; init; } = 10_000;
}
