using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Renci.SshNet;

namespace DestinationKit.Ingestion.Batch.Stores;

/// <summary>
/// A folder of an SFTP server through SSH.NET, with the RSA key (or password) AEP's SFTP destination uses. Files have
/// no ETag: their version is size + modification time. The server's host key is checked against
/// <paramref name="hostKeySha256"/> (the base64 SHA-256 fingerprint <c>ssh-keygen -lf</c> prints) when given.
/// </summary>
public sealed class SftpLandingStore : ILandingStore
{
    private readonly SftpClient _client;
    private readonly string _root;
    private readonly string _host;
    private readonly int _port;
    private readonly string _user;

    public SftpLandingStore(string host, int port, string user, string root, string? keyFile = null, string? password = null, string? hostKeySha256 = null)
    {
        _host = host;
        _port = port;
        _user = user;
        _root = "/" + root.Trim('/');
        AuthenticationMethod auth = keyFile is not null
            ? new PrivateKeyAuthenticationMethod(user, new PrivateKeyFile(keyFile))
            : new PasswordAuthenticationMethod(user, password ?? throw new ArgumentException("An SFTP key file or password is required."));
        _client = new SftpClient(new Renci.SshNet.ConnectionInfo(host, port, user, auth) { Timeout = TimeSpan.FromSeconds(30) });
        _client.HostKeyReceived += (_, e) =>
        {
            var fingerprint = Convert.ToBase64String(SHA256.HashData(e.HostKey)).TrimEnd('=');
            HostKeyFingerprint = "SHA256:" + fingerprint;
            e.CanTrust = hostKeySha256 is null || hostKeySha256.Replace("SHA256:", "", StringComparison.Ordinal).TrimEnd('=') == fingerprint;
        };
    }

    /// <summary>The SHA-256 fingerprint of the server's host key, once connected.</summary>
    public string? HostKeyFingerprint { get; private set; }

    public string Location => string.Create(CultureInfo.InvariantCulture, $"sftp://{_user}@{_host}:{_port}{_root.TrimEnd('/')}/");

    private async Task EnsureConnectedAsync(CancellationToken ct)
    {
        if (!_client.IsConnected)
        {
            await _client.ConnectAsync(ct).ConfigureAwait(false);
        }
    }

    public async IAsyncEnumerable<LandingFile> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await EnsureConnectedAsync(cancellationToken).ConfigureAwait(false);
        var pending = new Stack<string>();
        pending.Push(_root);
        while (pending.Count > 0)
        {
            var dir = pending.Pop();
            await foreach (var entry in _client.ListDirectoryAsync(dir, cancellationToken).ConfigureAwait(false))
            {
                if (entry.Name is "." or "..")
                {
                    continue;
                }
                if (entry.IsDirectory)
                {
                    pending.Push(entry.FullName);
                }
                else if (entry.IsRegularFile)
                {
                    var relative = entry.FullName[(_root.TrimEnd('/').Length + 1)..];
                    yield return new LandingFile(relative, entry.Length,
                        string.Create(CultureInfo.InvariantCulture, $"{entry.Length}-{entry.LastWriteTimeUtc.Ticks}"),
                        new DateTimeOffset(entry.LastWriteTimeUtc, TimeSpan.Zero));
                }
            }
        }
    }

    public async Task<Stream> OpenReadAsync(LandingFile file, CancellationToken cancellationToken)
    {
        await EnsureConnectedAsync(cancellationToken).ConfigureAwait(false);
        return await _client.OpenAsync(_root.TrimEnd('/') + "/" + file.Path, FileMode.Open, FileAccess.Read, cancellationToken).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync()
    {
        if (_client.IsConnected)
        {
            _client.Disconnect();
        }
        _client.Dispose();
        return ValueTask.CompletedTask;
    }
}
