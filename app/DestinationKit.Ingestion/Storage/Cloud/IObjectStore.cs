namespace DestinationKit.Ingestion.Storage.Cloud;

/// <summary>
/// The few object operations a cloud sink needs, over one bucket or container. Keys are full keys (prefix included).
/// Any failure is an exception (the sink turns it into <see cref="StoreUnavailableException"/>), except a missing
/// object, which <see cref="GetAsync"/> answers with null.
/// </summary>
public interface IObjectStore : IAsyncDisposable
{
    /// <summary>Where the objects go, for logs and messages (<c>s3://bucket</c>, ...).</summary>
    string Location { get; }

    /// <summary>Writes the whole object; it is durable when the task completes.</summary>
    Task PutAsync(string key, ReadOnlyMemory<byte> content, string contentType, CancellationToken cancellationToken);

    /// <summary>The object's bytes, or null when there is no such object.</summary>
    Task<byte[]?> GetAsync(string key, CancellationToken cancellationToken);

    /// <summary>Keys starting with <paramref name="prefix"/>, in ascending ordinal order.</summary>
    IAsyncEnumerable<string> ListAsync(string prefix, CancellationToken cancellationToken);

    /// <summary>The "folders" directly below <paramref name="prefix"/> (each ends with '/').</summary>
    Task<IReadOnlyList<string>> ListFoldersAsync(string prefix, CancellationToken cancellationToken);

    /// <summary>Throws when the bucket cannot be reached or does not exist.</summary>
    Task CheckAsync(CancellationToken cancellationToken);

    /// <summary>Creates the bucket or container when it does not exist.</summary>
    Task CreateIfMissingAsync(CancellationToken cancellationToken);
}
