using System.Net;
using System.Text.Json.Nodes;
using DestinationKit.Model.Aep;
using DestinationKit.Model.Configuration;
using DestinationKit.Simulator.Pebble;

namespace DestinationKit.Ingestion.Tests;

/// <summary>
/// The foundation's Destination SDK template (infra/DestinationKit.Model, Aep/StreamingTemplate.cs) rendered by the
/// simulator's Pebble renderer over AEP-shaped profiles (shared/AEP.md §1.2), sent to the real app over HTTP.
/// </summary>
public sealed class TemplateRenderedTests
{
    private static string Render(JsonArray profiles, JsonObject aliases)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["destination:mode"] = "streaming",
            ["destination:target"] = "aws",
            ["destination:region"] = "eu-west-1",
            ["destination:tenants"] = """["acme"]""",
            ["destination:destinationName"] = "Acme Audiences",
            ["destination:identityNamespaces"] = """{"email_lc_sha256": {}, "crm_id": {}}""",
            ["destination:profileFields"] = """[{"name": "firstName", "title": "First name"}]""",
        };
        var spec = DestinationSpecParser.Parse(StackConfiguration.From("destinationkit", "dev", values));
        var template = PebbleTemplate.Parse(StreamingTemplate.For(spec));
        return template.Render(new JsonObject
        {
            ["input"] = new JsonObject { ["profiles"] = profiles },
            ["destination"] = new JsonObject { ["namespaceSegmentAliases"] = aliases },
        });
    }

    private static JsonObject Profile(string email, string crm, JsonObject ups, string? firstName) => new()
    {
        ["identityMap"] = new JsonObject
        {
            ["email_lc_sha256"] = new JsonArray(new JsonObject { ["id"] = email }),
            ["crm_id"] = new JsonArray(new JsonObject { ["id"] = crm }),
        },
        ["segmentMembership"] = new JsonObject { ["ups"] = ups },
        ["attributes"] = firstName is null ? new JsonObject { ["firstName"] = new JsonObject() } : new JsonObject { ["firstName"] = new JsonObject { ["value"] = firstName } },
    };

    [Fact]
    public async Task A_request_rendered_by_the_destination_template_is_accepted_and_queryable()
    {
        const string hostile = "Ad\u00e9la \"Ada\" \\ line\nbreak {{ x }} \ud83d\ude00";
        var body = Render(
            new JsonArray(
                Profile("3f1a9c", "C-000123", new JsonObject
                {
                    ["seg-1"] = new JsonObject { ["status"] = "realized", ["lastQualificationTime"] = "2024-03-02T10:15:00.000+0000" },
                    ["seg-2"] = new JsonObject { ["status"] = "exited", ["lastQualificationTime"] = "2024-03-01T08:00:00Z" },
                }, hostile),
                Profile("77aa", "C-000555", new JsonObject
                {
                    ["seg-1"] = new JsonObject { ["status"] = "existing" },
                }, null)),
            new JsonObject { ["ups"] = new JsonObject { ["seg-1"] = "acme-aud-771", ["seg-2"] = "acme-aud-115" } });

        await using var app = new RunningApp();
        var key = (await app.CliAsync("keys", "create", "--tenant", "acme")).Trim().Split('\n')[^1].Trim();
        await app.StartAsync();
        using var client = app.Client(key);
        var response = await client.PostAsync("/v1/profiles", Json.Body(body));
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync() + "\n" + body);
        Assert.Equal(2, (await response.ReadAsync()).GetProperty("accepted").GetInt32());
        await app.CaughtUpAsync();

        var ada = await (await client.GetAsync("/v1/profiles/crm_id/C-000123")).ReadAsync();
        Assert.Equal(hostile, ada.GetProperty("attributes").GetProperty("firstName").GetString());
        var ups = ada.GetProperty("audiences").GetProperty("ups");
        Assert.Equal("realized", ups.GetProperty("acme-aud-771").GetProperty("status").GetString());
        Assert.Equal(new DateTimeOffset(2024, 3, 2, 10, 15, 0, TimeSpan.Zero), ups.GetProperty("acme-aud-771").GetProperty("qualifiedAt").GetDateTimeOffset());
        Assert.Equal("exited", ups.GetProperty("acme-aud-115").GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1/profiles/email_lc_sha256/3f1a9c")).StatusCode);

        var other = await (await client.GetAsync("/v1/profiles/email_lc_sha256/77aa")).ReadAsync();
        Assert.Equal(System.Text.Json.JsonValueKind.Null, other.GetProperty("attributes").GetProperty("firstName").ValueKind);
        var members = await (await client.GetAsync("/v1/audiences/acme-aud-771/members")).ReadAsync();
        Assert.Equal(4, members.GetProperty("members").GetArrayLength()); // two identities of each of the two profiles
    }
}
