using System.Net;
using DestinationKit.Ingestion.Profiles;
using DestinationKit.Ingestion.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace DestinationKit.Ingestion.Tests;

public sealed class StoreTests
{
    [Fact]
    public async Task A_restart_with_a_new_state_layout_rebuilds_the_state_from_the_log()
    {
        var data = Path.Combine(Path.GetTempPath(), "dk-ingestion-tests", Guid.NewGuid().ToString("N"));
        string key;
        using (var first = new TestApp { DataDirectory = data, KeepData = true })
        {
            key = first.Credentials.CreateApiKey("acme").Secret;
            var client = first.ClientWithBearer(key);
            Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/v1/profiles",
                Json.Profiles(Json.Profile("e", "kept", Json.Member("a", "realized", "2024-01-01T00:00:00Z"), """{"k":"v"}""")))).StatusCode);
            await first.CaughtUpAsync();
        }
        // An older layout version: the derived tables are dropped and rebuilt from the durable log.
        using (var conn = new SqliteConnection($"Data Source={Path.Combine(data, "state.db")};Pooling=False"))
        {
            conn.Open();
            using var cmd = conn.CreateCommand();
            cmd.CommandText = "PRAGMA user_version = 1";
            cmd.ExecuteNonQuery();
        }
        using (var second = new TestApp { DataDirectory = data })
        {
            await second.CaughtUpAsync();
            var freshness = second.Store.GetFreshness();
            Assert.Equal(1, freshness.AppliedSequence);
            var profile = await (await second.ClientWithBearer(key).GetAsync("/v1/profiles/e/kept")).ReadAsync();
            Assert.Equal("realized", profile.GetProperty("audiences").GetProperty("ups").GetProperty("a").GetProperty("status").GetString());
            Assert.Equal("v", profile.GetProperty("attributes").GetProperty("k").GetString());
        }
    }

    [Fact]
    public async Task Audience_and_query_store_failures_answer_503()
    {
        using var app = new TestApp
        {
            TestServices = s =>
            {
                s.RemoveAll<IAudienceStore>();
                s.AddSingleton<IAudienceStore, Broken>();
                s.RemoveAll<IQueryableState>();
                s.AddSingleton<IQueryableState, Broken>();
            },
        };
        var client = app.ClientFor("acme");
        foreach (var response in new[]
        {
            await client.PostAsync("/v1/audiences", Json.Body("""{"aepAudienceId":"x"}""")),
            await client.GetAsync("/v1/audiences"),
            await client.GetAsync("/v1/profiles/e/x"),
            await client.GetAsync("/v1/audiences/a/members"),
        })
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.NotNull(response.Headers.RetryAfter);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    [Theory]
    [InlineData("2024-03-02T10:15:00Z", "2024-03-02T10:15:00+00:00")]
    [InlineData("2024-03-02T10:15:00.123+0000", "2024-03-02T10:15:00.123+00:00")]
    [InlineData("2024-03-02T10:15:00.5-05:30", "2024-03-02T15:45:00.5+00:00")]
    [InlineData("2024-02-29T23:59:59+0100", "2024-02-29T22:59:59+00:00")]
    public void Timestamps_in_every_contract_offset_form_parse(string text, string expected)
    {
        Assert.True(ProfilesParser.TryParseTimestamp(System.Text.Encoding.UTF8.GetBytes(text), out var ms));
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds(), ms);
    }

    [Theory]
    [InlineData("2024-03-02T10:15:00")]
    [InlineData("2024-03-02 10:15:00Z")]
    [InlineData("2023-02-29T10:15:00Z")]
    [InlineData("2024-13-02T10:15:00Z")]
    [InlineData("2024-03-02T24:00:00Z")]
    [InlineData("2024-03-02T10:15:00+25:00")]
    [InlineData("2024-03-02T10:15:00.Z")]
    [InlineData("2024-03-02T10:15:00Zjunk")]
    [InlineData("1709374500")]
    public void Malformed_timestamps_are_rejected(string text) =>
        Assert.False(ProfilesParser.TryParseTimestamp(System.Text.Encoding.UTF8.GetBytes(text), out _));

    private sealed class Broken : IAudienceStore, IQueryableState
    {
        private static StoreUnavailableException Fail() => new("state database unavailable");
        public Task<(Audience Audience, bool Created)> CreateAsync(string tenant, AudienceInput input, CancellationToken cancellationToken) => throw Fail();
        public Task<Audience?> UpdateAsync(string tenant, string externalAudienceId, AudienceInput input, CancellationToken cancellationToken) => throw Fail();
        public Task<bool?> DeleteAsync(string tenant, string externalAudienceId, CancellationToken cancellationToken) => throw Fail();
        public Task<Audience?> GetAsync(string tenant, string externalAudienceId, CancellationToken cancellationToken) => throw Fail();
        public Task<IReadOnlyList<Audience>> ListAsync(string tenant, string? afterExternalId, int limit, CancellationToken cancellationToken) => throw Fail();
        public Task<ProfileView?> GetProfileAsync(string tenant, string identityNamespace, string identityId, CancellationToken cancellationToken) => throw Fail();
        public Task<MembersPage> GetMembersAsync(string tenant, IReadOnlyCollection<string> audienceIds, MemberCursor? after, int limit, CancellationToken cancellationToken) => throw Fail();
        public Freshness GetFreshness() => new(0, 0, 0, 0);
    }
}
