using System.Text;
using System.Text.Json;
using DestinationKit.Simulator.Configuration;
using DestinationKit.Simulator.Streaming;

namespace DestinationKit.Simulator.Tests.Streaming;

/// <summary>The simulator against a stub destination on 127.0.0.1: what it sends, how it retries, how it authenticates.</summary>
public class DeliveryTests
{
    private const double Scale = 0.01; // AEP's 15 s become 150 ms
    private static readonly TimeSpan Slack = TimeSpan.FromMilliseconds(15);

    private static SimulatorCredentials Key => new() { ApiKey = "dk_test_key" };

    private static async Task<StreamingResult> RunAsync(StubServer stub, int profiles, SimulatorCredentials credentials,
        params (string, string)[] config)
    {
        var destination = Destinations.Streaming(stub.BaseAddress, config);
        using var http = new HttpClient();
        return await new StreamingSimulator(destination, credentials, http).RunAsync(
            new StreamingOptions { Profiles = profiles, TimeScale = Scale, SyncAudiences = false, RunId = "t" }, CancellationToken.None);
    }

    [Fact]
    public async Task A_destination_answering_401_is_not_retried()
    {
        await using var stub = new StubServer((_, _) => (401, """{"title":"Unauthorized"}"""));
        var result = await RunAsync(stub, 25, Key, ("aggregation", """{"type": "best-effort", "maxUsersPerRequest": 10}"""));

        Assert.Equal(3, stub.On("/v1/profiles").Count);
        Assert.Equal((3, 0, 3, 0), (result.RequestsSent, result.RequestsAccepted, result.RequestsDropped, result.Retries));
        Assert.Equal(new Dictionary<string, int> { ["401"] = 3 }, result.DroppedByStatus);
        Assert.Empty(result.RetriedByStatus);
        Assert.Equal(25, result.ProfilesDropped);
        Assert.False(result.Ok);
        Assert.All(stub.Requests, r => Assert.Equal("Bearer dk_test_key", r.Authorization));
    }

    [Fact]
    public async Task A_destination_answering_503_is_retried_after_15_and_30_seconds_then_dropped()
    {
        await using var stub = new StubServer((_, _) => (503, """{"title":"Service Unavailable"}"""));
        var result = await RunAsync(stub, 10, Key, ("aggregation", """{"type": "best-effort", "maxUsersPerRequest": 10}"""));

        var request = Assert.Single(result.Requests);
        Assert.Equal([TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(30), null], request.Attempts.Select(a => a.DelayBeforeNext));
        var received = stub.On("/v1/profiles");
        Assert.Equal(3, received.Count);
        Assert.True(received[1].At - received[0].At >= TimeSpan.FromSeconds(15 * Scale) - Slack, $"first retry after {received[1].At - received[0].At}");
        Assert.True(received[2].At - received[1].At >= TimeSpan.FromSeconds(30 * Scale) - Slack, $"second retry after {received[2].At - received[1].At}");
        Assert.Equal(new Dictionary<string, int> { ["503"] = 2 }, result.RetriedByStatus);
        Assert.Equal(new Dictionary<string, int> { ["503"] = 1 }, result.DroppedByStatus);
        Assert.Equal((1, 3, 2), (result.RequestsDropped, result.Attempts, result.Retries));
        // Every attempt carries the same body.
        Assert.Single(received.Select(r => r.Body).Distinct());
    }

    [Fact]
    public async Task A_retried_request_that_then_succeeds_is_accepted()
    {
        await using var stub = new StubServer((_, n) => n == 0 ? (429, "{}") : (200, """{"accepted":1}"""));
        var result = await RunAsync(stub, 5, Key, ("aggregation", """{"type": "best-effort", "maxUsersPerRequest": 5}"""));

        Assert.Equal((1, 0, 1, 5), (result.RequestsAccepted, result.RequestsDropped, result.Retries, result.ProfilesAccepted));
        Assert.Equal(new Dictionary<string, int> { ["200"] = 1, ["429"] = 1 }, result.StatusCodes);
        Assert.True(result.Ok);
    }

    [Fact]
    public async Task Configurable_aggregation_drops_500_and_re_attempts_503_once_after_30_minutes()
    {
        // The first request (audience 1 realized, say) gets 500, every other one 503.
        await using var stub = new StubServer((_, n) => n == 0 ? (500, "{}") : (503, "{}"));
        var destination = Destinations.Streaming(stub.BaseAddress, ("aggregation", """
            {"type": "configurable", "maxNumEventsInBatch": 1000, "maxBatchAgeInSecs": 1800,
             "aggregationKey": {"includeSegmentId": true, "includeSegmentStatus": true}}
            """));
        using var http = new HttpClient();
        var result = await new StreamingSimulator(destination, Key, http).RunAsync(
            new StreamingOptions { Profiles = 20, Audiences = 2, TimeScale = 0.0001, SyncAudiences = false, RunId = "t" }, CancellationToken.None);

        Assert.True(result.Requests.Count >= 2, "one request per audience and status");
        Assert.All(result.Requests, r => Assert.NotNull(r.Attempts[0]));
        var first500 = Assert.Single(result.Requests, r => r.Attempts[0].Status == 500);
        Assert.Single(first500.Attempts);
        Assert.All(result.Requests.Where(r => r != first500), r =>
            Assert.Equal([TimeSpan.FromMinutes(30), null], r.Attempts.Select(a => a.DelayBeforeNext)));
        Assert.Equal(result.Requests.Count, result.RequestsDropped);
        Assert.Equal("input.profiles", result.ToSummary()["aggregation"]!["templateInput"]!.GetValue<string>());
        // Each request holds one audience and status only: the aggregation key the template could use.
        Assert.All(stub.On("/v1/profiles"), r =>
        {
            using var body = JsonDocument.Parse(r.Body);
            var memberships = body.RootElement.GetProperty("profiles").EnumerateArray()
                .Select(p => p.GetProperty("audiences").GetProperty("ups").EnumerateObject().Single())
                .Select(m => (m.Name, m.Value.GetProperty("status").GetString())).Distinct();
            Assert.Single(memberships);
        });
    }

