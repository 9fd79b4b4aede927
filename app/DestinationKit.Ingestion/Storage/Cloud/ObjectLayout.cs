using System.Buffers;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;

namespace DestinationKit.Ingestion.Storage.Cloud;

/// <summary>One accepted request as the request log keeps it.</summary>
public sealed record LoggedRequest(string Tenant, long ReceivedAtMs, byte[] Body);

/// <summary>
/// Where a cloud sink puts things and in which format:
/// <code>
/// {prefix}requests/tenant={tenant}/date={yyyy-MM-dd}/hour={HH}/{yyyyMMddTHHmmssfff}Z-{instance}-{group}.ndjson.gz
/// {prefix}audiences/tenant={tenant}/{externalAudienceId}.json
/// </code>
/// A request object is gzip-compressed NDJSON, one accepted request per line:
/// <c>{"tenant":"acme","receivedAt":"2026-11-29T09:35:12.345Z","body":{...the contract-v1 body...}}</c>.
/// Date and hour are UTC, of the moment the object was written; names sort by that time within a partition.
/// </summary>
public static class ObjectLayout
{
    public const string RequestContentType = "application/gzip";
    public const string AudienceContentType = "application/json";

    public static string NormalizePrefix(string? prefix)
    {
        var p = (prefix ?? "").Trim('/');
        return p.Length == 0 ? "" : p + "/";
    }

    public static string RequestsRoot(string prefix) => prefix + "requests/";

    public static string TenantRequests(string prefix, string tenant) => $"{prefix}requests/tenant={tenant}/";

    /// <summary>The partition folder of a moment below a tenant's folder: <c>date=yyyy-MM-dd/hour=HH/</c> (UTC).</summary>
    public static string HourFolder(DateTimeOffset at) =>
        string.Create(CultureInfo.InvariantCulture, $"date={at.UtcDateTime:yyyy-MM-dd}/hour={at.UtcDateTime:HH}/");

    public static string HourPartition(string prefix, string tenant, DateTimeOffset at) => TenantRequests(prefix, tenant) + HourFolder(at);

    public static string RequestKey(string prefix, string tenant, DateTimeOffset at, string instance, long group) =>
        string.Create(CultureInfo.InvariantCulture, $"{HourPartition(prefix, tenant, at)}{at.UtcDateTime:yyyyMMdd'T'HHmmssfff}Z-{instance}-{group:D6}.ndjson.gz");

    public static string AudiencesRoot(string prefix, string tenant) => $"{prefix}audiences/tenant={tenant}/";

    public static string AudienceKey(string prefix, string tenant, string externalAudienceId) =>
        AudiencesRoot(prefix, tenant) + externalAudienceId + ".json";

    // ---------------------------------------------------------------- request objects

    private static ReadOnlySpan<byte> Bom => [0xEF, 0xBB, 0xBF];

    /// <summary>The gzip-compressed NDJSON of <paramref name="requests"/>.</summary>
    public static byte[] Encode(IReadOnlyList<LoggedRequest> requests)
    {
        ArgumentNullException.ThrowIfNull(requests);
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            var head = new ArrayBufferWriter<byte>(256);
            foreach (var r in requests)
            {
                head.ResetWrittenCount();
                using (var json = new Utf8JsonWriter(head))
                {
                    json.WriteStartObject();
                    json.WriteString("tenant", r.Tenant);
                    json.WriteString("receivedAt", FormatTime(r.ReceivedAtMs));
                    json.WritePropertyName("body");
                    json.WriteNullValue(); // a placeholder: the body's own bytes go where "null}" would be
                    json.WriteEndObject();
                }
                var written = head.WrittenSpan;
                gzip.Write(written[..^"null}".Length]);
                gzip.Write(OneLine(r.Body));
                gzip.Write("}\n"u8);
            }
        }
        return output.ToArray();
    }

    /// <summary>
    /// The body on one line: a validated JSON text holds CR and LF only as whitespace between tokens (inside strings
    /// they must be escaped), so turning them into spaces keeps the same JSON value. A leading BOM is dropped.
    /// </summary>
    internal static byte[] OneLine(byte[] body)
    {
        var span = body.AsSpan();
        if (span.StartsWith(Bom))
        {
            span = span[Bom.Length..];
        }
        if (span.IndexOfAny((byte)'\n', (byte)'\r') < 0)
        {
            return span.Length == body.Length ? body : span.ToArray();
        }
        var copy = span.ToArray();
        copy.AsSpan().Replace((byte)'\n', (byte)' ');
        copy.AsSpan().Replace((byte)'\r', (byte)' ');
        return copy;
    }

    /// <summary>The requests of a request object, in the order they were written.</summary>
    public static List<LoggedRequest> Decode(byte[] gzipped)
    {
        ArgumentNullException.ThrowIfNull(gzipped);
        using var input = new GZipStream(new MemoryStream(gzipped, writable: false), CompressionMode.Decompress);
        using var plain = new MemoryStream();
        input.CopyTo(plain);
        var data = plain.GetBuffer().AsMemory(0, (int)plain.Length);
        var requests = new List<LoggedRequest>();
        while (data.Length > 0)
        {
            var end = data.Span.IndexOf((byte)'\n');
            var line = end < 0 ? data : data[..end];
            data = end < 0 ? Memory<byte>.Empty : data[(end + 1)..];
            if (line.Span.Trim((byte)' ').Length == 0)
            {
                continue;
            }
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            var tenant = root.GetProperty("tenant").GetString() ?? throw new FormatException("a request line has no tenant");
            var at = DateTimeOffset.Parse(root.GetProperty("receivedAt").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
            var body = Encoding.UTF8.GetBytes(root.GetProperty("body").GetRawText());
            requests.Add(new LoggedRequest(tenant, at.ToUnixTimeMilliseconds(), body));
        }
        return requests;
    }

    private static string FormatTime(long ms) =>
        DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    // ---------------------------------------------------------------- audiences

    private static readonly JsonSerializerOptions AudienceJson = new(JsonSerializerDefaults.Web);

    public static byte[] EncodeAudience(Audience audience) => JsonSerializer.SerializeToUtf8Bytes(audience, AudienceJson);

    public static Audience DecodeAudience(byte[] json) =>
        JsonSerializer.Deserialize<Audience>(json, AudienceJson) ?? throw new FormatException("an audience object is empty");
}
