using System.Globalization;
using System.Net.Http.Headers;
using System.Text;

namespace DestinationKit.Reliability;

/// <summary>Contract-v1 request bodies (docs/contract/profiles-v1.md) for the harnesses.</summary>
public static class Bodies
{
    public static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>One profile: one identity, one membership qualified at <paramref name="qualifiedAt"/>, and attributes as raw JSON members.</summary>
    public static string Profile(string identityNamespace, string id, string audience, DateTimeOffset qualifiedAt, string attributesJson = "") =>
        "{\"identities\":{\"" + identityNamespace + "\":[\"" + id + "\"]},\"audiences\":{\"ups\":{\"" + audience
        + "\":{\"status\":\"realized\",\"qualifiedAt\":\"" + qualifiedAt.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)
        + "\"}}},\"attributes\":{" + attributesJson + "}}";

    public static string Request(IEnumerable<string> profiles) => $$"""{"schemaVersion":1,"profiles":[{{string.Join(",", profiles)}}]}""";

    public static ByteArrayContent Json(string json) => Json(Encoding.UTF8.GetBytes(json));

    public static ByteArrayContent Json(byte[] utf8)
    {
        var content = new ByteArrayContent(utf8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }
}
