using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace DestinationKit.Reliability;

/// <summary>What a hostile case may be answered with.</summary>
public enum Expectation
{
    /// <summary>A 4xx with a ProblemDetails body (the app's own answer).</summary>
    Problem,

    /// <summary>
    /// Broken HTTP that Kestrel refuses before the app sees it: a 4xx (Kestrel's, without a body), the connection closed,
    /// or for a request line claiming another HTTP version, 505 HTTP Version Not Supported (RFC 9110 §15.6.6).
    /// </summary>
    ProtocolError,

    /// <summary>Odd but acceptable input (a mutation that is still valid, a huge but legal value): anything but a 5xx; a 4xx is a ProblemDetails.</summary>
    NotServerError,
}

/// <summary>One adversarial request: the exact bytes to send and what the app may answer.</summary>
public sealed record HostileCase(int Index, string Category, string Description, byte[] Request, Expectation Expect);

/// <summary>
/// Generates malformed and adversarial requests, reproducibly: case <c>i</c> of seed <c>s</c> is always the same request.
/// Categories: truncated and mutated JSON, wrong types, bad values, deep nesting, huge strings and arrays, duplicate
/// keys, invalid UTF-8 and escapes, content types and encodings, oversized bodies, path, query and header tricks,
/// broken HTTP framing, bad credentials, and the same against the audience API and the token endpoint.
/// </summary>
public sealed class HostileCases(string apiKey, int seed)
{
    private static readonly (string Name, int Weight)[] Categories =
    [
        ("truncated", 10), ("mutated", 10), ("wrong-type", 14), ("bad-value", 10), ("nesting", 4), ("huge", 2),
        ("duplicate-keys", 5), ("utf8", 6), ("content-type", 5), ("encoding", 2), ("oversized", 1), ("path", 6),
        ("query", 5), ("header", 6), ("protocol", 2), ("auth", 4), ("audience", 4), ("token", 4),
    ];

    private static readonly int TotalWeight = Categories.Sum(c => c.Weight);

    public HostileCase Create(int index)
    {
        var random = new Random(HashCode.Combine(seed, index));
        var pick = random.Next(TotalWeight);
        var category = Categories[0].Name;
        foreach (var (name, weight) in Categories)
        {
            if (pick < weight)
            {
                category = name;
                break;
            }
            pick -= weight;
        }
        var (description, request, expect) = category switch
        {
            "truncated" => Truncated(random),
            "mutated" => Mutated(random),
            "wrong-type" => WrongType(random),
            "bad-value" => BadValue(random),
            "nesting" => Nesting(random),
            "huge" => Huge(random),
            "duplicate-keys" => DuplicateKeys(random),
            "utf8" => Utf8(random),
            "content-type" => ContentType(random),
            "encoding" => Encoding_(random),
            "oversized" => Oversized(random),
            "path" => PathTrick(random),
            "query" => QueryTrick(random),
            "header" => HeaderTrick(random),
            "protocol" => Protocol(random),
            "auth" => Auth(random),
            "audience" => AudienceBody(random),
            _ => TokenForm(random),
        };
        return new HostileCase(index, category, description, request, expect);
    }

    // ------------------------------------------------------------------ valid material

    private static string Id(Random r) => "id-" + r.Next(1_000_000).ToString(CultureInfo.InvariantCulture);

    private static string ValidProfile(Random r) =>
        "{\"identities\":{\"email\":[\"" + Id(r) + "@example.com\"],\"crm\":[\"C-" + r.Next(1000) + "\"]},\"audiences\":{\"ups\":{\"aud-" + r.Next(20) + "\":{\"status\":\"realized\",\"qualifiedAt\":\"2026-03-02T10:15:00Z\"},\"aud-" + r.Next(20, 40) + "\":{\"status\":\"exited\"}}},\"attributes\":{\"firstName\":\"Ada\",\"age\":36,\"vip\":true,\"gone\":null}}";

    private static string ValidBody(Random r) =>
        "{\"schemaVersion\":1,\"profiles\":[" + (string.Join(",", Enumerable.Range(0, r.Next(1, 4)).Select(_ => ValidProfile(r)))) + "]}";

