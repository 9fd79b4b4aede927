namespace DestinationKit.Ingestion.Batch.Stores;

/// <summary>
/// A landing location AEP exports into: a folder of a bucket, container, SFTP server or local disk. Paths are relative
/// to the location and use <c>/</c>. <see cref="LandingFile.Version"/> changes whenever the content does (an ETag, a
/// generation, or size + modification time where the store has nothing better).
/// </summary>
public interface ILandingStore : IAsyncDisposable
{
    /// <summary>The location without credentials (<c>s3://bucket/prefix</c>): the key under which processed files are remembered.</summary>
    string Location { get; }

    /// <summary>Every file under the location, in any order, listed page by page (never all held at once by the store).</summary>
    IAsyncEnumerable<LandingFile> ListAsync(CancellationToken cancellationToken);

    /// <summary>Opens a file for a forward-only read; the stream may not be seekable.</summary>
    Task<Stream> OpenReadAsync(LandingFile file, CancellationToken cancellationToken);
}

public sealed record LandingFile(string Path, long Size, string Version, DateTimeOffset LastModified);

/// <summary>A local folder (or a mounted share): <c>file:///data/exports</c> or a plain path.</summary>
public sealed class LocalFolderStore(string root) : ILandingStore
{
    private readonly string _root = Path.GetFullPath(root);

    public string Location => "file://" + _root.Replace('\\', '/');

    public async IAsyncEnumerable<LandingFile> ListAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        if (!Directory.Exists(_root))
        {
            throw new DirectoryNotFoundException($"The folder {_root} does not exist.");
        }
        foreach (var path in Directory.EnumerateFiles(_root, "*", SearchOption.AllDirectories))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                continue;
            }
            yield return new LandingFile(
                Path.GetRelativePath(_root, path).Replace('\\', '/'),
                info.Length,
                Version(info),
                new DateTimeOffset(info.LastWriteTimeUtc, TimeSpan.Zero));
        }
    }

    /// <summary>Size and modification time in ticks: local files have no ETag.</summary>
    private static string Version(FileInfo info) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{info.Length}-{info.LastWriteTimeUtc.Ticks}");

    public Task<Stream> OpenReadAsync(LandingFile file, CancellationToken cancellationToken) =>
        Task.FromResult<Stream>(new FileStream(Path.Combine(_root, file.Path), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete,
            1 << 16, FileOptions.SequentialScan | FileOptions.Asynchronous));

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
