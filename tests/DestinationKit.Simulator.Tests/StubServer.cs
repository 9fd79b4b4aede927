using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace DestinationKit.Simulator.Tests;

/// <summary>A request the stub received, with the time since the stub started.</summary>
internal sealed record StubRequest(string Method, string Path, string? Authorization, string? ContentType, string Body, TimeSpan At);

/// <summary>A small HTTP server on 127.0.0.1 that answers as a test tells it and records what it received.</summary>
internal sealed class StubServer : IAsyncDisposable
{
    private readonly HttpListener listener = new();
    private readonly Func<StubRequest, int, (int Status, string Body)> respond;
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private readonly Task loop;
    private int count;

    /// <param name="respond">The answer to a request, given the request and its 0-based number.</param>
    public StubServer(Func<StubRequest, int, (int Status, string Body)> respond)
    {
        this.respond = respond;
        var port = FreePort();
        BaseAddress = new Uri($"http://127.0.0.1:{port}/");
        listener.Prefixes.Add(BaseAddress.AbsoluteUri);
        listener.Start();
        loop = Task.Run(LoopAsync);
    }

    public Uri BaseAddress { get; }

    public ConcurrentQueue<StubRequest> Requests { get; } = new();

    public IReadOnlyList<StubRequest> On(string path) => [.. Requests.Where(r => r.Path == path).OrderBy(r => r.At)];

    private async Task LoopAsync()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            _ = Task.Run(async () =>
            {
                using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
                var body = await reader.ReadToEndAsync();
                var request = new StubRequest(context.Request.HttpMethod, context.Request.Url!.AbsolutePath,
                    context.Request.Headers["Authorization"], context.Request.ContentType, body, clock.Elapsed);
                Requests.Enqueue(request);
                var (status, answer) = respond(request, Interlocked.Increment(ref count) - 1);
                context.Response.StatusCode = status;
                context.Response.ContentType = "application/json";
                var bytes = Encoding.UTF8.GetBytes(answer);
                await context.Response.OutputStream.WriteAsync(bytes);
                context.Response.Close();
            });
        }
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        listener.Stop();
        try
        {
            listener.Close();
        }
        catch (HttpListenerException)
        {
            // Stop released the port; on Linux Close looks its endpoint up again and fails when another test has
            // bound that port since. Nothing of this listener is left open either way.
        }
        await loop;
    }
}
