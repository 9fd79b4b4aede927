using DestinationKit.Ingestion.Profiles;

namespace DestinationKit.Ingestion.Storage;

/// <summary>
/// The acknowledgement path of every sink: an append-only, durable log of accepted requests. An implementation
/// groups concurrent appends into one durable write (group commit) and completes each append only once its record
/// is durable. SQLite implements it here; the cloud sinks (S3, Azure Blob, GCS) implement it with object writes.
/// </summary>
public interface IRequestLog
{
    /// <summary>Appends a validated contract-v1 body for a tenant; completes with its sequence number once durable.</summary>
    /// <exception cref="StoreUnavailableException">the record could not be made durable (answer 503).</exception>
    /// <exception cref="StoreOverloadedException">the queryable state is too far behind (answer 429).</exception>
    ValueTask<long> AppendAsync(string tenant, byte[] body, long receivedAtMs, CancellationToken cancellationToken);
}

/// <summary>The queryable state built asynchronously, exactly once, from the log.</summary>
public interface IQueryableState
{
    Task<ProfileView?> GetProfileAsync(string tenant, string identityNamespace, string identityId, CancellationToken cancellationToken);

    Task<MembersPage> GetMembersAsync(string tenant, IReadOnlyCollection<string> audienceIds, MemberCursor? after, int limit, CancellationToken cancellationToken);

    /// <summary>How far the queryable state is behind the durable log.</summary>
    Freshness GetFreshness();
}

/// <summary>The audiences AEP creates through its audience-metadata calls. Writes are durable when they return.</summary>
public interface IAudienceStore
{
    /// <summary>Creates the audience, or returns the existing one with the same AEP audience id (idempotent).</summary>
    Task<(Audience Audience, bool Created)> CreateAsync(string tenant, AudienceInput input, CancellationToken cancellationToken);

    Task<Audience?> UpdateAsync(string tenant, string externalAudienceId, AudienceInput input, CancellationToken cancellationToken);

    /// <summary>Marks the audience deleted. Null when it never existed; false when it was already deleted.</summary>
    Task<bool?> DeleteAsync(string tenant, string externalAudienceId, CancellationToken cancellationToken);

    Task<Audience?> GetAsync(string tenant, string externalAudienceId, CancellationToken cancellationToken);

    Task<IReadOnlyList<Audience>> ListAsync(string tenant, string? afterExternalId, int limit, CancellationToken cancellationToken);
}

/// <summary>Whether the store can take writes and answer reads (readiness).</summary>
public interface IStoreHealth
{
    Task<(bool Healthy, string Description)> CheckAsync(CancellationToken cancellationToken);
}

/// <summary>Everything a sink provides.</summary>
public interface IIngestionStore : IRequestLog, IQueryableState, IAudienceStore, IStoreHealth;

public sealed class StoreUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

public sealed class StoreOverloadedException(string message) : Exception(message);

public sealed record Freshness(long DurableSequence, long AppliedSequence, long PendingRequests, double LagSeconds);

public sealed record MembershipView(string Status, DateTimeOffset QualifiedAt);

public sealed record ProfileView(
    Identity Identity,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, MembershipView>> Audiences,
    IReadOnlyDictionary<string, string> AttributesRawJson,
    DateTimeOffset UpdatedAt);

public readonly record struct MemberCursor(string Namespace, string Id);

public sealed record Member(string Namespace, string Id, string AudienceNamespace, string AudienceId, string Status, DateTimeOffset QualifiedAt);

public sealed record MembersPage(IReadOnlyList<Member> Members, MemberCursor? Next);

public sealed record AudienceInput(string? AepAudienceId, string? Name, string? Description, string? SourceJson);

public sealed record Audience(
    string ExternalAudienceId,
    string AepAudienceId,
    string? Name,
    string? Description,
    string? SourceJson,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    bool Deleted);
