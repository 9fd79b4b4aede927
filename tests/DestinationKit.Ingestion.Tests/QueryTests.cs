using System.Net;

namespace DestinationKit.Ingestion.Tests;

public sealed class QueryTests(TestApp app) : IClassFixture<TestApp>
{
    [Fact]
    public async Task Members_of_an_audience_are_paged_and_exclude_exited()
    {
        var client = app.ClientFor("members");
        var profiles = Enumerable.Range(0, 7).Select(i => Json.Profile("e", $"m{i}", Json.Member("seg", i == 3 ? "exited" : i == 5 ? "existing" : "realized", "2024-01-01T00:00:00Z")));
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/v1/profiles", Json.Profiles([.. profiles]))).StatusCode);
        await app.CaughtUpAsync();

        var ids = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var response = await client.GetAsync("/v1/audiences/seg/members?limit=2" + (cursor is null ? "" : "&cursor=" + cursor));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.True(response.Headers.Contains("X-State-Lag-Seconds"));
            var page = await response.ReadAsync();
            Assert.Equal(0, page.GetProperty("freshness").GetProperty("pendingRequests").GetInt64());
            ids.AddRange(page.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("id").GetString()!));
            cursor = page.GetProperty("nextCursor").GetString();
            pages++;
        }
        while (cursor is not null);
        Assert.Equal(["m0", "m1", "m2", "m4", "m5", "m6"], ids);
        Assert.Equal(3, pages);
    }

    [Fact]
    public async Task Members_are_found_by_external_id_when_profiles_use_the_aep_id()
    {
        var client = app.ClientFor("mapped");
        var id = (await (await client.PostAsync("/v1/audiences", Json.Body("""{"aepAudienceId":"aep-guid-1","name":"n"}"""))).ReadAsync()).GetProperty("id").GetString();
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/v1/profiles", Json.Profiles(Json.Profile("e", "x", Json.Member("aep-guid-1", "realized", "2024-01-01T00:00:00Z"))))).StatusCode);
        await app.CaughtUpAsync();
        var page = await (await client.GetAsync($"/v1/audiences/{id}/members")).ReadAsync();
        Assert.Equal("x", page.GetProperty("members")[0].GetProperty("id").GetString());
    }

    [Theory]
    [InlineData("/v1/audiences/seg/members?cursor=%%%")]
    [InlineData("/v1/audiences/seg/members?cursor=bm9wZQ")]
    [InlineData("/v1/audiences/seg/members?cursor=W251bGwsIngiXQ")] // [null,"x"]
    [InlineData("/v1/audiences/seg/members?cursor=WyJ4IixudWxsXQ")] // ["x",null]
    [InlineData("/v1/audiences/seg/members?cursor=WyJcdWQ4MDAiLCJ4Il0")] // ["\ud800","x"]: not a character
    [InlineData("/v1/audiences/seg/members?cursor=WzEsMl0")] // [1,2]
    [InlineData("/v1/audiences/seg/members?limit=0")]
    [InlineData("/v1/audiences/seg/members?limit=100000")]
    [InlineData("/v1/profiles?namespace=e")]
    [InlineData("/v1/profiles")]
    public async Task Bad_query_parameters_answer_400(string url)
    {
        var response = await app.ClientFor("q400").GetAsync(url);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(400, (await response.ReadAsync()).GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task An_unknown_profile_answers_404_with_freshness()
    {
        var response = await app.ClientFor("q404").GetAsync("/v1/profiles/e/nobody");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.True((await response.ReadAsync()).TryGetProperty("freshness", out _));
    }

    [Fact]
    public async Task Ids_with_slashes_are_found_through_the_query_string()
    {
        var client = app.ClientFor("slash");
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/v1/profiles", Json.Profiles(Json.Profile("e", "a/b c", "{}", """{"k":"v"}""")))).StatusCode);
        await app.CaughtUpAsync();
        var profile = await (await client.GetAsync("/v1/profiles?namespace=e&id=" + Uri.EscapeDataString("a/b c"))).ReadAsync();
        Assert.Equal("a/b c", profile.GetProperty("identity").GetProperty("id").GetString());
        Assert.Equal("v", profile.GetProperty("attributes").GetProperty("k").GetString());
    }

    [Fact]
    public async Task Query_reports_lag_while_the_state_is_behind()
    {
        using var lagging = new TestApp();
        var client = lagging.ClientFor("lag");
        lagging.Store.PauseApplier();
        try
        {
            Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/v1/profiles", Json.Profiles(Json.Profile("e", "late", "{}", """{"k":"v"}""")))).StatusCode);
            var response = await client.GetAsync("/v1/profiles/e/late");
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            var freshness = (await response.ReadAsync()).GetProperty("freshness");
            Assert.Equal(1, freshness.GetProperty("pendingRequests").GetInt64());
            Assert.True(freshness.GetProperty("durableSequence").GetInt64() > freshness.GetProperty("appliedSequence").GetInt64());
        }
        finally
        {
            lagging.Store.ResumeApplier();
        }
        await lagging.CaughtUpAsync();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1/profiles/e/late")).StatusCode);
    }
}
