using System.Collections.Immutable;

namespace DestinationKit.Simulator.Exports;

/// <summary>
/// One profile as AEP puts it in a file export: one row. <see cref="Identities"/> maps an identity namespace to its id
/// (null when the profile has none in that namespace); <see cref="Status"/> is the value of the
/// <c>segmentMembership.status</c> column for the file's audience (<c>realized</c>, or <c>exited</c> in incremental
/// exports); <see cref="Attributes"/> maps a column name to a string, number, boolean, <see cref="DateOnly"/>,
/// <see cref="DateTimeOffset"/> or null.
/// </summary>
public sealed record ExportProfile(
    IReadOnlyDictionary<string, string?> Identities,
    string Status,
    IReadOnlyDictionary<string, object?> Attributes);

public enum ExportColumnType { String, Long, Double, Boolean, Date, Timestamp }

public sealed record ExportColumn(string Name, ExportColumnType Type = ExportColumnType.String);

/// <summary>
/// The columns of an export file, in order: the identity columns (one per namespace, named after it), then the
/// audience status column (<see cref="StatusColumn"/>, omitted when null), then the attribute columns.
/// </summary>
public sealed record ExportLayout(ImmutableArray<string> IdentityNamespaces, ImmutableArray<ExportColumn> Attributes)
{
    public const string DefaultStatusColumn = "segmentMembership.status";

    public string? StatusColumn { get; init; } = DefaultStatusColumn;

    public IEnumerable<string> ColumnNames =>
        IdentityNamespaces.Concat(StatusColumn is null ? [] : [StatusColumn]).Concat(Attributes.Select(a => a.Name));
}

/// <summary>The values of AEP's file-name macros for one audience of one run (shared/AEP.md §4.4).</summary>
public sealed record ExportNameContext(
    string Destination,
    string SegmentId,
    DateTimeOffset ExportTime)
{
    public string? SegmentName { get; init; }
    public string? DestinationInstanceId { get; init; }
    public string? DestinationInstanceName { get; init; }
    public string? OrganizationName { get; init; }
    public string? SandboxName { get; init; }
    public string? CustomText { get; init; }
}

/// <summary>A file the writer produced: its name relative to the export folder, its size and its data rows.</summary>
public sealed record ExportedFile(string Name, long Size, long Rows);

/// <summary>The files of one audience in one run, in split order (<c>name</c>, <c>name_2</c>, ...).</summary>
public sealed record AudienceExportResult(string SegmentId, ImmutableArray<ExportedFile> Files)
{
    public long Rows => Files.Sum(f => f.Rows);
}
