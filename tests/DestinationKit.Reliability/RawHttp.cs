using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace DestinationKit.Reliability;

/// <summary>What came back for one raw request: a status line and body, or the connection closed without one.</summary>
public sealed record RawResponse(int Status, string? ContentType, byte[] Body, bool ConnectionClose)
{
    public static readonly RawResponse Closed = new(0, null, [], true);

    public bool IsClosed => Status == 0;

    public string BodyText => Encoding.UTF8.GetString(Body.AsSpan(0, Math.Min(Body.Length, 400)));
}

/// <summary>
/// A minimal HTTP/1.1 client over a socket: sends exactly the bytes it is given (no normalisation, so it can send
/// what HttpClient refuses to: bad framing, raw bytes in paths and headers, conflicting lengths) and reads one answer
/// (Content-Length or chunked). Keeps the connection for the next request unless either side asked to close it.
/// </summary>
public sealed class RawHttpConnection(IPEndPoint server) : IDisposable
{
    private Socket? _socket;
    private byte[] _buffer = new byte[64 * 1024];
    private int _start, _end;

    public async Task<RawResponse> SendAsync(byte[] request, TimeSpan timeout, bool closeAfter = false)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            var socket = await ConnectedAsync(cts.Token);
            // Sent while the answer is read: a server may answer (413, 401) before it has read a large body, then close.
            var sending = SendAllAsync(socket, request, cts.Token);
            var response = await ReadResponseAsync(socket, cts.Token);
            var sentWhole = await sending;
            if (response.ConnectionClose || closeAfter || !sentWhole)
            {
                Reset();
            }
            return response;
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            Reset();
            return RawResponse.Closed;
        }
    }

    /// <summary>Sends the request; false when the server closed the connection before taking all of it.</summary>
    private static async Task<bool> SendAllAsync(Socket socket, byte[] request, CancellationToken cancellationToken)
    {
        try
        {
            await socket.SendAsync(request, SocketFlags.None, cancellationToken);
            return true;
        }
        catch (Exception ex) when (ex is SocketException or IOException or ObjectDisposedException)
        {
            return false;
        }
    }

    /// <summary>Opens a connection of its own, for requests sent piece by piece (slow bodies and headers).</summary>
    public async Task<Socket> OpenAsync(CancellationToken cancellationToken)
    {
        Reset();
        return await ConnectedAsync(cancellationToken);
    }

    private async Task<Socket> ConnectedAsync(CancellationToken cancellationToken)
    {
        if (_socket is { Connected: true })
        {
            return _socket;
        }
        Reset();
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(server, cancellationToken);
        _socket = socket;
        return socket;
    }

    private async Task<RawResponse> ReadResponseAsync(Socket socket, CancellationToken cancellationToken)
    {
        string[] lines;
        int status;
        while (true)
        {
            var head = await ReadLineBlockAsync(socket, cancellationToken);
            if (head is null)
            {
                return RawResponse.Closed;
            }
            lines = head.Split("\r\n");
            var statusParts = lines[0].Split(' ', 3);
            if (statusParts.Length < 2 || !int.TryParse(statusParts[1], NumberStyles.None, CultureInfo.InvariantCulture, out status))
            {
                return RawResponse.Closed;
            }
            if (status >= 200)
            {
                break; // 100 Continue (and other interim answers) precede the real one
            }
        }
        string? contentType = null;
        long? length = null;
        var chunked = false;
        var close = lines[0].StartsWith("HTTP/1.0", StringComparison.Ordinal);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }
            var name = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                contentType = value;
            }
            else if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                length = long.Parse(value, CultureInfo.InvariantCulture);
            }
            else if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                chunked = value.Contains("chunked", StringComparison.OrdinalIgnoreCase);
            }
            else if (name.Equals("Connection", StringComparison.OrdinalIgnoreCase))
            {
                close |= value.Contains("close", StringComparison.OrdinalIgnoreCase);
            }
        }
        byte[] body;
        if (chunked)
        {
            using var collected = new MemoryStream();
            while (true)
            {
                var sizeLine = await ReadLineAsync(socket, cancellationToken) ?? throw new IOException("closed in a chunk");
                var size = int.Parse(sizeLine.Split(';')[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                if (size == 0)
                {
                    await ReadLineAsync(socket, cancellationToken);
                    break;
                }
                collected.Write(await ReadExactlyAsync(socket, size, cancellationToken));
                await ReadLineAsync(socket, cancellationToken);
            }
            body = collected.ToArray();
        }
        else if (length is { } n)
        {
            body = await ReadExactlyAsync(socket, checked((int)n), cancellationToken);
        }
        else
        {
            body = [];
            close = true; // no framing: the body runs to the end of the connection, which we do not wait for
        }
        return new RawResponse(status, contentType, body, close);
    }

    private async Task<string?> ReadLineBlockAsync(Socket socket, CancellationToken cancellationToken)
    {
        var sb = new StringBuilder();
        while (true)
        {
            var line = await ReadLineAsync(socket, cancellationToken);
            if (line is null)
            {
                return sb.Length == 0 ? null : sb.ToString();
            }
            if (line.Length == 0)
            {
                return sb.ToString();
            }
            if (sb.Length > 0)
            {
                sb.Append("\r\n");
            }
            sb.Append(line);
        }
    }

    private async Task<string?> ReadLineAsync(Socket socket, CancellationToken cancellationToken)
    {
        while (true)
        {
            var span = _buffer.AsSpan(_start, _end - _start);
            var lf = span.IndexOf((byte)'\n');
            if (lf >= 0)
            {
                var line = Encoding.Latin1.GetString(span[..(lf > 0 && span[lf - 1] == '\r' ? lf - 1 : lf)]);
                _start += lf + 1;
                return line;
            }
            if (!await FillAsync(socket, cancellationToken))
            {
                return null;
            }
        }
    }

    private async Task<byte[]> ReadExactlyAsync(Socket socket, int count, CancellationToken cancellationToken)
    {
        var result = new byte[count];
        var copied = 0;
        while (copied < count)
        {
            if (_end == _start && !await FillAsync(socket, cancellationToken))
            {
                throw new IOException("closed in a body");
            }
            var n = Math.Min(count - copied, _end - _start);
            _buffer.AsSpan(_start, n).CopyTo(result.AsSpan(copied));
            _start += n;
            copied += n;
        }
        return result;
    }

    private async Task<bool> FillAsync(Socket socket, CancellationToken cancellationToken)
    {
        if (_start == _end)
        {
            _start = _end = 0;
        }
        else if (_end == _buffer.Length)
        {
            if (_start == 0)
            {
                Array.Resize(ref _buffer, _buffer.Length * 2);
            }
            else
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }
        }
        var n = await socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, cancellationToken);
        _end += n;
        return n > 0;
    }

    private void Reset()
    {
        _socket?.Dispose();
        _socket = null;
        _start = _end = 0;
    }

    public void Dispose() => Reset();
}
