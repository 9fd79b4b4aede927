using System.Net;
using System.Text.Json;

namespace DestinationKit.Ingestion.Tests;

public sealed class ProfilesTests(TestApp app) : IClassFixture<TestApp>
{
    private static async Task<JsonElement> ProfileAsync(HttpClient client, string ns, string id)
    {
        var response = await client.GetAsync($"/v1/profiles/{ns}/{id}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.ReadAsync();
    }

    [Fact]
    public async Task Accepted_request_is_durable_and_becomes_queryable()
    {
        var client = app.ClientFor("acme");
        var response = await client.PostAsync("/v1/profiles", Json.Body("""
            {"schemaVersion":1,"profiles":[
              {"identities":{"email_lc_sha256":["3f1a9c"],"acme_id":["C-000123","C-000987"]},
               "audiences":{"ups":{"acme-aud-771":{"status":"realized","qualifiedAt":"2024-03-02T10:15:00.000+0000"},
                                   "acme-aud-115":{"status":"exited","qualifiedAt":"2024-03-01T08:00:00Z"}}},
               "attributes":{"firstName":"Ada","birthDate":null,"score":12.5,"vip":true}}]}
            """));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadAsync();
        Assert.Equal(1, body.GetProperty("accepted").GetInt32());
        Assert.True(body.GetProperty("sequence").GetInt64() > 0);

        await app.CaughtUpAsync();
        foreach (var (ns, id) in new[] { ("email_lc_sha256", "3f1a9c"), ("acme_id", "C-000123"), ("acme_id", "C-000987") })
        {
            var profile = await ProfileAsync(client, ns, id);
            var ups = profile.GetProperty("audiences").GetProperty("ups");
            Assert.Equal("realized", ups.GetProperty("acme-aud-771").GetProperty("status").GetString());
            Assert.Equal(new DateTimeOffset(2024, 3, 2, 10, 15, 0, TimeSpan.Zero), ups.GetProperty("acme-aud-771").GetProperty("qualifiedAt").GetDateTimeOffset());
            Assert.Equal("exited", ups.GetProperty("acme-aud-115").GetProperty("status").GetString());
            var attributes = profile.GetProperty("attributes");
            Assert.Equal("Ada", attributes.GetProperty("firstName").GetString());
            Assert.Equal(JsonValueKind.Null, attributes.GetProperty("birthDate").ValueKind);
            Assert.Equal(12.5, attributes.GetProperty("score").GetDouble());
            Assert.True(attributes.GetProperty("vip").GetBoolean());
            Assert.Equal(0, profile.GetProperty("freshness").GetProperty("pendingRequests").GetInt64());
        }
    }

    [Fact]
    public async Task A_retried_request_leaves_the_same_state()
    {
        var client = app.ClientFor("retry");
        const string body = """{"schemaVersion":1,"profiles":[{"identities":{"e":["r1"]},"audiences":{"ups":{"a":{"status":"realized","qualifiedAt":"2024-05-01T00:00:00Z"}}},"attributes":{"x":"1"}}]}""";
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/v1/profiles", Json.Body(body))).StatusCode);
        await app.CaughtUpAsync();
        var first = (await ProfileAsync(client, "e", "r1")).GetProperty("audiences").GetRawText();
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/v1/profiles", Json.Body(body))).StatusCode);
        await app.CaughtUpAsync();
        var second = await ProfileAsync(client, "e", "r1");
        Assert.Equal(first, second.GetProperty("audiences").GetRawText());
        Assert.Equal("1", second.GetProperty("attributes").GetProperty("x").GetString());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task An_older_update_never_overwrites_a_newer_one(bool newerFirst)
    {
        var client = app.ClientFor("order");
        var id = "p-" + newerFirst;
        var newer = Json.Profiles(Json.Profile("e", id, Json.Member("a", "exited", "2024-06-02T00:00:00+02:00"), """{"tier":"gold"}"""));
        var older = Json.Profiles(Json.Profile("e", id, Json.Member("a", "realized", "2024-06-01T00:00:00Z"), """{"tier":"silver"}"""));
        foreach (var content in newerFirst ? new[] { newer, older } : [older, newer])
        {
            Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/v1/profiles", content)).StatusCode);
            await app.CaughtUpAsync();
        }
        var profile = await ProfileAsync(client, "e", id);
        var membership = profile.GetProperty("audiences").GetProperty("ups").GetProperty("a");
        Assert.Equal("exited", membership.GetProperty("status").GetString());
        Assert.Equal(new DateTimeOffset(2024, 6, 1, 22, 0, 0, TimeSpan.Zero), membership.GetProperty("qualifiedAt").GetDateTimeOffset());
        Assert.Equal("gold", profile.GetProperty("attributes").GetProperty("tier").GetString());
    }

    [Fact]
    public async Task Updates_of_one_identity_within_one_batch_resolve_like_one_by_one()
    {
        var client = app.ClientFor("batch");
        app.Store.PauseApplier(); // both requests land in one state transaction
        try
        {
            Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/v1/profiles", Json.Profiles(
                Json.Profile("e", "twice", Json.Member("a", "realized", "2024-02-02T00:00:00Z"), """{"name":"first"}"""),
                Json.Profile("e", "twice", Json.Member("a", "exited", "2024-02-01T00:00:00Z"), """{"name":"second"}""")))).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/v1/profiles", Json.Profiles(
                Json.Profile("e", "twice", Json.Member("b", "realized", "2024-03-01T00:00:00Z"), """{"name":"third"}"""),
                Json.Profile("e", "twice", Json.Member("b", "exited", "2024-03-01T00:00:00Z"), """{"name":"fourth"}""")))).StatusCode);
        }
        finally
        {
            app.Store.ResumeApplier();
        }
        await app.CaughtUpAsync();
        var profile = await ProfileAsync(client, "e", "twice");
        var ups = profile.GetProperty("audiences").GetProperty("ups");
        Assert.Equal("realized", ups.GetProperty("a").GetProperty("status").GetString()); // newer time wins
        Assert.Equal("exited", ups.GetProperty("b").GetProperty("status").GetString());   // equal times: exited wins
        Assert.Equal("fourth", profile.GetProperty("attributes").GetProperty("name").GetString()); // equal times: the later record
    }

    [Fact]
    public async Task Without_qualifiedAt_the_receive_time_orders_the_update()
    {
        var client = app.ClientFor("noqual");
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/v1/profiles", Json.Profiles(Json.Profile("e", "nq", Json.Member("a", "realized", null))))).StatusCode);
        await app.CaughtUpAsync();
        var membership = (await ProfileAsync(client, "e", "nq")).GetProperty("audiences").GetProperty("ups").GetProperty("a");
        Assert.InRange(membership.GetProperty("qualifiedAt").GetDateTimeOffset(), before, DateTimeOffset.UtcNow.AddSeconds(1));
    }

    [Fact]
    public async Task Missing_credentials_answer_401_problem_never_403()
    {
        var client = app.CreateClient();
        var response = await client.PostAsync("/v1/profiles", Json.Profiles(Json.Profile("e", "x")));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal(401, (await response.ReadAsync()).GetProperty("status").GetInt32());
    }

    [Theory]
    [InlineData("dk_aaaaaaaaaaaa_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    [InlineData("not-a-key")]
    [InlineData("a.b.c")]
    public async Task Bad_credentials_answer_401_without_echoing_them(string credential)
    {
        var response = await app.ClientWithBearer(credential).PostAsync("/v1/profiles", Json.Profiles(Json.Profile("e", "x")));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain(credential, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Basic_scheme_is_rejected_with_401()
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Basic", "dXNlcjpwYXNz");
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsync("/v1/profiles", Json.Profiles(Json.Profile("e", "x")))).StatusCode);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("application/json; charset=latin1")]
    public async Task Wrong_content_type_answers_415(string contentType)
    {
        var response = await app.ClientFor("ct").PostAsync("/v1/profiles", Json.Body("""{"schemaVersion":1,"profiles":[]}""", contentType));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal(415, (await response.ReadAsync()).GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task Json_with_utf8_charset_is_accepted()
    {
        var response = await app.ClientFor("ct").PostAsync("/v1/profiles", Json.Body(
            """{"schemaVersion":1,"profiles":[{"identities":{"e":["u"]}}]}""", "application/json; charset=utf-8"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    public static TheoryData<string, string, string> InvalidBodies => new()
    {
        { "not json", "$", "json" },
        { "[]", "$", "type" },
        { """{"profiles":[{"identities":{"e":["1"]}}]}""", "$.schemaVersion", "required" },
        { """{"schemaVersion":2,"profiles":[{"identities":{"e":["1"]}}]}""", "$.schemaVersion", "const" },
        { """{"schemaVersion":"1","profiles":[{"identities":{"e":["1"]}}]}""", "$.schemaVersion", "const" },
        { """{"schemaVersion":1}""", "$.profiles", "required" },
        { """{"schemaVersion":1,"profiles":[]}""", "$.profiles", "minItems" },
        { """{"schemaVersion":1,"profiles":{}}""", "$.profiles", "type" },
        { """{"schemaVersion":1,"profiles":[{"identities":{"e":["1"]}}],"extra":1}""", "$.extra", "additionalProperties" },
        { """{"schemaVersion":1,"profiles":[{"identities":{"e":["1"]}},{"audiences":{}}]}""", "$.profiles[1].identities", "required" },
        { """{"schemaVersion":1,"profiles":[{"identities":{}}]}""", "$.profiles[0].identities", "minProperties" },
        { """{"schemaVersion":1,"profiles":[{"identities":{"e":[]}}]}""", "$.profiles[0].identities", "minIds" },
        { """{"schemaVersion":1,"profiles":[{"identities":{"e":[""]}}]}""", "$.profiles[0].identities.e[0]", "minLength" },
        { """{"schemaVersion":1,"profiles":[{"identities":{"e":[7]}}]}""", "$.profiles[0].identities.e[0]", "type" },
        { """{"schemaVersion":1,"profiles":[{"identities":{"e":"x"}}]}""", "$.profiles[0].identities.e", "type" },
        { """{"schemaVersion":1,"profiles":[{"identities":{"":["x"]}}]}""", "$.profiles[0].identities['']", "minLength" },
        { """{"schemaVersion":1,"profiles":[{"identities":{"e":["1"]},"foo":1}]}""", "$.profiles[0].foo", "additionalProperties" },
        { """{"schemaVersion":1,"profiles":[{"identities":{"e":["1"]},"audiences":{"ups":{"a-1":{"status":"maybe"}}}}]}""", "$.profiles[0].audiences.ups['a-1'].status", "enum" },
        { """{"schemaVersion":1,"profiles":[{"identities":{"e":["1"]},"audiences":{"ups":{"a":{}}}}]}""", "$.profiles[0].audiences.ups.a.status", "required" },
        { """{"schemaVersion":1,"profiles":[{"identities":{"e":["1"]},"audiences":{"ups":{"a":{"status":"realized","qualifiedAt":"2024-03-02 10:15"}}}}]}""", "$.profiles[0].audiences.ups.a.qualifiedAt", "format" },
        { """{"schemaVersion":1,"profiles":[{"identities":{"e":["1"]},"audiences":{"ups":{"a":{"status":"realized","qualifiedAt":"2024-03-02T10:15:00"}}}}]}""", "$.profiles[0].audiences.ups.a.qualifiedAt", "format" },
        { """{"schemaVersion":1,"profiles":[{"identities":{"e":["1"]},"audiences":{"ups":{"a":{"status":"realized","x":1}}}}]}""", "$.profiles[0].audiences.ups.a.x", "additionalProperties" },
        // In UTC these fall before year 1 or after year 9999, where no date-time exists to answer them with.
        { """{"schemaVersion":1,"profiles":[{"identities":{"e":["1"]},"audiences":{"ups":{"a":{"status":"realized","qualifiedAt":"0001-01-01T00:00:00+23:59"}}}}]}""", "$.profiles[0].audiences.ups.a.qualifiedAt", "format" },
        { """{"schemaVersion":1,"profiles":[{"identities":{"e":["1"]},"audiences":{"ups":{"a":{"status":"realized","qualifiedAt":"9999-12-31T23:59:59-00:01"}}}}]}""", "$.profiles[0].audiences.ups.a.qualifiedAt", "format" },
        { """{"schemaVersion":1,"profiles":[{"identities":{"e":["1"]},"audiences":{"ups":[]}}]}""", "$.profiles[0].audiences.ups", "type" },
        { """{"schemaVersion":1,"profiles":[{"identities":{"e":["1"]},"audiences":[]}]}""", "$.profiles[0].audiences", "type" },
        { """{"schemaVersion":1,"profiles":[{"identities":{"e":["1"]},"attributes":{"a":{"value":1}}}]}""", "$.profiles[0].attributes.a", "type" },
        { """{"schemaVersion":1,"profiles":[{"identities":{"e":["1"]},"attributes":[]}]}""", "$.profiles[0].attributes", "type" },
        { """{"schemaVersion":1,"profiles":[7]}""", "$.profiles[0]", "type" },
        { """{"schemaVersion":1,"profiles":[{"identities":{"e":["1"]}}]} {}""", "$", "json" },
        { """{"schemaVersion":1,"profiles":[{"identities":{"e":["1"]}""", "$", "json" },
        // Escapes that are not characters (lone surrogates), wherever a string is.
        { """{"schemaVersion":1,"profiles":[{"identities":{"e":["\ud800"]}}]}""", "$.profiles[0].identities.e[0]", "escape" },
        { """{"schemaVersion":1,"profiles":[{"identities":{"\udc00":["1"]}}]}""", "$.profiles[0].identities['\\\\udc00']", "escape" },
        { """{"schemaVersion":1,"profiles":[{"identities":{"e":["1"]},"audiences":{"ups":{"a\ud800b":{"status":"realized"}}}}]}""", "$.profiles[0].audiences.ups['a\\\\ud800b']", "escape" },
        { """{"schemaVersion":1,"profiles":[{"identities":{"e":["1"]},"attributes":{"n\ud800":"v"}}]}""", "$.profiles[0].attributes['n\\\\ud800']", "escape" },
        { """{"schemaVersion":1,"profiles":[{"identities":{"e":["1"]},"attributes":{"a":"x\udfff\ud800"}}]}""", "$.profiles[0].attributes.a", "escape" },
        { """{"schemaVersion":1,"profiles":[{"identities":{"e":["1"]},"u\ud800":1}]}""", "$.profiles[0]['u\\\\ud800']", "additionalProperties" },
        // A member named twice in one object.
        { """{"schemaVersion":1,"schemaVersion":1,"profiles":[{"identities":{"e":["1"]}}]}""", "$.schemaVersion", "duplicateKey" },
        { """{"schemaVersion":1,"profiles":[{"identities":{"e":["1"]}}],"profiles":[{"identities":{"e":["2"]}}]}""", "$.profiles", "duplicateKey" },
        { """{"schemaVersion":1,"profiles":[{"identities":{"e":["1"]},"identities":{"e":["2"]}}]}""", "$.profiles[0].identities", "duplicateKey" },
        { """{"schemaVersion":1,"profiles":[{"identities":{"e":["1"],"e":["2"]}}]}""", "$.profiles[0].identities.e", "duplicateKey" },
        { """{"schemaVersion":1,"profiles":[{"identities":{"e":["1"]},"audiences":{"ups":{},"ups":{}}}]}""", "$.profiles[0].audiences.ups", "duplicateKey" },
        { """{"schemaVersion":1,"profiles":[{"identities":{"e":["1"]},"audiences":{"ups":{"x":{"status":"realized"},"x":{"status":"exited"}}}}]}""", "$.profiles[0].audiences.ups.x", "duplicateKey" },
        { """{"schemaVersion":1,"profiles":[{"identities":{"e":["1"]},"audiences":{"ups":{"x":{"status":"realized","status":"exited"}}}}]}""", "$.profiles[0].audiences.ups.x.status", "duplicateKey" },
        { """{"schemaVersion":1,"profiles":[{"identities":{"e":["1"]},"attributes":{"a":"1","a":"2"}}]}""", "$.profiles[0].attributes.a", "duplicateKey" },
        { """{"schemaVersion":1,"profiles":[{"identities":{"e":["1"]},"attributes":{"ab":"1","a\u0062":"2"}}]}""", "$.profiles[0].attributes.ab", "duplicateKey" },
        { "{\"schemaVersion\":1,\"profiles\":[{\"identities\":{\"e\":[\"1\"]},\"attributes\":{" + string.Concat(Enumerable.Range(0, 40).Select(i => $"\"n{i}\":1,")) + "\"n3\":2}}]}", "$.profiles[0].attributes.n3", "duplicateKey" },
    };

    [Theory]
    [MemberData(nameof(InvalidBodies))]
    public async Task Invalid_bodies_answer_400_naming_the_path_and_rule(string body, string path, string rule)
    {
        var response = await app.ClientFor("bad").PostAsync("/v1/profiles", Json.Body(body));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.ReadAsync();
        var errors = problem.GetProperty("errors").EnumerateArray().Select(e => (e.GetProperty("path").GetString(), e.GetProperty("rule").GetString())).ToList();
        Assert.Contains((path, rule), errors);
    }

    [Fact]
    public async Task A_body_that_is_not_utf8_answers_400_with_the_offset()
    {
        byte[] body = [.. """{"schemaVersion":1,"profiles":[{"identities":{"e":["a"""u8, 0xc3, 0x28, .. "\"]}}]}"u8];
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new("application/json");
        var response = await app.ClientFor("utf8").PostAsync("/v1/profiles", content);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.ReadAsync()).GetProperty("errors")[0];
        Assert.Equal("utf8", error.GetProperty("rule").GetString());
        Assert.Contains("byte 53", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_request_deriving_too_many_state_rows_answers_400_maxStateRows()
    {
        // One profile, 3,000 ids x 2,000 attributes: 6,000,000 rows of state from a 60 KB body; the default allows 5,000,000.
        var ids = string.Join(",", Enumerable.Range(0, 3000).Select(i => $"\"{i}\""));
        var attributes = string.Join(",", Enumerable.Range(0, 2000).Select(i => $"\"a{i}\":1"));
        var response = await app.ClientFor("rows").PostAsync("/v1/profiles", Json.Body(
            "{\"schemaVersion\":1,\"profiles\":[{\"identities\":{\"e\":[" + ids + "]},\"attributes\":{" + attributes + "}}]}"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.ReadAsync()).GetProperty("errors")[0];
        Assert.Equal(("$.profiles", "maxStateRows"), (error.GetProperty("path").GetString(), error.GetProperty("rule").GetString()));
        Assert.Contains("6000000 rows", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_request_of_many_rows_is_applied_in_parts_and_the_later_update_still_wins()
    {
        // 600 ids x 500 attributes = 300,000 rows, written in several parts by the state builder; a second profile of the
        // same request, received at the same time, updates one attribute of one id: being later in the log, it wins.
        var client = app.ClientFor("parts");
        var ids = string.Join(",", Enumerable.Range(0, 600).Select(i => $"\"i{i}\""));
        var attributes = string.Join(",", Enumerable.Range(0, 500).Select(i => $"\"a{i}\":\"v\""));
        var response = await client.PostAsync("/v1/profiles", Json.Body(
            "{\"schemaVersion\":1,\"profiles\":[{\"identities\":{\"e\":[" + ids + "]},\"attributes\":{" + attributes + "}},"
            + "{\"identities\":{\"e\":[\"i599\"]},\"attributes\":{\"a0\":\"w\"}}]}"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await app.CaughtUpAsync();
        var last = (await ProfileAsync(client, "e", "i599")).GetProperty("attributes");
        Assert.Equal(("w", "v"), (last.GetProperty("a0").GetString(), last.GetProperty("a499").GetString()));
        Assert.Equal("v", (await ProfileAsync(client, "e", "i0")).GetProperty("attributes").GetProperty("a0").GetString());
    }

    [Fact]
    public async Task Lengths_count_characters_not_bytes()
    {
        var client = app.ClientFor("len");
        var ok = new string('é', 128);
        var tooLong = new string('é', 129);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/v1/profiles", Json.Profiles(Json.Profile(ok, "x")))).StatusCode);
        var response = await client.PostAsync("/v1/profiles", Json.Profiles(Json.Profile(tooLong, "x")));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("maxLength", (await response.ReadAsync()).GetProperty("errors")[0].GetProperty("rule").GetString());
    }

    [Fact]
    public async Task Escaped_json_strings_arrive_intact()
    {
        var client = app.ClientFor("esc");
        var response = await client.PostAsync("/v1/profiles", Json.Body("""
            {"schemaVersion":1,"profiles":[{"identities":{"e":["q\"uote\\back\u00e9"]},"attributes":{"name":"line\nbreak \"x\""}}]}
            """));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await app.CaughtUpAsync();
        var profile = await (await client.GetAsync("/v1/profiles?namespace=e&id=" + Uri.EscapeDataString("q\"uote\\backé"))).ReadAsync();
        Assert.Equal("line\nbreak \"x\"", profile.GetProperty("attributes").GetProperty("name").GetString());
    }

    [Fact]
    public async Task Ten_thousand_profiles_in_one_request_are_accepted()
    {
        var client = app.ClientFor("big");
        var profiles = Enumerable.Range(0, 10_000).Select(i => Json.Profile("e", "big-" + i, Json.Member("a", "realized", "2024-01-01T00:00:00Z"))).ToArray();
        var response = await client.PostAsync("/v1/profiles", Json.Profiles(profiles));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(10_000, (await response.ReadAsync()).GetProperty("accepted").GetInt32());
        await app.CaughtUpAsync();
        Assert.Equal("realized", (await ProfileAsync(client, "e", "big-9999")).GetProperty("audiences").GetProperty("ups").GetProperty("a").GetProperty("status").GetString());
    }

    [Fact]
    public async Task More_than_ten_thousand_profiles_answer_400_maxItems()
    {
        var profiles = Enumerable.Range(0, 10_001).Select(i => Json.Profile("e", "x" + i)).ToArray();
        var response = await app.ClientFor("big").PostAsync("/v1/profiles", Json.Profiles(profiles));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.ReadAsync()).GetProperty("errors")[0];
        Assert.Equal("$.profiles", error.GetProperty("path").GetString());
        Assert.Equal("maxItems", error.GetProperty("rule").GetString());
    }

    [Fact]
    public async Task Tenants_are_isolated()
    {
        var a = app.ClientFor("tenant-a");
        var b = app.ClientFor("tenant-b");
        Assert.Equal(HttpStatusCode.OK, (await a.PostAsync("/v1/profiles", Json.Profiles(Json.Profile("e", "shared", Json.Member("aud-x", "realized", "2024-01-01T00:00:00Z"), """{"owner":"a"}""")))).StatusCode);
        await app.CaughtUpAsync();
        Assert.Equal(HttpStatusCode.OK, (await a.GetAsync("/v1/profiles/e/shared")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await b.GetAsync("/v1/profiles/e/shared")).StatusCode);
        var members = await (await b.GetAsync("/v1/audiences/aud-x/members")).ReadAsync();
        Assert.Empty(members.GetProperty("members").EnumerateArray());
        members = await (await a.GetAsync("/v1/audiences/aud-x/members")).ReadAsync();
        Assert.Single(members.GetProperty("members").EnumerateArray());

        // B writing the same identity does not touch A's profile.
        Assert.Equal(HttpStatusCode.OK, (await b.PostAsync("/v1/profiles", Json.Profiles(Json.Profile("e", "shared", "{}", """{"owner":"b"}""")))).StatusCode);
        await app.CaughtUpAsync();
        Assert.Equal("a", (await ProfileAsync(a, "e", "shared")).GetProperty("attributes").GetProperty("owner").GetString());
        Assert.Equal("b", (await ProfileAsync(b, "e", "shared")).GetProperty("attributes").GetProperty("owner").GetString());
    }
}
