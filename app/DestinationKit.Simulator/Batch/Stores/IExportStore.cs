namespace DestinationKit.Simulator.Batch.Stores;

/// <summary>
/// A folder of a landing store that AEP writes export files into: a bucket prefix, a container folder, an SFTP
/// directory or a local folder. Names are relative to the folder. Uploading a name again replaces the file, as AEP
/// does when a file name has no date or time macro.
/// </summary>
public interface IExportStore : IAsyncDisposable
{
    /// <summary>The folder, without credentials: <c>s3://bucket/acme/</c>, <c>sftp://user@host:22/upload/</c>.</summary>
    string Location { get; }

    /// <summary>Uploads a local file under <paramref name="name"/>; <paramref name="progress"/> gets the bytes sent so far.</summary>
    Task UploadAsync(string localPath, string name, IProgress<long>? progress, CancellationToken cancellationToken);
}

/// <summary>A local folder (or a mounted share).</summary>
public sealed class LocalExportStore(string folder) : IExportStore
{
    private readonly string _folder = Path.GetFullPath(folder);

    public string Location => "file://" + _folder.Replace('\\', '/').TrimEnd('/') + "/";

    public async Task UploadAsync(string localPath, string name, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(_folder);
        var target = Path.Combine(_folder, name);
        await using (var source = File.OpenRead(localPath))
        await using (var destination = File.Create(target))
        {
            await source.CopyToAsync(destination, cancellationToken).ConfigureAwait(false);
        }
        progress?.Report(new FileInfo(target).Length);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
