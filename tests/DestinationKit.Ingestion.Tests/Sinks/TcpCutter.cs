using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace DestinationKit.Ingestion.Tests.Sinks;

/// <summary>
/// A TCP forwarder on a loopback port of its own in front of a server. <see cref="CutAsync"/> closes the port and resets
/// every open connection, requests in flight included (the server may or may not have finished them);
/// <see cref="Restore"/> opens the same port again. To the app this is its store going away and coming back.
/// </summary>
public sealed class TcpCutter : IAsyncDisposable
{
    private readonly IPEndPoint _target;
    private readonly ConcurrentDictionary<Socket, byte> _connections = new();
    private TcpListener? _listener;
    private Task? _accepting;

    public TcpCutter(int targetPort)
    {
        _target = new IPEndPoint(IPAddress.Loopback, targetPort);
        Port = LocalServices.FreePort();
        Restore();
    }

    public int Port { get; }

    public string Endpoint => $"http://127.0.0.1:{Port}";

    public void Restore()
    {
        var listener = new TcpListener(IPAddress.Loopback, Port);
        listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Start();
        _listener = listener;
        _accepting = AcceptAsync(listener);
    }

    public async Task CutAsync()
    {
        var listener = _listener;
        _listener = null;
        listener?.Stop();
        foreach (var socket in _connections.Keys)
        {
            try
            {
                socket.LingerState = new LingerOption(true, 0); // RST, as a dead server
                socket.Close();
            }
            catch (ObjectDisposedException)
            {
            }
        }
        _connections.Clear();
        if (_accepting is not null)
        {
            await _accepting;
        }
    }

    private async Task AcceptAsync(TcpListener listener)
    {
        while (true)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync();
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            _ = ForwardAsync(client);
        }
    }

    private async Task ForwardAsync(TcpClient client)
    {
        using var upstream = new TcpClient();
        var sockets = new[] { client.Client, upstream.Client };
        foreach (var socket in sockets)
        {
            _connections[socket] = 0;
        }
        try
        {
            await upstream.ConnectAsync(_target);
            var a = client.GetStream();
            var b = upstream.GetStream();
            await Task.WhenAny(a.CopyToAsync(b), b.CopyToAsync(a));
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or InvalidOperationException)
        {
        }
        finally
        {
            foreach (var socket in sockets)
            {
                _connections.TryRemove(socket, out _);
            }
            client.Dispose();
        }
    }

    public async ValueTask DisposeAsync() => await CutAsync();
}