    [Fact]
    public async Task Best_effort_with_one_user_a_request_renders_input_profile()
    {
        await using var stub = new StubServer((_, _) => (200, "{}"));
        var result = await RunAsync(stub, 4, Key, ("aggregation", """{"type": "best-effort", "maxUsersPerRequest": 1}"""));

        Assert.Equal(4, result.RequestsAccepted);
        Assert.All(stub.On("/v1/profiles"), r =>
        {
            using var body = JsonDocument.Parse(r.Body);
            Assert.Equal(1, body.RootElement.GetProperty("profiles").GetArrayLength());
        });
        Assert.Equal("input.profile", result.ToSummary()["aggregation"]!["templateInput"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("basic")]
    [InlineData("body")]
    public async Task OAuth2_client_credentials_fetch_a_token_once_and_send_it_as_bearer(string clientAuthentication)
    {
        await using var stub = new StubServer((r, _) => r.Path == "/oauth2/token"
            ? (200, """{"access_token":"tok-123","token_type":"Bearer","expires_in":86400}""")
            : (200, "{}"));
        var credentials = new SimulatorCredentials { ClientId = "client-1", ClientSecret = "s3cr&t=" };
        var result = await RunAsync(stub, 30, credentials,
            ("auth", "oauth2"), ("oauth2", $$"""{"issuer": "app", "clientAuthentication": "{{clientAuthentication}}", "scopes": ["profiles.write"]}"""),
            ("aggregation", """{"type": "best-effort", "maxUsersPerRequest": 10}"""));

        Assert.Equal(3, result.RequestsAccepted);
        Assert.Equal(1, result.TokenRequests);
        var token = Assert.Single(stub.On("/oauth2/token"));
        var form = token.Body.Split('&').Select(p => p.Split('=')).ToDictionary(p => p[0], p => Uri.UnescapeDataString(p[1].Replace('+', ' ')));
        Assert.Equal("client_credentials", form["grant_type"]);
        Assert.Equal("profiles.write", form["scope"]);
        if (clientAuthentication == "basic")
        {
            Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("client-1:s3cr%26t%3D")), token.Authorization);
            Assert.False(form.ContainsKey("client_secret"));
        }
        else
        {
            Assert.Null(token.Authorization);
            Assert.Equal(("client-1", "s3cr&t="), (form["client_id"], form["client_secret"]));
        }
        Assert.All(stub.On("/v1/profiles"), r => Assert.Equal("Bearer tok-123", r.Authorization));
    }

    private sealed class ManualClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => Now;
    }

    [Fact]
    public async Task An_expired_token_is_refreshed()
    {
        await using var stub = new StubServer((_, n) => (200, $$"""{"access_token":"tok-{{n}}","expires_in":3600}"""));
        var clock = new ManualClock();
        using var http = new HttpClient();
        var auth = new AepAuthenticator(new AuthSettings
        {
            Type = StreamingAuthType.OAuth2ClientCredentials,
            AccessTokenUrl = new Uri(stub.BaseAddress, "token").AbsoluteUri,
            ClientId = "{{authData.clientId}}",
            ClientSecret = "{{authData.clientSecret}}",
        }, new SimulatorCredentials { ClientId = "c", ClientSecret = "s" }, http, clock);

        Assert.Equal("tok-0", await auth.TokenAsync(CancellationToken.None));
        clock.Now = clock.Now.AddMinutes(59);
        Assert.Equal("tok-0", await auth.TokenAsync(CancellationToken.None));
        clock.Now = clock.Now.AddMinutes(1);
        Assert.Equal("tok-1", await auth.TokenAsync(CancellationToken.None));
        Assert.Equal(2, auth.TokenRequests);
    }

    [Fact]
    public async Task A_refused_token_request_drops_the_requests_without_calling_the_destination()
    {
        await using var stub = new StubServer((r, _) => r.Path == "/oauth2/token" ? (401, """{"error":"invalid_client"}""") : (200, "{}"));
        var result = await RunAsync(stub, 5, new SimulatorCredentials { ClientId = "c", ClientSecret = "wrong" },
            ("auth", "oauth2"), ("aggregation", """{"type": "best-effort", "maxUsersPerRequest": 5}"""));

        Assert.Empty(stub.On("/v1/profiles"));
        Assert.Equal(1, result.RequestsDropped);
        Assert.Equal(new Dictionary<string, int> { ["401"] = 1 }, result.DroppedByStatus);
        Assert.Contains("token endpoint", result.Requests[0].Error, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong", result.ToSummary().ToJsonString(), StringComparison.Ordinal);
    }
}
