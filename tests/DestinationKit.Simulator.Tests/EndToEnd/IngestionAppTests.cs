using System.CommandLine;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using DestinationKit.Simulator.Audiences;
using DestinationKit.Simulator.Configuration;
using DestinationKit.Simulator.Profiles;
using DestinationKit.Simulator.Simulate;
using DestinationKit.Simulator.Streaming;

namespace DestinationKit.Simulator.Tests.EndToEnd;

/// <summary>The simulator against the real ingestion app on loopback (its built dll, out of process): what the
/// simulator reports is what the app stored.</summary>
public sealed class IngestionAppTests
{
    internal static async Task<JsonElement> GetAsync(HttpClient client, string path)
    {
        var response = await client.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Every (namespace, id) the app lists as a member of the audience.</summary>
    internal static async Task<HashSet<(string, string)>> MembersAsync(HttpClient client, string audienceId)
    {
        var members = new HashSet<(string, string)>();
        string? cursor = null;
        do
        {
            var page = await GetAsync(client, $"/v1/audiences/{Uri.EscapeDataString(audienceId)}/members?limit=1000"
                + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor)));
            foreach (var m in page.GetProperty("members").EnumerateArray())
            {
                members.Add((m.GetProperty("namespace").GetString()!, m.GetProperty("id").GetString()!));
            }
            cursor = page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);
        return members;
    }

    /// <summary>The identities of the profiles that are members (realized or existing) of the audience.</summary>
    private static HashSet<(string, string)> ExpectedMembers(IEnumerable<JsonObject> profiles, string segmentId) =>
    [
        .. profiles
            .Where(p => p["segmentMembership"]!["ups"]?[segmentId]?["status"]?.GetValue<string>() is "realized" or "existing")
            .SelectMany(p => ((JsonObject)p["identityMap"]!).SelectMany(e => ((JsonArray)e.Value!).Select(i => (e.Key, i!["id"]!.GetValue<string>())))),
    ];

    [Fact]
    public async Task The_cli_reports_what_the_app_stored()
    {
        await using var app = new RunningApp();
        var key = (await app.CliAsync("keys", "create", "--tenant", "acme")).Trim().Split('\n')[^1].Trim();
        await app.StartAsync();
        var destination = Destinations.Streaming(app.BaseAddress, ("aggregation", """{"type": "best-effort", "maxUsersPerRequest": 40}"""));

        var work = Directory.CreateTempSubdirectory("dk-sim-e2e-");
        try
        {
            var aepConfig = Path.Combine(work.FullName, "aep.json");
            // As `pulumi stack output --json` gives it: the document as a string under aepConfiguration.
            await File.WriteAllTextAsync(aepConfig, new JsonObject { ["aepConfiguration"] = destination.Document.ToJsonString() }.ToJsonString());
            var credentials = Path.Combine(work.FullName, "creds.json");
            await File.WriteAllTextAsync(credentials, new JsonObject { ["acme"] = new JsonObject { ["apiKey"] = key } }.ToJsonString());
            var summaryFile = Path.Combine(work.FullName, "out", "summary.json");

            var output = new StringWriter();
            var root = new RootCommand { SimulateCommand.Build() };
            var exit = await root.Parse([
                "simulate", "streaming", "--aep-config", aepConfig, "--credentials", credentials, "--tenant", "acme",
                "--profiles", "230", "--audiences", "3", "--seed", "7", "--run-id", "e2e", "--time-scale", "0.001", "--summary", summaryFile,
            ]).InvokeAsync(new InvocationConfiguration { Output = output, Error = output });

            Assert.True(exit == 0, output.ToString());
            Assert.Contains("accepted     230", output.ToString(), StringComparison.Ordinal);
            var summary = JsonNode.Parse(await File.ReadAllTextAsync(summaryFile))!;
            Assert.True(summary["ok"]!.GetValue<bool>());
            Assert.Equal(6, summary["requests"]!["accepted"]!.GetValue<int>()); // 230 profiles, 40 a request
            Assert.Equal(230, summary["profiles"]!["accepted"]!.GetValue<int>());
            Assert.Equal(0, summary["requests"]!["retried"]!.GetValue<int>());
            Assert.DoesNotContain(key, await File.ReadAllTextAsync(summaryFile), StringComparison.Ordinal);

            // The same profiles again (the generator is deterministic for a seed and run id): what the app must hold.
            var audiences = ProfileGenerator.Audiences(3, "e2e");
            var generator = new ProfileGenerator(7, "e2e");
            var profiles = Enumerable.Range(0, 230)
                .Select(i => generator.Next(i, destination.IdentityNamespaces, audiences, destination.ProfileFields, DateTimeOffset.UtcNow)).ToList();

            await app.CaughtUpAsync();
            using var client = app.Client(key);
            var aliases = summary["audiences"]!["audiences"]!.AsArray()
                .ToDictionary(a => a!["segmentId"]!.GetValue<string>(), a => a!["externalAudienceId"]!.GetValue<string>());
            Assert.Equal(audiences.Select(a => a.Id).Order(), aliases.Keys.Order());
            var total = 0;
            foreach (var audience in audiences)
            {
                var expected = ExpectedMembers(profiles, audience.Id);
                Assert.NotEmpty(expected);
                // The template sent the alias from the audience create call, so the app files members under it.
                var stored = await MembersAsync(client, aliases[audience.Id]);
                Assert.Equal(expected.Order(), stored.Order());
                total += stored.Count;
            }
            Assert.True(total > 230, "members over all audiences");

            // Awkward attribute values arrive byte-exact; an absent attribute ({} in AEP) is null.
            var awkward = profiles.First(p => p["attributes"]!["firstName"]?["value"]?.GetValue<string>() is { } v && ProfileGenerator.AwkwardValues.Contains(v));
            var absent = profiles.First(p => ((JsonObject)p["attributes"]!["city"]!).Count == 0);
            foreach (var (profile, attribute, expectedValue) in new[]
                { (awkward, "firstName", awkward["attributes"]!["firstName"]!["value"]!.GetValue<string>()), (absent, "city", (string?)null) })
            {
                var id = profile["identityMap"]!["email_lc_sha256"]![0]!["id"]!.GetValue<string>();
                var stored = await GetAsync(client, $"/v1/profiles/email_lc_sha256/{id}");
                var value = stored.GetProperty("attributes").GetProperty(attribute);
                Assert.Equal(expectedValue, value.ValueKind == JsonValueKind.Null ? null : value.GetString());
            }
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task OAuth_client_credentials_against_the_apps_token_endpoint()
    {
        await using var app = new RunningApp();
        var created = await app.CliAsync("clients", "create", "--tenant", "acme");
        string Line(string name) => created.Split('\n').Single(l => l.StartsWith(name + "=", StringComparison.Ordinal))[(name.Length + 1)..].Trim();
        await app.StartAsync();
        var credentials = new SimulatorCredentials { ClientId = Line("client_id"), ClientSecret = Line("client_secret") };

        foreach (var clientAuthentication in new[] { "basic", "body" })
        {
            var destination = Destinations.Streaming(app.BaseAddress,
                ("auth", "oauth2"), ("oauth2", $$"""{"issuer": "app", "clientAuthentication": "{{clientAuthentication}}"}"""),
                ("aggregation", """{"type": "best-effort", "maxUsersPerRequest": 25}"""));
            Assert.Equal(StreamingAuthType.OAuth2ClientCredentials, destination.Auth.Type);
            using var http = new HttpClient();
            var simulator = new StreamingSimulator(destination, credentials, http);
            var result = await simulator.RunAsync(new StreamingOptions { Profiles = 60, Audiences = 2, RunId = "oauth-" + clientAuthentication, TimeScale = 0.001 },
                CancellationToken.None);

            Assert.True(result.Ok, result.ToSummary().ToJsonString());
            Assert.Equal((3, 60, 1), (result.RequestsAccepted, result.ProfilesAccepted, result.TokenRequests));
            Assert.True(result.Audiences!.Ok);

            await app.CaughtUpAsync();
            using var client = app.Client(await new AepAuthenticator(destination.Auth, credentials, http).TokenAsync(CancellationToken.None));
            foreach (var audience in simulator.SimulatedAudiences)
            {
                var stored = await MembersAsync(client, result.Audiences.Aliases[audience.Id]);
                Assert.Equal(ExpectedMembers(simulator.GeneratedProfiles, audience.Id).Order(), stored.Order());
            }
        }
    }

    [Fact]
    public async Task A_wrong_key_is_answered_401_and_not_retried()
    {
        await using var app = new RunningApp();
        await app.StartAsync();
        var destination = Destinations.Streaming(app.BaseAddress, ("aggregation", """{"type": "best-effort", "maxUsersPerRequest": 10}"""));
        using var http = new HttpClient();
        var result = await new StreamingSimulator(destination, new SimulatorCredentials { ApiKey = "dk_nokey_0000" }, http)
            .RunAsync(new StreamingOptions { Profiles = 20, SyncAudiences = false, TimeScale = 0.001 }, CancellationToken.None);

        Assert.Equal((2, 0, 2), (result.Attempts, result.Retries, result.RequestsDropped));
        Assert.Equal(new Dictionary<string, int> { ["401"] = 2 }, result.DroppedByStatus);
    }

    [Fact]
    public async Task The_audience_template_gives_a_stable_external_audience_id_and_updates_and_deletes()
    {
        await using var app = new RunningApp();
        var key = (await app.CliAsync("keys", "create", "--tenant", "acme")).Trim().Split('\n')[^1].Trim();
        await app.StartAsync();
        var destination = Destinations.Streaming(app.BaseAddress);
        Assert.NotNull(destination.AudienceTemplate);
        using var http = new HttpClient();
        var credentials = new SimulatorCredentials { ApiKey = key };
        var sync = new AudienceSync(destination, credentials, new AepAuthenticator(destination.Auth, credentials, http), http);
        var audiences = ProfileGenerator.Audiences(2, "aud");

        var report = await sync.RunAsync(audiences, repeatCreate: true, update: true, delete: false, CancellationToken.None);

        Assert.True(report.Ok, AudienceSummary.ToJson(report).ToJsonString());
        Assert.All(report.Audiences, a => Assert.True(a.StableOnRepeatedCreate));
        Assert.Equal([201, 200, 200, 201, 200, 200], report.Calls.Select(c => c.Status));
        using var client = app.Client(key);
        var first = report.Audiences[0];
        var stored = await GetAsync(client, $"/v1/audiences/{Uri.EscapeDataString(first.ExternalAudienceId!)}");
        // Rendered from {{segment.name}} etc. into the JSON tree: quotes, backslashes and line breaks arrive intact.
        Assert.Equal(audiences[0].Name + " (renamed)", stored.GetProperty("name").GetString());
        Assert.Equal(audiences[0].Id, stored.GetProperty("aepAudienceId").GetString());
        Assert.Equal(AudienceSync.DestinationId, stored.GetProperty("source").GetProperty("destinationId").GetString());

        var deleted = await sync.CallAsync(destination.AudienceTemplate!, "delete", audiences[0], first.ExternalAudienceId, CancellationToken.None);
        Assert.Equal(204, deleted.Status);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/v1/audiences/{Uri.EscapeDataString(first.ExternalAudienceId!)}")).StatusCode);

        // Without a credential the app answers 401 and the template's error field carries the app's message.
        var anonymous = new AudienceSync(destination, new SimulatorCredentials { ApiKey = "dk_bad_bad" }, new AepAuthenticator(destination.Auth, new SimulatorCredentials { ApiKey = "dk_bad_bad" }, http), http);
        var refused = await anonymous.CallAsync(destination.AudienceTemplate!, "create", audiences[1], null, CancellationToken.None);
        Assert.Equal(401, refused.Status);
        Assert.False(string.IsNullOrEmpty(refused.ErrorMessage));
        Assert.Null(refused.ExternalAudienceId);
    }
}
