using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace DestinationKit.Reliability;

/// <summary>How the proxy treats the traffic to the sink's server.</summary>
public enum FaultMode
{
    /// <summary>Forwards everything.</summary>
    Pass,

    /// <summary>The port is closed: connections are refused (the server stopped).</summary>
    Stop,

    /// <summary>Connections are accepted and reset at once (RST), requests in flight included.</summary>
    Reset,

    /// <summary>Connections are accepted and nothing is ever answered (a hung server, a black-holed route).</summary>
    Blackhole,

    /// <summary>Every chunk of data in either direction is held back (a slow server or link).</summary>
    Slow,

    /// <summary>Every HTTP request is answered 503 SlowDown or 500 InternalError, as S3 does under pressure.</summary>
    Errors,
}

/// <summary>
/// A TCP proxy on a loopback port of its own in front of the sink's server, whose <see cref="Mode"/> can change at
/// any time. A change of mode resets the connections open at that moment, so the client's pooled connections meet
/// the new behaviour at once.
/// </summary>
public sealed class FaultProxy : IAsyncDisposable
{
    private readonly IPEndPoint _target;
    private readonly ConcurrentDictionary<Socket, byte> _connections = new();
    private readonly CancellationTokenSource _stop = new();
    private TcpListener? _listener;
    private Task? _accepting;
    private volatile FaultMode _mode = FaultMode.Pass;
    private int _errorCount;

    public FaultProxy(int targetPort, TimeSpan slowDelay)
    {
        _target = new IPEndPoint(IPAddress.Loopback, targetPort);
        SlowDelay = slowDelay;
        Port = AppProcess.FreePort();
        Listen();
    }

    public int Port { get; }

    public string Endpoint => $"http://127.0.0.1:{Port}";

    /// <summary>Added before every chunk forwarded in <see cref="FaultMode.Slow"/>.</summary>
    public TimeSpan SlowDelay { get; }

    /// <summary>HTTP error answers given in <see cref="FaultMode.Errors"/>.</summary>
    public int ErrorsAnswered => Volatile.Read(ref _errorCount);

    public FaultMode Mode => _mode;

    public async Task SetModeAsync(FaultMode mode)
    {
        if (mode == _mode)
        {
            return;
        }
        var wasStopped = _mode == FaultMode.Stop;
        _mode = mode;
        if (mode == FaultMode.Stop)
        {
            var listener = _listener;
            _listener = null;
            listener?.Stop();
            if (_accepting is not null)
            {
                await _accepting;
            }
        }
        ResetAll();
        if (wasStopped)
        {
            Listen();
        }
    }

    private void Listen()
    {
        var listener = new TcpListener(IPAddress.Loopback, Port);
        listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Start();
        _listener = listener;
        _accepting = AcceptAsync(listener);
    }

    private void ResetAll()
    {
        // One by one: a connection accepted while this runs is either reset here or sees the new mode itself.
        foreach (var socket in _connections.Keys)
        {
            if (_connections.TryRemove(socket, out _))
            {
                Abort(socket);
            }
        }
    }

