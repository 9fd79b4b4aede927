using System.Net;
using System.Text.Json;

namespace DestinationKit.Ingestion.Tests;

/// <summary>The real app in its own process, driven over HTTP on loopback.</summary>
public sealed class OutOfProcessTests
{
    /// <summary>
    /// What the streaming template of infra/DestinationKit.Model (Aep/StreamingTemplate.cs) renders for two AEP
    /// profiles: the template's line breaks and indentation, json-escaped values, an exited audience, an audience
    /// without lastQualificationTime, a freeform attribute that is absent (null) and a second identity namespace.
    /// </summary>
    private const string RenderedByTemplate = """
        {"schemaVersion":1,"profiles":[
        {"identities":{"email_lc_sha256":["3f1a9c0d"],"acme_id":["C-000123","C-000987"]
        },"audiences":{"ups":{"aud_771":{"status":"realized","qualifiedAt":"2024-03-02T10:15:00.000+0000"},"aud_115":{"status":"exited","qualifiedAt":"2024-03-01T08:00:00Z"}
          }
        },"attributes":{"firstName":"Ad\u00e9la \"Ada\"","birthDate":null
        }},
        {"identities":{"acme_id":["C-000555"]
        },"audiences":{"ups":{"aud_771":{"status":"existing"}
          },"CustomerAudienceUpload":{"upload-9":{"status":"realized","qualifiedAt":"2024-03-03T00:00:00+01:00"}}
        },"attributes":{
        }}
        ]}
        """;

    [Fact]
    public async Task A_request_rendered_by_our_template_is_accepted_and_queryable()
    {
        await using var app = new RunningApp();
        var created = await app.CliAsync("keys", "create", "--tenant", "acme");
        var key = created.Trim().Split('\n')[^1].Trim();
        Assert.StartsWith("dk_", key, StringComparison.Ordinal);
        await app.StartAsync();
        Assert.Contains("keys create --tenant", app.Output, StringComparison.Ordinal); // tells the user how to get a key

        using var client = app.Client(key);
        var response = await client.PostAsync("/v1/profiles", Json.Body(RenderedByTemplate));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, (await response.ReadAsync()).GetProperty("accepted").GetInt32());
        await app.CaughtUpAsync();

