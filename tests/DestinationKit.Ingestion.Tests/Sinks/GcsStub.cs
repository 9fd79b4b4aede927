using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace DestinationKit.Ingestion.Tests.Sinks;

/// <summary>
/// A small in-memory server of the Google Cloud Storage JSON API on 127.0.0.1, with only what Google.Cloud.Storage.V1
/// calls for the sink: bucket get and insert, object insert (resumable, multipart and media uploads), object get
/// (metadata and <c>alt=media</c>), list (prefix, delimiter, pages) and delete. No emulator can run on this machine
/// (docs/local-services.md), so the GCS sink is tested against this. It can be stopped and started again on the same
/// port, keeping its objects, to play an outage.
/// </summary>
public sealed class GcsStub : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, byte> _buckets = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Bucket, string Name), StoredObject> _objects = new();
    private readonly ConcurrentDictionary<string, Upload> _uploads = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _unhandled = new();
    private readonly ConcurrentQueue<string> _log = new();
    private WebApplication? _app;
    private long _generation = 1_700_000_000_000_000;

    private sealed record StoredObject(string Bucket, string Name, byte[] Content, string ContentType, long Generation, DateTimeOffset Created);

    private sealed class Upload(string bucket, string name, string contentType)
    {
        public string Bucket { get; } = bucket;
        public string Name { get; } = name;
        public string ContentType { get; } = contentType;
        public MemoryStream Received { get; } = new();
    }

    public int Port { get; private set; }

    public Uri Endpoint => new($"http://127.0.0.1:{Port}/");

    /// <summary>Requests the stub could not answer (a test asserts none).</summary>
    public IReadOnlyCollection<string> Unhandled => _unhandled;

    public int PutCount;

    /// <summary>Every request with its answer, for a failing test's message.</summary>
    public string Log => string.Join('\n', _log);

    public static async Task<GcsStub> StartAsync()
    {
        var stub = new GcsStub();
        await stub.StartOnAsync(0);
        return stub;
    }

    /// <summary>Starts again on the same port after <see cref="StopAsync"/>, with the same objects.</summary>
    public Task RestartAsync() => StartOnAsync(Port);

    public async Task StopAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            _app = null;
        }
    }

    public ValueTask DisposeAsync() => new(StopAsync());

    public IEnumerable<string> ObjectNames(string bucket) => _objects.Keys.Where(k => k.Bucket == bucket).Select(k => k.Name).Order(StringComparer.Ordinal);

    private async Task StartOnAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        app.Run(HandleAsync);
        await app.StartAsync();
        _app = app;
        Port = ((IPEndPoint)GetBoundEndPoint(app)).Port;
    }

    private static EndPoint GetBoundEndPoint(WebApplication app)
    {
        var addresses = app.Services.GetService(typeof(Microsoft.AspNetCore.Hosting.Server.IServer)) is Microsoft.AspNetCore.Hosting.Server.IServer server
            ? server.Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()?.Addresses
            : null;
        var first = addresses?.FirstOrDefault() ?? throw new InvalidOperationException("the stub has no address");
        return new IPEndPoint(IPAddress.Loopback, new Uri(first).Port);
    }

    private async Task HandleAsync(HttpContext context)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()!.RawTarget;
        var q = raw.IndexOf('?', StringComparison.Ordinal);
        var path = q < 0 ? raw : raw[..q];
        var query = context.Request.Query;
        var segments = path.Trim('/').Split('/').Select(Uri.UnescapeDataString).ToArray();
        var method = context.Request.Method;
        if (context.Request.Headers.ContentEncoding.ToString() == "gzip")
        {
            // The Google API client compresses request bodies (GZipEnabled by default).
            context.Request.Body = new System.IO.Compression.GZipStream(context.Request.Body, System.IO.Compression.CompressionMode.Decompress);
            context.Request.Headers.ContentLength = null;
        }
        context.Response.OnStarting(() =>
        {
            _log.Enqueue($"{method} {raw} -> {context.Response.StatusCode}");
            return Task.CompletedTask;
        });
        try
        {
            // storage/v1/b[/{bucket}[/o[/{object}]]], upload/storage/v1/b/{bucket}/o, download/storage/v1/b/{bucket}/o/{object}
            var root = segments.Length >= 3 && segments[1] == "storage" && segments[2] == "v1" ? segments[0] : segments.Length >= 2 && segments[0] == "storage" && segments[1] == "v1" ? "" : null;
            var rest = root switch { "" => segments[2..], null => [], _ => segments[3..] };
            if (root is null || rest.Length == 0 || rest[0] != "b")
            {
                await UnhandledAsync(context, method, raw);
                return;
            }
            if (root == "" && rest.Length == 1 && method == "POST")
            {
                var body = await JsonNode.ParseAsync(context.Request.Body);
                var name = body!["name"]!.GetValue<string>();
                _buckets[name] = 0;
                await WriteJsonAsync(context, 200, BucketJson(name));
                return;
            }
            var bucket = rest.Length > 1 ? rest[1] : "";
            if (rest.Length == 2 && root == "" && method == "GET")
            {
                if (!_buckets.ContainsKey(bucket))
                {
                    await ErrorAsync(context, 404, "Not Found");
                    return;
                }
                await WriteJsonAsync(context, 200, BucketJson(bucket));
                return;
            }
            if (!_buckets.ContainsKey(bucket))
            {
                await ErrorAsync(context, 404, "The specified bucket does not exist.");
                return;
            }
            if (root == "upload" && rest.Length == 3 && rest[2] == "o")
            {
                await UploadAsync(context, bucket);
                return;
            }
            if (rest.Length == 3 && rest[2] == "o" && method == "GET" && root == "")
            {
                await ListAsync(context, bucket);
                return;
            }
            if (rest.Length >= 4 && rest[2] == "o")
            {
                var name = string.Join('/', rest[3..]);
                if (!_objects.TryGetValue((bucket, name), out var o))
                {
                    await ErrorAsync(context, 404, "No such object: " + bucket + "/" + name);
                    return;
                }
                if (method == "DELETE")
                {
                    _objects.TryRemove((bucket, name), out _);
                    context.Response.StatusCode = 204;
                    return;
                }
                if (method == "GET" && (root == "download" || query["alt"] == "media"))
                {
                    context.Response.StatusCode = 200;
                    context.Response.ContentType = o.ContentType;
                    context.Response.ContentLength = o.Content.Length;
                    await context.Response.Body.WriteAsync(o.Content);
                    return;
                }
                if (method == "GET")
                {
                    await WriteJsonAsync(context, 200, ObjectJson(o));
                    return;
                }
            }
            await UnhandledAsync(context, method, raw);
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException)
        {
            await ErrorAsync(context, 400, ex.Message);
        }
    }

    private async Task UploadAsync(HttpContext context, string bucket)
    {
        var query = context.Request.Query;
        var type = query["uploadType"].ToString();
        if (type == "resumable" && context.Request.Method == "POST")
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            var metadata = body.Length > 0 ? JsonNode.Parse(body.ToArray()) : null;
            var name = metadata?["name"]?.GetValue<string>() ?? query["name"].ToString();
            var contentType = context.Request.Headers["X-Upload-Content-Type"].ToString() is { Length: > 0 } t ? t : metadata?["contentType"]?.GetValue<string>() ?? "application/octet-stream";
            var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
            _uploads[id] = new Upload(bucket, name, contentType);
            context.Response.StatusCode = 200;
            context.Response.Headers.Location = $"{Endpoint}upload/storage/v1/b/{Uri.EscapeDataString(bucket)}/o?uploadType=resumable&upload_id={id}";
            return;
        }
        if (type == "resumable" && context.Request.Method == "PUT")
        {
            if (!_uploads.TryGetValue(query["upload_id"].ToString(), out var upload))
            {
                await ErrorAsync(context, 404, "No such upload");
                return;
            }
            await context.Request.Body.CopyToAsync(upload.Received);
            // Content-Range: bytes first-last/total, bytes */total, or bytes first-last/* (more to come)
            var range = context.Request.Headers.ContentRange.ToString();
            var total = range.Length > 0 ? range[(range.LastIndexOf('/') + 1)..] : upload.Received.Length.ToString(CultureInfo.InvariantCulture);
            if (total == "*")
            {
                context.Response.StatusCode = 308;
                if (upload.Received.Length > 0)
                {
                    context.Response.Headers.Range = $"bytes=0-{upload.Received.Length - 1}";
                }
                return;
            }
            _uploads.TryRemove(query["upload_id"].ToString(), out _);
            await WriteJsonAsync(context, 200, ObjectJson(Store(upload.Bucket, upload.Name, upload.Received.ToArray(), upload.ContentType)));
            return;
        }
        if (type == "media" && context.Request.Method == "POST")
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer);
            await WriteJsonAsync(context, 200, ObjectJson(Store(bucket, query["name"].ToString(), buffer.ToArray(), context.Request.ContentType ?? "application/octet-stream")));
            return;
        }
        if (type == "multipart" && context.Request.Method == "POST")
        {
            var boundary = Microsoft.Net.Http.Headers.MediaTypeHeaderValue.Parse(context.Request.ContentType).Boundary.ToString().Trim('"');
            var reader = new Microsoft.AspNetCore.WebUtilities.MultipartReader(boundary, context.Request.Body);
            var metadata = await JsonNode.ParseAsync((await reader.ReadNextSectionAsync())!.Body);
            var media = (await reader.ReadNextSectionAsync())!;
            using var buffer = new MemoryStream();
            await media.Body.CopyToAsync(buffer);
            var name = metadata?["name"]?.GetValue<string>() ?? query["name"].ToString();
            await WriteJsonAsync(context, 200, ObjectJson(Store(bucket, name, buffer.ToArray(), media.ContentType ?? "application/octet-stream")));
            return;
        }
        await UnhandledAsync(context, context.Request.Method, context.Request.Path + context.Request.QueryString);
    }

    private StoredObject Store(string bucket, string name, byte[] content, string contentType)
    {
        Interlocked.Increment(ref PutCount);
        var o = new StoredObject(bucket, name, content, contentType, Interlocked.Increment(ref _generation), DateTimeOffset.UtcNow);
        _objects[(bucket, name)] = o;
        return o;
    }

    private async Task ListAsync(HttpContext context, string bucket)
    {
        var query = context.Request.Query;
        var prefix = query["prefix"].ToString();
        var delimiter = query["delimiter"].ToString();
        var max = int.TryParse(query["maxResults"], CultureInfo.InvariantCulture, out var m) && m > 0 ? Math.Min(m, 1000) : 1000;
        var after = query["pageToken"].ToString();
        var items = new JsonArray();
        var prefixes = new SortedSet<string>(StringComparer.Ordinal);
        string? last = null;
        var count = 0;
        foreach (var name in ObjectNames(bucket).Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && string.CompareOrdinal(n, after) > 0))
        {
            if (count == max)
            {
                break;
            }
            last = name;
            count++;
            if (delimiter.Length > 0)
            {
                var i = name.IndexOf(delimiter, prefix.Length, StringComparison.Ordinal);
                if (i >= 0)
                {
                    prefixes.Add(name[..(i + delimiter.Length)]);
                    continue;
                }
            }
            items.Add(ObjectJson(_objects[(bucket, name)]));
        }
        var result = new JsonObject { ["kind"] = "storage#objects", ["items"] = items };
        if (prefixes.Count > 0)
        {
            result["prefixes"] = new JsonArray(prefixes.Select(p => (JsonNode)p).ToArray());
        }
        if (count == max && last is not null && ObjectNames(bucket).Any(n => n.StartsWith(prefix, StringComparison.Ordinal) && string.CompareOrdinal(n, last) > 0))
        {
            result["nextPageToken"] = last;
        }
        await WriteJsonAsync(context, 200, result);
    }

    private static JsonObject BucketJson(string name) => new()
    {
        ["kind"] = "storage#bucket",
        ["id"] = name,
        ["name"] = name,
        ["location"] = "US",
        ["storageClass"] = "STANDARD",
    };

    private static JsonObject ObjectJson(StoredObject o) => new()
    {
        ["kind"] = "storage#object",
        ["id"] = $"{o.Bucket}/{o.Name}/{o.Generation}",
        ["name"] = o.Name,
        ["bucket"] = o.Bucket,
        ["generation"] = o.Generation.ToString(CultureInfo.InvariantCulture),
        ["metageneration"] = "1",
        ["contentType"] = o.ContentType,
        ["size"] = o.Content.Length.ToString(CultureInfo.InvariantCulture),
        ["md5Hash"] = Convert.ToBase64String(MD5.HashData(o.Content)),
        ["timeCreated"] = o.Created.ToString("O", CultureInfo.InvariantCulture),
        ["updated"] = o.Created.ToString("O", CultureInfo.InvariantCulture),
    };

    private static async Task WriteJsonAsync(HttpContext context, int status, JsonNode body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=UTF-8";
        await context.Response.WriteAsync(body.ToJsonString());
    }

    private static Task ErrorAsync(HttpContext context, int status, string message) =>
        WriteJsonAsync(context, status, new JsonObject
        {
            ["error"] = new JsonObject { ["code"] = status, ["message"] = message, ["errors"] = new JsonArray(new JsonObject { ["message"] = message, ["reason"] = status == 404 ? "notFound" : "invalid" }) },
        });

    private Task UnhandledAsync(HttpContext context, string method, string target)
    {
        _unhandled.Enqueue($"{method} {target}");
        return ErrorAsync(context, 501, $"the GCS stub does not implement {method} {target}");
    }
}