    private static void Abort(Socket socket)
    {
        try
        {
            socket.LingerState = new LingerOption(true, 0); // RST
            socket.Close();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private async Task AcceptAsync(TcpListener listener)
    {
        while (true)
        {
            Socket client;
            try
            {
                client = await listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException or InvalidOperationException or OperationCanceledException)
            {
                return;
            }
            _ = HandleAsync(client);
        }
    }

    private async Task HandleAsync(Socket client)
    {
        _connections[client] = 0;
        try
        {
            switch (_mode)
            {
                case FaultMode.Reset:
                    Abort(client);
                    return;
                case FaultMode.Blackhole:
                    var sink = new byte[16 * 1024];
                    while (await client.ReceiveAsync(sink, SocketFlags.None, _stop.Token) > 0)
                    {
                    }
                    return;
                case FaultMode.Errors:
                    await AnswerErrorsAsync(client);
                    return;
                default:
                    await ForwardAsync(client);
                    return;
            }
        }
        catch (Exception ex) when (ex is SocketException or IOException or ObjectDisposedException or OperationCanceledException)
        {
        }
        finally
        {
            _connections.TryRemove(client, out _);
            client.Dispose();
        }
    }

    private async Task ForwardAsync(Socket client)
    {
        using var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        _connections[upstream] = 0;
        try
        {
            await upstream.ConnectAsync(_target, _stop.Token);
            await Task.WhenAny(PumpAsync(client, upstream), PumpAsync(upstream, client));
        }
        finally
        {
            _connections.TryRemove(upstream, out _);
        }
    }

    private async Task PumpAsync(Socket from, Socket to)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                var n = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                if (n == 0)
                {
                    to.Shutdown(SocketShutdown.Send);
                    return;
                }
                var mode = _mode;
                if (mode is not (FaultMode.Pass or FaultMode.Slow))
                {
                    Abort(from); // the mode changed under this connection: it must not carry on as if nothing happened
                    Abort(to);
                    return;
                }
                if (mode == FaultMode.Slow)
                {
                    await Task.Delay(SlowDelay, _stop.Token);
                }
                await to.SendAsync(buffer.AsMemory(0, n), SocketFlags.None, _stop.Token);
            }
        }
        catch (Exception ex) when (ex is SocketException or IOException or ObjectDisposedException or OperationCanceledException)
        {
        }
    }

    /// <summary>Reads each request's head and body (Content-Length) and answers an S3 error, then closes.</summary>
    private async Task AnswerErrorsAsync(Socket client)
    {
        var buffer = new List<byte>();
        var chunk = new byte[16 * 1024];
        int headEnd;
        while ((headEnd = IndexOfHeadEnd(buffer)) < 0)
        {
            var n = await client.ReceiveAsync(chunk, SocketFlags.None, _stop.Token);
            if (n == 0)
            {
                return;
            }
            buffer.AddRange(chunk.AsSpan(0, n));
        }
        var head = Encoding.Latin1.GetString(buffer.GetRange(0, headEnd).ToArray());
        var expectsContinue = head.Contains("100-continue", StringComparison.OrdinalIgnoreCase);
        var length = head.Split("\r\n").Select(l => l.Split(':', 2)).Where(p => p.Length == 2 && p[0].Trim().Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            .Select(p => long.Parse(p[1].Trim(), CultureInfo.InvariantCulture)).FirstOrDefault();
        // Take the body in (unless the client waits for 100 Continue), so the client reads our answer rather than a reset.
        var received = buffer.Count - headEnd - 4;
        while (!expectsContinue && received < length)
        {
            var n = await client.ReceiveAsync(chunk, SocketFlags.None, _stop.Token);
            if (n == 0)
            {
                return;
            }
            received += n;
        }
        var internalError = Interlocked.Increment(ref _errorCount) % 2 == 0;
        var (status, code, message) = internalError
            ? ("500 Internal Server Error", "InternalError", "We encountered an internal error. Please try again.")
            : ("503 Slow Down", "SlowDown", "Please reduce your request rate.");
        var xml = $"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{code}</Code><Message>{message}</Message><RequestId>fault-proxy</RequestId></Error>";
        var response = $"HTTP/1.1 {status}\r\nContent-Type: application/xml\r\nContent-Length: {Encoding.UTF8.GetByteCount(xml)}\r\nConnection: close\r\n\r\n{xml}";
        await client.SendAsync(Encoding.UTF8.GetBytes(response), SocketFlags.None, _stop.Token);
        client.Shutdown(SocketShutdown.Send);
    }

    private static int IndexOfHeadEnd(List<byte> buffer)
    {
        for (var i = 3; i < buffer.Count; i++)
        {
            if (buffer[i - 3] == '\r' && buffer[i - 2] == '\n' && buffer[i - 1] == '\r' && buffer[i] == '\n')
            {
                return i - 3;
            }
        }
        return -1;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener?.Stop();
        if (_accepting is not null)
        {
            await _accepting;
        }
        ResetAll();
        _stop.Dispose();
    }
}