        var ada = await (await client.GetAsync("/v1/profiles/acme_id/C-000987")).ReadAsync();
        Assert.Equal("Adéla \"Ada\"", ada.GetProperty("attributes").GetProperty("firstName").GetString());
        Assert.Equal("exited", ada.GetProperty("audiences").GetProperty("ups").GetProperty("aud_115").GetProperty("status").GetString());
        var other = await (await client.GetAsync("/v1/profiles/acme_id/C-000555")).ReadAsync();
        Assert.Equal(new DateTimeOffset(2024, 3, 2, 23, 0, 0, TimeSpan.Zero),
            other.GetProperty("audiences").GetProperty("CustomerAudienceUpload").GetProperty("upload-9").GetProperty("qualifiedAt").GetDateTimeOffset());
        var members = await (await client.GetAsync("/v1/audiences/aud_771/members")).ReadAsync();
        Assert.Equal(["C-000123", "C-000555", "C-000987", "3f1a9c0d"], members.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("id").GetString()!));
    }

    [Fact]
    public async Task A_crash_and_restart_keep_every_acknowledged_request()
    {
        await using var app = new RunningApp();
        var key = (await app.CliAsync("keys", "create", "--tenant", "acme")).Trim().Split('\n')[^1].Trim();
        await app.StartAsync();

        const int writers = 4, requestsPerWriter = 25, profilesPerRequest = 20;
        var acknowledged = new System.Collections.Concurrent.ConcurrentBag<string>();
        using (var client = app.Client(key))
        {
            await Task.WhenAll(Enumerable.Range(0, writers).Select(async w =>
            {
                for (var r = 0; r < requestsPerWriter; r++)
                {
                    var ids = Enumerable.Range(0, profilesPerRequest).Select(p => $"w{w}-r{r}-p{p}").ToArray();
                    var body = Json.Profiles(ids.Select(id => Json.Profile("crm", id, Json.Member("durable", "realized", "2024-01-01T00:00:00Z"), """{"k":"v"}""")).ToArray());
                    var response = await client.PostAsync("/v1/profiles", body);
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        foreach (var id in ids)
                        {
                            acknowledged.Add(id);
                        }
                    }
                }
            }));
        }
        Assert.Equal(writers * requestsPerWriter * profilesPerRequest, acknowledged.Count);

        await app.KillAsync(); // right after the last acknowledgement: no graceful shutdown
        await app.StartAsync();
        await app.CaughtUpAsync();

        using var after = app.Client(key);
        var found = new HashSet<string>();
        string? cursor = null;
        do
        {
            var page = await (await after.GetAsync("/v1/audiences/durable/members?limit=1000" + (cursor is null ? "" : "&cursor=" + cursor))).ReadAsync();
            foreach (var m in page.GetProperty("members").EnumerateArray())
            {
                found.Add(m.GetProperty("id").GetString()!);
            }
            cursor = page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);
        Assert.Empty(acknowledged.Except(found));
        Assert.Equal(HttpStatusCode.OK, (await after.GetAsync("/v1/profiles/crm/w3-r24-p19")).StatusCode);
    }

    [Fact]
    public async Task Concurrent_writers_to_one_profile_converge_to_the_newest_state()
    {
        await using var app = new RunningApp();
        await app.StartAsync();
        using var admin = app.Client(RunningApp.AdminKey);
        var key = (await (await admin.PostAsync("/admin/tenants/acme/keys", null)).ReadAsync()).GetProperty("secret").GetString()!;

        // 8 writers x 25 updates of the same profile, each update at its own qualification time, sent in shuffled order.
        var start = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var updates = Enumerable.Range(0, 200).Select(i => (Time: start.AddMinutes(i), Status: i % 3 == 0 ? "exited" : "realized", Value: "v" + i)).ToList();
        var shuffled = updates.OrderBy(_ => Random.Shared.Next()).ToList();
        using var client = app.Client(key);
        await Task.WhenAll(Enumerable.Range(0, 8).Select(async w =>
        {
            foreach (var u in shuffled.Where((_, i) => i % 8 == w))
            {
                var body = Json.Profiles(Json.Profile("e", "contended", Json.Member("hot", u.Status, u.Time.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture)),
                    $$"""{"last":"{{u.Value}}"}"""));
                Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/v1/profiles", body)).StatusCode);
            }
        }));
        await app.CaughtUpAsync();

        var newest = updates[^1];
        var profile = await (await client.GetAsync("/v1/profiles/e/contended")).ReadAsync();
        var membership = profile.GetProperty("audiences").GetProperty("ups").GetProperty("hot");
        Assert.Equal(newest.Time, membership.GetProperty("qualifiedAt").GetDateTimeOffset());
        Assert.Equal(newest.Status, membership.GetProperty("status").GetString());
        Assert.Equal(newest.Value, profile.GetProperty("attributes").GetProperty("last").GetString());
    }

    [Fact]
    public async Task OAuth_client_credentials_work_end_to_end()
    {
        await using var app = new RunningApp();
        var output = await app.CliAsync("clients", "create", "--tenant", "acme");
        var id = output.Split('\n').Single(l => l.StartsWith("client_id=", StringComparison.Ordinal))["client_id=".Length..].Trim();
        var secret = output.Split('\n').Single(l => l.StartsWith("client_secret=", StringComparison.Ordinal))["client_secret=".Length..].Trim();
        await app.StartAsync();

        using var client = app.Client();
        client.DefaultRequestHeaders.Authorization = new("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{id}:{secret}")));
        var token = await (await client.PostAsync("/oauth2/token", new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials" }))).ReadAsync();
        using var api = app.Client(token.GetProperty("access_token").GetString());
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsync("/v1/profiles", Json.Profiles(Json.Profile("e", "x", "{}", """{"k":"v"}""")))).StatusCode);
        Assert.DoesNotContain(secret, app.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(token.GetProperty("access_token").GetString()!, app.Output, StringComparison.Ordinal);
    }
}