    /// <summary>
    /// A request line, headers and body as bytes; a Content-Length is added unless a header list names one. The
    /// Authorization is the valid key unless <paramref name="authorization"/> says otherwise ("" for none).
    /// </summary>
    private byte[] Http(string method, string target, byte[] body, string? contentType = "application/json", string? authorization = null,
        IEnumerable<string>? extraHeaders = null, bool addLength = true)
    {
        var sb = new StringBuilder();
        sb.Append(method).Append(' ').Append(target).Append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        if (authorization != "")
        {
            sb.Append("Authorization: ").Append(authorization ?? "Bearer " + apiKey).Append("\r\n");
        }
        if (contentType is not null)
        {
            sb.Append("Content-Type: ").Append(contentType).Append("\r\n");
        }
        var extra = extraHeaders?.ToList() ?? [];
        foreach (var h in extra)
        {
            sb.Append(h).Append("\r\n");
        }
        if (addLength && !extra.Any(h => h.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase) || h.StartsWith("Transfer-Encoding:", StringComparison.OrdinalIgnoreCase)))
        {
            sb.Append("Content-Length: ").Append(body.Length.ToString(CultureInfo.InvariantCulture)).Append("\r\n");
        }
        sb.Append("\r\n");
        return [.. Encoding.Latin1.GetBytes(sb.ToString()), .. body];
    }

    private byte[] PostProfiles(string json, string? contentType = "application/json") => Http("POST", "/v1/profiles", Encoding.UTF8.GetBytes(json), contentType);

    private byte[] PostProfiles(byte[] body) => Http("POST", "/v1/profiles", body);

    private static T Pick<T>(Random r, IReadOnlyList<T> items) => items[r.Next(items.Count)];

    // ------------------------------------------------------------------ body categories

    private (string, byte[], Expectation) Truncated(Random r)
    {
        var body = Encoding.UTF8.GetBytes(ValidBody(r));
        var cut = r.Next(body.Length - 1);
        return ($"valid body cut at byte {cut} of {body.Length}", PostProfiles(body[..cut]), Expectation.Problem);
    }

    private (string, byte[], Expectation) Mutated(Random r)
    {
        var body = Encoding.UTF8.GetBytes(ValidBody(r)).ToList();
        var edits = r.Next(1, 4);
        var what = new List<string>();
        const string structural = "{}[]\":,\\ 0-.eEtfn";
        for (var i = 0; i < edits; i++)
        {
            var at = r.Next(body.Count);
            switch (r.Next(4))
            {
                case 0:
                    body.RemoveAt(at);
                    what.Add($"deleted byte {at}");
                    break;
                case 1:
                    var c = (byte)structural[r.Next(structural.Length)];
                    body.Insert(at, c);
                    what.Add($"inserted '{(char)c}' at {at}");
                    break;
                case 2:
                    var b = (byte)r.Next(256);
                    body[at] = b;
                    what.Add($"byte {at} set to 0x{b:x2}");
                    break;
                default:
                    var other = r.Next(body.Count);
                    (body[at], body[other]) = (body[other], body[at]);
                    what.Add($"swapped bytes {at} and {other}");
                    break;
            }
        }
        // A mutation can leave a valid request (a letter of an id changed): then a 200 is right.
        return (string.Join(", ", what), PostProfiles(body.ToArray()), Expectation.NotServerError);
    }

    private static readonly string[] NonObjects = ["[]", "\"x\"", "1", "-0.5e300", "true", "false", "null", "[{}]", "\"\"", "1e999"];

    private (string, byte[], Expectation) WrongType(Random r)
    {
        var v = Pick(r, NonObjects);
        var w = Pick(r, new[] { "{}", "[]", "\"1\"", "1.5", "true", "null", "[1]", "{\"a\":1}", "-1", "1e400", "1.0000000000000000000001" });
        var cases = new (string Description, string Json)[]
        {
            ("body is " + v, v),
            ("schemaVersion " + w, "{\"schemaVersion\":" + w + ",\"profiles\":[" + ValidProfile(r) + "]}"),
            ("profiles " + v, "{\"schemaVersion\":1,\"profiles\":" + (v == "[]" ? "{}" : v) + "}"),
            ("profile " + v, "{\"schemaVersion\":1,\"profiles\":[" + (v == "[{}]" ? "[]" : v) + "]}"),
            ("identities " + v, "{\"schemaVersion\":1,\"profiles\":[{\"identities\":" + v + "}]}"),
            ("identity ids " + v, "{\"schemaVersion\":1,\"profiles\":[{\"identities\":{\"email\":" + (v == "[]" ? "{}" : v) + "}}]}"),
            ("identity id " + v, "{\"schemaVersion\":1,\"profiles\":[{\"identities\":{\"email\":[" + (v.StartsWith('"') ? "1" : v) + "]}}]}"),
            ("audiences " + v, "{\"schemaVersion\":1,\"profiles\":[{\"identities\":{\"e\":[\"a\"]},\"audiences\":" + v + "}]}"),
            ("audience namespace " + v, "{\"schemaVersion\":1,\"profiles\":[{\"identities\":{\"e\":[\"a\"]},\"audiences\":{\"ups\":" + v + "}}]}"),
            ("membership " + v, "{\"schemaVersion\":1,\"profiles\":[{\"identities\":{\"e\":[\"a\"]},\"audiences\":{\"ups\":{\"a1\":" + v + "}}}]}"),
            ("status " + w, "{\"schemaVersion\":1,\"profiles\":[{\"identities\":{\"e\":[\"a\"]},\"audiences\":{\"ups\":{\"a1\":{\"status\":" + w + "}}}}]}"),
            ("qualifiedAt " + w, "{\"schemaVersion\":1,\"profiles\":[{\"identities\":{\"e\":[\"a\"]},\"audiences\":{\"ups\":{\"a1\":{\"status\":\"realized\",\"qualifiedAt\":" + (w == "null" ? "1" : w) + "}}}}]}"),
            ("attributes " + v, "{\"schemaVersion\":1,\"profiles\":[{\"identities\":{\"e\":[\"a\"]},\"attributes\":" + (v == "null" ? "[]" : v) + "}]}"),
            ("attribute value object or array", "{\"schemaVersion\":1,\"profiles\":[{\"identities\":{\"e\":[\"a\"]},\"attributes\":{\"a\":" + Pick(r, new[] { "{}", "[]", "[1,2]", "{\"v\":1}" }) + "}}]}"),
        };
        var (description, json) = Pick(r, cases);
        // Every replacement above breaks the contract, except where it yields a valid JSON document of the right shape by accident.
        return (description, PostProfiles(json), Expectation.Problem);
    }

    private (string, byte[], Expectation) BadValue(Random r)
    {
        var time = Pick(r, new[]
        {
            "2024-13-01T00:00:00Z", "2024-02-30T00:00:00Z", "2023-02-29T00:00:00Z", "2024-01-01T24:00:00Z", "2024-01-01T23:60:00Z",
            "2024-01-01T23:59:60Z", "2024-01-01T00:00:00", "2024-01-01 00:00:00Z", "2024-01-01T00:00:00+24:00", "2024-01-01T00:00:00+0960",
            "2024-01-01T00:00:00.Z", "2024-01-01T00:00:00.1234567890Z", "0000-01-01T00:00:00Z", "+2024-01-01T00:00:00Z", "2024-1-1T0:0:0Z",
            "", " ", "now", "1704067200", "2024-01-01T00:00:00ZZ", "2024-01-01T00:00:00Z ", "9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+23:59",
            "2024-01-01T00:00:00\\u005A", "२०२४-01-01T00:00:00Z",
        });
        var cases = new (string, string)[]
        {
            ($"qualifiedAt \"{time}\"", "{\"schemaVersion\":1,\"profiles\":[{\"identities\":{\"e\":[\"a\"]},\"audiences\":{\"ups\":{\"a1\":{\"status\":\"realized\",\"qualifiedAt\":\"" + time + "\"}}}}]}"),
            ("unknown status", "{\"schemaVersion\":1,\"profiles\":[{\"identities\":{\"e\":[\"a\"]},\"audiences\":{\"ups\":{\"a1\":{\"status\":\"" + Pick(r, new[] { "REALIZED", "", "active", "exited ", "existing\\u0000" }) + "\"}}}}]}"),
            ("no status", """{"schemaVersion":1,"profiles":[{"identities":{"e":["a"]},"audiences":{"ups":{"a1":{}}}}]}"""),
            ("schemaVersion 2", """{"schemaVersion":2,"profiles":[{"identities":{"e":["a"]}}]}"""),
            ("no schemaVersion", """{"profiles":[{"identities":{"e":["a"]}}]}"""),
            ("no profiles", """{"schemaVersion":1}"""),
            ("empty profiles", """{"schemaVersion":1,"profiles":[]}"""),
            ("no identities", """{"schemaVersion":1,"profiles":[{"attributes":{"a":"b"}}]}"""),
            ("empty identities", """{"schemaVersion":1,"profiles":[{"identities":{}}]}"""),
            ("namespace without ids", """{"schemaVersion":1,"profiles":[{"identities":{"e":[]}}]}"""),
            ("empty identity id", """{"schemaVersion":1,"profiles":[{"identities":{"e":[""]}}]}"""),
            ("empty namespace", """{"schemaVersion":1,"profiles":[{"identities":{"":["a"]}}]}"""),
            ("empty audience id", """{"schemaVersion":1,"profiles":[{"identities":{"e":["a"]},"audiences":{"ups":{"":{"status":"realized"}}}}]}"""),
            ("unknown top-level property", """{"schemaVersion":1,"profiles":[{"identities":{"e":["a"]}}],"extra":1}"""),
            ("unknown profile property", """{"schemaVersion":1,"profiles":[{"identities":{"e":["a"]},"segmentMembership":{}}]}"""),
            ("unknown membership property", """{"schemaVersion":1,"profiles":[{"identities":{"e":["a"]},"audiences":{"ups":{"a":{"status":"realized","x":1}}}}]}"""),
            ("two documents", ValidBody(r) + " " + ValidBody(r)),
            ("trailing garbage", ValidBody(r) + Pick(r, new[] { "x", "]", "}", ",", "\u0000", "//c", "/*c*/" })),
            ("comment inside", """{"schemaVersion":1,/*c*/"profiles":[{"identities":{"e":["a"]}}]}"""),
            ("trailing comma", """{"schemaVersion":1,"profiles":[{"identities":{"e":["a"],}},]}"""),
            ("single quotes", """{'schemaVersion':1,'profiles':[{'identities':{'e':['a']}}]}"""),
            ("NaN", """{"schemaVersion":NaN,"profiles":[{"identities":{"e":["a"]}}]}"""),
            ("leading zeros", """{"schemaVersion":01,"profiles":[{"identities":{"e":["a"]}}]}"""),
            ("empty body", ""),
            ("whitespace body", "  \r\n\t "),
        };
        var (d, json) = Pick(r, cases);
        return (d, PostProfiles(json), Expectation.Problem);
    }

    private (string, byte[], Expectation) Nesting(Random r)
    {
        var depth = Pick(r, new[] { 17, 65, 1000, 100_000 });
        var open = r.Next(2) == 0 ? "[" : "{\"a\":";
        var close = open == "[" ? "]" : "}";
        var nested = string.Concat(Enumerable.Repeat(open, depth)) + "1" + string.Concat(Enumerable.Repeat(close, depth));
        var unclosed = r.Next(4) == 0;
        if (unclosed)
        {
            nested = string.Concat(Enumerable.Repeat(open, depth));
        }
        var where = r.Next(4);
        var json = where switch
        {
            0 => nested,
            1 => "{\"schemaVersion\":1,\"profiles\":[{\"identities\":{\"e\":[\"a\"]},\"attributes\":{\"a\":" + nested + "}}]}",
            2 => "{\"schemaVersion\":1,\"profiles\":[{\"identities\":{\"e\":[\"a\"]},\"unknown\":" + nested + "}]}",
            _ => "{\"schemaVersion\":1,\"profiles\":[{\"identities\":{\"e\":" + nested + "}}]}",
        };
        return ($"nesting {depth} deep{(unclosed ? ", unclosed" : "")}, position {where}", PostProfiles(json), Expectation.Problem);
    }

    private (string, byte[], Expectation) Huge(Random r)
    {
        var n = Pick(r, new[] { 1025, 4096, 100_000, 1_000_000, 8_000_000 });
        var big = new string((char)('a' + r.Next(26)), n);
        return r.Next(7) switch
        {
            0 => ($"identity id of {n} characters", PostProfiles("{\"schemaVersion\":1,\"profiles\":[{\"identities\":{\"e\":[\"" + big + "\"]}}]}"), Expectation.Problem),
            1 => ($"namespace of {n} characters", PostProfiles("{\"schemaVersion\":1,\"profiles\":[{\"identities\":{\"" + big + "\":[\"a\"]}}]}"), Expectation.Problem),
            2 => ($"audience id of {n} characters", PostProfiles("{\"schemaVersion\":1,\"profiles\":[{\"identities\":{\"e\":[\"a\"]},\"audiences\":{\"ups\":{\"" + big + "\":{\"status\":\"realized\"}}}}]}"), Expectation.Problem),
            3 => ($"10,001 profiles", PostProfiles("{\"schemaVersion\":1,\"profiles\":[" + string.Join(",", Enumerable.Repeat("{\"identities\":{\"e\":[\"a\"]}}", 10_001)) + "]}"), Expectation.Problem),
            4 => ($"10,001 profiles of which one is broken", PostProfiles("{\"schemaVersion\":1,\"profiles\":[" + string.Join(",", Enumerable.Repeat("{\"identities\":{\"e\":[1]}}", 10_001)) + "]}"), Expectation.Problem),
            // Legal but large: no 5xx, and the memory stays bounded.
            5 => ($"attribute value of {n} characters", PostProfiles("{\"schemaVersion\":1,\"profiles\":[{\"identities\":{\"e\":[\"big-attribute\"]},\"attributes\":{\"a\":\"" + big + "\"}}]}"), Expectation.NotServerError),
            _ => ($"one profile with {n / 10} ids", PostProfiles("{\"schemaVersion\":1,\"profiles\":[{\"identities\":{\"e\":[" + string.Join(",", Enumerable.Range(0, n / 10).Select(i => "\"" + i.ToString(CultureInfo.InvariantCulture) + "\"")) + "]}}]}"), Expectation.NotServerError),
        };
    }

    private (string, byte[], Expectation) DuplicateKeys(Random r)
    {
        var cases = new (string, string)[]
        {
            ("schemaVersion twice", """{"schemaVersion":1,"schemaVersion":2,"profiles":[{"identities":{"e":["a"]}}]}"""),
            ("profiles twice", """{"schemaVersion":1,"profiles":[{"identities":{"e":["a"]}}],"profiles":[{"identities":{"e":["b"]}}]}"""),
            ("identities twice", """{"schemaVersion":1,"profiles":[{"identities":{"e":["a"]},"identities":{"e":["b"]}}]}"""),
            ("namespace twice", """{"schemaVersion":1,"profiles":[{"identities":{"e":["a"],"e":["b"]}}]}"""),
            ("audience id twice", """{"schemaVersion":1,"profiles":[{"identities":{"e":["a"]},"audiences":{"ups":{"x":{"status":"realized"},"x":{"status":"exited"}}}}]}"""),
            ("status twice", """{"schemaVersion":1,"profiles":[{"identities":{"e":["a"]},"audiences":{"ups":{"x":{"status":"realized","status":"exited"}}}}]}"""),
            ("attribute twice", """{"schemaVersion":1,"profiles":[{"identities":{"e":["a"]},"attributes":{"a":"1","a":"2"}}]}"""),
            ("attribute twice, once escaped", """{"schemaVersion":1,"profiles":[{"identities":{"e":["a"]},"attributes":{"ab":"1","a\u0062":"2"}}]}"""),
        };
        var (d, json) = Pick(r, cases);
        return (d, PostProfiles(json), Expectation.Problem);
    }

    private (string, byte[], Expectation) Utf8(Random r)
    {
        var bad = Pick(r, new byte[][]
        {
            [0xff], [0xc0, 0xaf], [0xe0, 0x80, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0x80], [0xc3], [0xe2, 0x82],
            [0xf0, 0x9f, 0x98], [0xfe, 0xff], [0x00], [0x1f], [0x7f, 0xc3, 0x28],
        });
        var escape = Pick(r, new[] { "\\ud800", "\\udc00", "\\ud800\\u0041", "\\udfff\\ud800", "\\u12", "\\x41", "\\", "\\u00zz", "\\U0041" });
        var slots = new[] { "ID", "NS", "AUD", "ATTRNAME", "ATTRVALUE", "UNKNOWN", "STATUS", "QUALIFIED", "AUDNS" };
        var template = """{"schemaVersion":1,"profiles":[{"identities":{"NS":["ID"]},"audiences":{"AUDNS":{"AUD":{"status":"STATUS","qualifiedAt":"QUALIFIED"}}},"attributes":{"ATTRNAME":"ATTRVALUE"},"UNKNOWN":1}]}""";
        var defaults = new Dictionary<string, string>
        {
            ["ID"] = "a", ["NS"] = "e", ["AUD"] = "x", ["ATTRNAME"] = "n", ["ATTRVALUE"] = "v", ["UNKNOWN"] = "unknown", ["STATUS"] = "realized",
            ["QUALIFIED"] = "2026-01-01T00:00:00Z", ["AUDNS"] = "ups",
        };
        var slot = Pick(r, slots);
        var useEscape = r.Next(2) == 0;
        var parts = template.Split(slot, 2);
        var before = Encoding.UTF8.GetBytes(Fill(parts[0], defaults, slot));
        var after = Encoding.UTF8.GetBytes(Fill(parts[1], defaults, slot));
        var middle = useEscape ? Encoding.UTF8.GetBytes("p" + escape + "q") : [(byte)'p', .. bad, (byte)'q'];
        var body = before.Concat(middle).Concat(after).ToArray();
        // "UNKNOWN" makes the body invalid anyway; the others carry only the bad text.
        return ($"{(useEscape ? "escape " + escape : "bytes " + Convert.ToHexString(bad))} in {slot}", PostProfiles(body), Expectation.Problem);

        static string Fill(string text, Dictionary<string, string> values, string except)
        {
            foreach (var (k, v) in values)
            {
                if (k != except)
                {
                    text = text.Replace(k, v, StringComparison.Ordinal);
                }
            }
            return text;
        }
    }

    private (string, byte[], Expectation) ContentType(Random r)
    {
        var body = ValidBody(r);
        var (type, expect) = Pick(r, new (string?, Expectation)[]
        {
            (null, Expectation.Problem), ("text/plain", Expectation.Problem), ("application/json; charset=utf-16", Expectation.Problem),
            ("application/json; charset=iso-8859-1", Expectation.Problem), ("application/x-www-form-urlencoded", Expectation.Problem),
            ("multipart/form-data; boundary=x", Expectation.Problem), ("application/jsonx", Expectation.Problem), ("json", Expectation.Problem),
            ("", Expectation.Problem), ("application/", Expectation.Problem), ("*/*", Expectation.Problem), ("application/xml", Expectation.Problem),
            ("application/json, text/plain", Expectation.Problem), (";", Expectation.Problem), ("application/json;;;", Expectation.NotServerError),
            ("APPLICATION/JSON", Expectation.NotServerError), ("application/json; charset=\"utf-8\"", Expectation.NotServerError),
            ("application/vnd.aep+json", Expectation.NotServerError), ("application/json; charset=utf-8; boundary=x", Expectation.NotServerError),
            (new string('a', 5000), Expectation.Problem),
        });
        return ($"Content-Type {type ?? "(none)"}", PostProfiles(body, type), expect);
    }

    private (string, byte[], Expectation) Encoding_(Random r)
    {
        var body = ValidBody(r);
        return r.Next(5) switch
        {
            0 => ("UTF-8 byte order mark", PostProfiles([0xef, 0xbb, 0xbf, .. Encoding.UTF8.GetBytes(body)]), Expectation.Problem),
            1 => ("UTF-16LE body", PostProfiles(Encoding.Unicode.GetBytes(body)), Expectation.Problem),
            2 => ("UTF-32 body", PostProfiles(Encoding.UTF32.GetBytes(body)), Expectation.Problem),
            3 => ("gzip body with Content-Encoding: gzip", Http("POST", "/v1/profiles", Gzip(body), extraHeaders: ["Content-Encoding: gzip"]), Expectation.Problem),
            _ => ("gzip body without Content-Encoding", PostProfiles(Gzip(body)), Expectation.Problem),
        };

        static byte[] Gzip(string text)
        {
            using var output = new MemoryStream();
            using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
            {
                gzip.Write(Encoding.UTF8.GetBytes(text));
            }
            return output.ToArray();
        }
    }

    private (string, byte[], Expectation) Oversized(Random r)
    {
        return r.Next(3) switch
        {
            // Claims more than the 32 MiB limit and sends a little: 413 before anything is read.
            0 => ("Content-Length of 40 MB, 1 KB sent", Http("POST", "/v1/profiles", new byte[1024], extraHeaders: ["Content-Length: 40000000"]), Expectation.ProtocolError),
            1 => ("Content-Length of 2^63-1", Http("POST", "/v1/profiles", [], extraHeaders: ["Content-Length: 9223372036854775807"]), Expectation.ProtocolError),
            // Chunked, no length: the app reads up to the limit and stops.
            _ => ("33 MB chunked body", Chunked("/v1/profiles", 33 * 1024 * 1024), Expectation.ProtocolError),
        };
    }

    private byte[] Chunked(string path, int size)
    {
        var head = Encoding.Latin1.GetBytes($"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {apiKey}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
        using var output = new MemoryStream();
        output.Write(head);
        const int chunk = 64 * 1024;
        var filler = Encoding.ASCII.GetBytes(new string(' ', chunk));
        for (var sent = 0; sent < size; sent += chunk)
        {
            output.Write(Encoding.ASCII.GetBytes(chunk.ToString("x", CultureInfo.InvariantCulture) + "\r\n"));
            output.Write(filler);
            output.Write("\r\n"u8);
        }
        output.Write("0\r\n\r\n"u8);
        return output.ToArray();
    }

    private (string, byte[], Expectation) PathTrick(Random r)
    {
        var body = Encoding.UTF8.GetBytes(ValidBody(r));
        var (method, target, expect) = Pick(r, new (string, string, Expectation)[]
        {
            ("POST", "/v1/profiles/../admin/tenants/x/keys", Expectation.Problem),
            ("POST", "/v1/profiles/%2e%2e/%2e%2e/admin/tenants/x/keys", Expectation.Problem),
            ("POST", "/v1/profiles%2F..%2F..%2Fadmin", Expectation.Problem),
            ("POST", "/admin/tenants/../../v1/profiles", Expectation.NotServerError),
            ("POST", "//v1//profiles", Expectation.Problem),
            ("POST", "/v1/profiles/", Expectation.NotServerError),
            ("POST", "/v1/./profiles", Expectation.NotServerError),
            ("POST", "/V1/PROFILES", Expectation.NotServerError),
            ("POST", "/v1/profiles%00", Expectation.ProtocolError),
            ("POST", "/v1/profiles;jsessionid=1", Expectation.Problem),
            ("POST", "/v1/profiles?" + new string('a', 8000), Expectation.NotServerError),
            ("POST", "/v1/profiles/" + new string('x', 20_000), Expectation.ProtocolError),
            ("POST", "/v1/profiles#frag", Expectation.ProtocolError),
            ("POST", "http://evil.example/v1/profiles", Expectation.NotServerError),
            ("POST", "*", Expectation.ProtocolError),
            ("POST", "v1/profiles", Expectation.ProtocolError),
            ("POST", "/v1/profiles/\u00e9", Expectation.ProtocolError),
            ("POST", "/v1/profiles/%ff%fe", Expectation.Problem),
            ("POST", "/v1/profiles/%", Expectation.ProtocolError),
            ("PUT", "/v1/profiles", Expectation.Problem),
            ("DELETE", "/v1/profiles", Expectation.Problem),
            ("PATCH", "/v1/profiles", Expectation.Problem),
            ("OPTIONS", "/v1/profiles", Expectation.Problem),
            ("TRACE", "/v1/profiles", Expectation.Problem),
            ("CONNECT", "/v1/profiles", Expectation.ProtocolError),
            ("FOO", "/v1/profiles", Expectation.Problem),
            ("GET", "/admin/tenants/" + new string('t', 100) + "/keys", Expectation.Problem),
            ("GET", "/admin/tenants/..%2f..%2f/keys", Expectation.Problem),
            ("DELETE", "/admin/tenants/acme/keys/%00", Expectation.ProtocolError),
            ("POST", "/bench/parse-only", Expectation.Problem),
            ("GET", "/openapi/../health/live", Expectation.NotServerError),
            ("GET", "/.well-known/../admin/tenants/a/keys", Expectation.Problem),
            ("GET", "/nope", Expectation.Problem),
            ("POST", "/v1/audiences/" + Uri.EscapeDataString("../../admin"), Expectation.Problem),
        });
        var contentType = method is "POST" or "PUT" or "PATCH" ? "application/json" : null;
        return ($"{method} {(target.Length > 80 ? target[..80] + "..." : target)}", Http(method, target, contentType is null ? [] : body, contentType), expect);
    }

    private (string, byte[], Expectation) QueryTrick(Random r)
    {
        var cursor = Pick(r, new[]
        {
            "!!!", "%%%", "", "AAAA", B64("[null,\"x\"]"), B64("[1,2]"), B64("{\"a\":1}"), B64("[\"a\"]"), B64("[\"a\",\"b\",\"c\"]"),
            B64("[\"a\",null]"), B64(new string('[', 4000)), B64("\"x\""), B64("[\"\\ud800\",\"x\"]"), "eyJ", "=", new string('A', 6000),
        });
        var (target, expect) = Pick(r, new (string, Expectation)[]
        {
            ($"/v1/audiences/aud-1/members?cursor={Uri.EscapeDataString(cursor)}", cursor.Length == 0 ? Expectation.NotServerError : Expectation.Problem),
            ("/v1/audiences/aud-1/members?limit=" + Pick(r, new[] { "0", "-1", "1001", "abc", "99999999999", "1e3", "", "0x10", "%00" }), Expectation.Problem),
            ("/v1/audiences/aud-1/members?limit=5&limit=6", Expectation.Problem),
            ("/v1/audiences?limit=" + Pick(r, new[] { "0", "-5", "abc", "1.5", "2147483648" }), Expectation.Problem),
            ("/v1/audiences?cursor=" + Uri.EscapeDataString(cursor), Expectation.NotServerError),
            ("/v1/profiles?namespace=e", Expectation.Problem),
            ("/v1/profiles?id=a", Expectation.Problem),
            ("/v1/profiles?namespace=e&id=a&id=b", Expectation.Problem),
            ("/v1/profiles?namespace=%00&id=%ff", Expectation.NotServerError),
            ("/v1/profiles/e/" + Uri.EscapeDataString(new string('x', 5000)), Expectation.NotServerError),
            ("/v1/profiles/%2F/%2F", Expectation.NotServerError),
            ("/v1/profiles/e/a?" + string.Join("&", Enumerable.Range(0, 1000).Select(i => $"p{i}=1")), Expectation.NotServerError),
            ("/v1/audiences/" + Uri.EscapeDataString(cursor) + "/members", Expectation.NotServerError),
            ("/v1/audiences/%ff%fe", Expectation.NotServerError),
            ("/health/ready?x=" + new string('y', 4000), Expectation.NotServerError),
        });
        return ($"GET {(target.Length > 100 ? target[..100] + "..." : target)}", Http("GET", target, [], contentType: null), expect);

        static string B64(string s) => Convert.ToBase64String(Encoding.UTF8.GetBytes(s)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    private (string, byte[], Expectation) HeaderTrick(Random r)
    {
        var body = Encoding.UTF8.GetBytes(ValidBody(r));
        var (d, headers, expect) = Pick(r, new (string, string[], Expectation)[]
        {
            ("two Content-Length headers", [$"Content-Length: {body.Length}", $"Content-Length: {body.Length + 5}"], Expectation.ProtocolError),
            ("Content-Length and chunked", [$"Content-Length: {body.Length}", "Transfer-Encoding: chunked"], Expectation.ProtocolError),
            ("Content-Length: abc", ["Content-Length: abc"], Expectation.ProtocolError),
            ("Content-Length: -1", ["Content-Length: -1"], Expectation.ProtocolError),
            ("Content-Length shorter than the body", [$"Content-Length: {body.Length / 2}"], Expectation.Problem),
            ("Transfer-Encoding: gzip", ["Transfer-Encoding: gzip"], Expectation.ProtocolError),
            ("Transfer-Encoding: chunked with a bad chunk", ["Transfer-Encoding: chunked"], Expectation.ProtocolError),
            ("a 40 KB header", ["X-Big: " + new string('b', 40_000)], Expectation.ProtocolError),
            ("150 headers", Enumerable.Range(0, 150).Select(i => $"X-H{i}: v").ToArray(), Expectation.ProtocolError),
            ("a header without a colon", ["NoColonHere"], Expectation.ProtocolError),
            ("a header name with a space", ["Bad Name: v"], Expectation.ProtocolError),
            ("a NUL in a header", ["X-Nul: a\0b"], Expectation.ProtocolError),
            ("non-ASCII header value", ["X-Latin: caf\u00e9"], Expectation.ProtocolError),
            ("obsolete line folding", ["X-Fold: a", " b"], Expectation.ProtocolError),
            ("Expect: 100-continue", ["Expect: 100-continue"], Expectation.NotServerError),
            ("Expect: bogus", ["Expect: bogus"], Expectation.NotServerError),
            ("X-Forwarded-For spoofing", ["X-Forwarded-For: 10.0.0.1, 127.0.0.1", "X-Forwarded-Host: evil.example", "X-Forwarded-Proto: https"], Expectation.NotServerError),
            ("X-HTTP-Method-Override: DELETE", ["X-HTTP-Method-Override: DELETE"], Expectation.NotServerError),
            ("Connection: upgrade to h2c", ["Connection: Upgrade, HTTP2-Settings", "Upgrade: h2c", "HTTP2-Settings: AAMAAABkAAQAAP__"], Expectation.NotServerError),
            ("Content-Encoding: br", ["Content-Encoding: br"], Expectation.NotServerError),
        });
        if (d == "Transfer-Encoding: chunked with a bad chunk")
        {
            body = Encoding.ASCII.GetBytes("zz\r\nabc\r\n0\r\n\r\n");
        }
        return (d, Http("POST", "/v1/profiles", body, extraHeaders: headers), expect);
    }

    private (string, byte[], Expectation) Protocol(Random r)
    {
        var (d, raw) = Pick(r, new (string, string)[]
        {
            ("garbage request line", "HELLO\r\n\r\n"),
            ("HTTP/2 preface on HTTP/1.1", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"),
            ("HTTP/0.9", "GET /health/live\r\n\r\n"),
            ("HTTP/9.9", "GET /health/live HTTP/9.9\r\nHost: x\r\n\r\n"),
            ("no Host header", "GET /health/live HTTP/1.1\r\n\r\n"),
            ("two Host headers", "GET /health/live HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"),
            ("spaces in the request line", "GET  /health/live  HTTP/1.1\r\nHost: x\r\n\r\n"),
            ("binary", "\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u0001\u00fc\u0003\u0003"),
            ("TLS client hello on plain HTTP", "\u0016\u0003\u0001\u0000\u00a5\u0001\u0000\u0000\u00a1\u0003\u0003"),
            ("request line of 20 KB", "GET /" + new string('a', 20_000) + " HTTP/1.1\r\nHost: x\r\n\r\n"),
            ("smuggling: CL.TE", "POST /v1/profiles HTTP/1.1\r\nHost: x\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nG"),
            ("smuggling: TE obfuscated", "POST /v1/profiles HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: xchunked\r\nContent-Length: 4\r\n\r\n5c\r\n"),
        });
        return (d, Encoding.Latin1.GetBytes(raw), Expectation.ProtocolError);
    }

    private (string, byte[], Expectation) Auth(Random r)
    {
        var body = Encoding.UTF8.GetBytes(ValidBody(r));
        var wrongSecret = apiKey[..16] + new string('A', apiKey.Length - 16);
        var credential = Pick(r, new[]
        {
            "Bearer " + wrongSecret, "Bearer dk_" + new string('z', 12) + "_" + new string('B', 43), "Bearer", "Bearer ", "Bearer  " + apiKey + " x",
            "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("a:b")), "Bearer " + new string('k', 10_000), "Bearer a.b.c", "Bearer ..",
            "Bearer eyJhbGciOiJub25lIn0.eyJ0ZW5hbnQiOiJ4In0.", "Digest x", "Bearer " + apiKey[..^1],
            "Bearer eyJhbGciOiJSUzI1NiJ9." + new string('e', 5000) + ".sig", "Bearer %00", "Bearer \u00e9", "bearer " + wrongSecret,
        });
        var target = Pick(r, new[] { "/v1/profiles", "/v1/audiences", "/v1/profiles/e/a", "/admin/tenants/acme/keys" });
        var method = target == "/v1/profiles" || r.Next(2) == 0 ? "POST" : "GET";
        var expect = credential.Contains('\u00e9', StringComparison.Ordinal) ? Expectation.ProtocolError : Expectation.Problem;
        return ($"{method} {target} with Authorization: {(credential.Length > 60 ? credential[..60] + "..." : credential)}",
            Http(method, target, method == "POST" ? body : [], method == "POST" ? "application/json" : null, credential), expect);
    }

    private (string, byte[], Expectation) AudienceBody(Random r)
    {
        var target = r.Next(3) == 0 ? "/v1/audiences/" + Uri.EscapeDataString(Id(r)) : "/v1/audiences";
        var method = target == "/v1/audiences" ? "POST" : "PUT";
        var (d, body, expect) = Pick(r, new (string, byte[], Expectation)[]
        {
            ("not JSON", "{"u8.ToArray(), Expectation.Problem),
            ("array", "[]"u8.ToArray(), Expectation.Problem),
            ("aepAudienceId number", """{"aepAudienceId":1}"""u8.ToArray(), Expectation.Problem),
            ("name object", """{"aepAudienceId":"a","name":{}}"""u8.ToArray(), Expectation.Problem),
            ("source string", """{"aepAudienceId":"a","source":"x"}"""u8.ToArray(), Expectation.Problem),
            ("name of 2000 characters", Encoding.UTF8.GetBytes("{\"aepAudienceId\":\"a\",\"name\":\"" + (new string('n', 2000)) + "\"}"), Expectation.Problem),
            ("invalid UTF-8 in the name", [.. """{"aepAudienceId":"a","name":"x"""u8, 0xff, 0xfe, .. "\"}"u8], Expectation.Problem),
            ("lone surrogate in the id", """{"aepAudienceId":"\ud800"}"""u8.ToArray(), Expectation.Problem),
            ("lone surrogate in source", """{"aepAudienceId":"s","source":{"k":"\udc00"}}"""u8.ToArray(), Expectation.Problem),
            ("invalid UTF-8 in source", [.. "{\"aepAudienceId\":\"s\",\"source\":{\"k\":\""u8, 0xc3, 0x28, .. "\"}}"u8], Expectation.Problem),
            ("source nested 100 deep", Encoding.UTF8.GetBytes("{\"aepAudienceId\":\"a\",\"source\":" + string.Concat(Enumerable.Repeat("{\"a\":", 100)) + "1" + new string('}', 101)), Expectation.Problem),
            ("body over 64 KB", Encoding.UTF8.GetBytes("{\"aepAudienceId\":\"a\",\"description\":\"" + (new string('d', 70_000)) + "\"}"), Expectation.Problem),
            ("duplicate aepAudienceId", """{"aepAudienceId":"a","aepAudienceId":"b"}"""u8.ToArray(), Expectation.NotServerError),
            ("empty object", "{}"u8.ToArray(), method == "POST" ? Expectation.Problem : Expectation.NotServerError),
        });
        return ($"{method} {target}: {d}", Http(method, target, body), expect);
    }

    private (string, byte[], Expectation) TokenForm(Random r)
    {
        var (d, body, contentType, auth, expect) = Pick(r, new (string, string, string?, string?, Expectation)[]
        {
            ("no grant", "client_id=a&client_secret=b", "application/x-www-form-urlencoded", null, Expectation.Problem),
            ("password grant", "grant_type=password&username=a&password=b", "application/x-www-form-urlencoded", null, Expectation.Problem),
            ("unknown client", "grant_type=client_credentials&client_id=dkc_x&client_secret=y", "application/x-www-form-urlencoded", null, Expectation.Problem),
            ("bad percent-encoding", "grant_type=client_credentials&client_id=%ZZ&client_secret=%", "application/x-www-form-urlencoded", null, Expectation.Problem),
            ("JSON body", """{"grant_type":"client_credentials"}""", "application/json", null, Expectation.Problem),
            ("no content type", "grant_type=client_credentials", null, null, Expectation.Problem),
            ("Basic not base64", "grant_type=client_credentials", "application/x-www-form-urlencoded", "Basic !!!", Expectation.Problem),
            ("Basic without colon", "grant_type=client_credentials", "application/x-www-form-urlencoded", "Basic " + Convert.ToBase64String("abc"u8), Expectation.Problem),
            ("Basic and client_secret", "grant_type=client_credentials&client_secret=x", "application/x-www-form-urlencoded", "Basic " + Convert.ToBase64String("a:b"u8), Expectation.Problem),
            ("Basic of invalid UTF-8", "grant_type=client_credentials", "application/x-www-form-urlencoded", "Basic " + Convert.ToBase64String(new byte[] { 0xff, 0x3a, 0xfe }), Expectation.Problem),
            ("2000 form fields", string.Join("&", Enumerable.Range(0, 2000).Select(i => $"f{i}=v")), "application/x-www-form-urlencoded", null, Expectation.Problem),
            ("a 5 MB form value", "grant_type=client_credentials&client_id=" + new string('c', 5_000_000), "application/x-www-form-urlencoded", null, Expectation.Problem),
            ("a form key of 5000 characters", new string('k', 5000) + "=v", "application/x-www-form-urlencoded", null, Expectation.Problem),
            ("broken multipart", "--x\r\nContent-Disposition: form-data; name=\"grant_type\"\r\n\r\nclient_credentials", "multipart/form-data; boundary=x", null, Expectation.Problem),
            ("multipart without boundary", "grant_type=client_credentials", "multipart/form-data", null, Expectation.Problem),
            ("multipart with a 50 KB boundary", "x", "multipart/form-data; boundary=" + new string('b', 50_000), null, Expectation.ProtocolError),
            ("multipart with a 200-character boundary", "--" + new string('b', 200) + "\r\n", "multipart/form-data; boundary=" + new string('b', 200), null, Expectation.Problem),
            ("multipart with a file", "--x\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.txt\"\r\n\r\nabc\r\n--x--\r\n", "multipart/form-data; boundary=x", null, Expectation.Problem),
            ("charset utf-16", "grant_type=client_credentials", "application/x-www-form-urlencoded; charset=utf-16", null, Expectation.Problem),
            ("grant twice", "grant_type=client_credentials&grant_type=password&client_id=a&client_secret=b", "application/x-www-form-urlencoded", null, Expectation.Problem),
        });
        return ($"token: {d}", Http("POST", "/oauth2/token", Encoding.UTF8.GetBytes(body), contentType, auth ?? ""), expect);
    }
}
