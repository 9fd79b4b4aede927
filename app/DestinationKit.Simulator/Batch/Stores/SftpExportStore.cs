using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Renci.SshNet;

namespace DestinationKit.Simulator.Batch.Stores;

/// <summary>
/// A directory of an SFTP server through SSH.NET, with what AEP's SFTP destination takes: a user and an RSA private
/// key (<c>SFTP_WITH_SSH_KEY</c>) or a password (<c>SFTP_WITH_PASSWORD</c>). Missing directories are created. The
/// server's host key is checked against <c>hostKeySha256</c> (<c>SHA256:...</c>, as <c>ssh-keygen -lf</c>
/// prints it) when given.
/// </summary>
public sealed class SftpExportStore : IExportStore
{
    private readonly SftpClient _client;
    private readonly string _root;
    private readonly string _display;
    private bool _rootCreated;

    public SftpExportStore(string host, int port, string user, string root, string? privateKeyPem, string? password, string? hostKeySha256)
    {
        _root = "/" + root.Trim('/');
        _display = string.Create(CultureInfo.InvariantCulture, $"sftp://{user}@{host}:{port}{_root.TrimEnd('/')}/");
        AuthenticationMethod auth;
        if (privateKeyPem is not null)
        {
            using var key = new MemoryStream(Encoding.UTF8.GetBytes(privateKeyPem));
            auth = new PrivateKeyAuthenticationMethod(user, new PrivateKeyFile(key));
        }
        else
        {
            auth = new PasswordAuthenticationMethod(user, password ?? throw new InvalidDataException($"{_display}: give an RSA private key or a password"));
        }
        _client = new SftpClient(new ConnectionInfo(host, port, user, auth) { Timeout = TimeSpan.FromSeconds(30) });
        _client.HostKeyReceived += (_, e) =>
        {
            var fingerprint = Convert.ToBase64String(SHA256.HashData(e.HostKey)).TrimEnd('=');
            e.CanTrust = hostKeySha256 is null || hostKeySha256.Replace("SHA256:", "", StringComparison.Ordinal).TrimEnd('=') == fingerprint;
        };
    }

    public string Location => _display;

    public async Task UploadAsync(string localPath, string name, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        if (!_client.IsConnected)
        {
            await _client.ConnectAsync(cancellationToken).ConfigureAwait(false);
        }
        if (!_rootCreated)
        {
            await CreateDirectoriesAsync(_root, cancellationToken).ConfigureAwait(false);
            _rootCreated = true;
        }
        await using var file = File.OpenRead(localPath);
        var reporter = progress is null ? null : new Reporter<UploadFileProgressReport>(r => progress.Report((long)r.TotalBytesUploaded));
        await _client.UploadFileAsync(file, _root.TrimEnd('/') + "/" + name, canOverride: true, reporter, cancellationToken).ConfigureAwait(false);
    }

    private async Task CreateDirectoriesAsync(string path, CancellationToken cancellationToken)
    {
        var current = "";
        foreach (var part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            current += "/" + part;
            if (!await _client.ExistsAsync(current, cancellationToken).ConfigureAwait(false))
            {
                await _client.CreateDirectoryAsync(current, cancellationToken).ConfigureAwait(false);
            }
        }
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
