using System.Net;

namespace DestinationKit.Ingestion.Tests;

public sealed class AudiencesTests(TestApp app) : IClassFixture<TestApp>
{
    // What AEP's audience template (infra/DestinationKit.Model, AudienceTemplateBuilder) sends on create.
    private static StringContent Create(string aepId, string name = "Loyal customers") => Json.Body($$$"""
        {"name":"{{{name}}}","description":"Bought twice","aepAudienceId":"{{{aepId}}}",
         "source":{"imsOrg":"ORG@AdobeOrg","sandbox":"prod","destinationId":"d-1"}}
        """);

    [Fact]
    public async Task Create_is_idempotent_on_the_aep_audience_id()
    {
        var client = app.ClientFor("aud");
        var first = await client.PostAsync("/v1/audiences", Create("aep-1"));
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var created = await first.ReadAsync();
        var id = created.GetProperty("externalAudienceId").GetString()!;
        Assert.Equal(id, created.GetProperty("id").GetString());
        Assert.Equal("aep-1", created.GetProperty("aepAudienceId").GetString());
        Assert.Equal("prod", created.GetProperty("source").GetProperty("sandbox").GetString());
        Assert.EndsWith("/v1/audiences/" + id, first.Headers.Location!.ToString(), StringComparison.Ordinal);

        var again = await client.PostAsync("/v1/audiences", Create("aep-1", "Renamed meanwhile"));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(id, (await again.ReadAsync()).GetProperty("externalAudienceId").GetString());

        var other = await client.PostAsync("/v1/audiences", Create("aep-2"));
        Assert.NotEqual(id, (await other.ReadAsync()).GetProperty("externalAudienceId").GetString());
    }

    [Fact]
    public async Task Update_get_list_and_delete()
    {
        var client = app.ClientFor("crud");
        var id = (await (await client.PostAsync("/v1/audiences", Create("aep-u"))).ReadAsync()).GetProperty("id").GetString();

        var put = await client.PutAsync($"/v1/audiences/{id}", Json.Body("""{"name":"New name","aepAudienceId":"aep-u"}"""));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var got = await (await client.GetAsync($"/v1/audiences/{id}")).ReadAsync();
        Assert.Equal("New name", got.GetProperty("name").GetString());
        Assert.Equal("Bought twice", got.GetProperty("description").GetString());

        var list = await (await client.GetAsync("/v1/audiences")).ReadAsync();
        Assert.Contains(list.GetProperty("audiences").EnumerateArray(), a => a.GetProperty("id").GetString() == id);

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/v1/audiences/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/v1/audiences/{id}")).StatusCode); // AEP retry
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/v1/audiences/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PutAsync($"/v1/audiences/{id}", Json.Body("""{"name":"x"}"""))).StatusCode);
        list = await (await client.GetAsync("/v1/audiences")).ReadAsync();
        Assert.DoesNotContain(list.GetProperty("audiences").EnumerateArray(), a => a.GetProperty("id").GetString() == id);

        // Created again after delete: the same stable id.
        var recreated = await client.PostAsync("/v1/audiences", Create("aep-u"));
        Assert.Equal(HttpStatusCode.Created, recreated.StatusCode);
        Assert.Equal(id, (await recreated.ReadAsync()).GetProperty("id").GetString());
    }

    [Fact]
    public async Task List_is_paged_by_cursor()
    {
        var client = app.ClientFor("paged");
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.Created, (await client.PostAsync("/v1/audiences", Create("p-" + i))).StatusCode);
        }
        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var page = await (await client.GetAsync("/v1/audiences?limit=2" + (cursor is null ? "" : "&cursor=" + cursor))).ReadAsync();
            seen.AddRange(page.GetProperty("audiences").EnumerateArray().Select(a => a.GetProperty("aepAudienceId").GetString()!));
            cursor = page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);
        Assert.Equal(["p-0", "p-1", "p-2", "p-3", "p-4"], seen.Order());
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("/v1/audiences?limit=0")).StatusCode);
    }

    [Fact]
    public async Task Unknown_ids_answer_404_problems()
    {
        var client = app.ClientFor("aud404");
        foreach (var response in new[]
        {
            await client.GetAsync("/v1/audiences/aud_nope"),
            await client.DeleteAsync("/v1/audiences/aud_nope"),
            await client.PutAsync("/v1/audiences/aud_nope", Json.Body("""{"name":"x"}""")),
        })
        {
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            var problem = await response.ReadAsync();
            Assert.Equal(404, problem.GetProperty("status").GetInt32());
            Assert.False(string.IsNullOrEmpty(problem.GetProperty("detail").GetString()));
        }
    }

    [Theory]
    [InlineData("""{"name":"no id"}""", "$.aepAudienceId", "required")]
    [InlineData("""{"aepAudienceId":5}""", "$.aepAudienceId", "type")]
    [InlineData("""{"aepAudienceId":"a","source":"x"}""", "$.source", "type")]
    [InlineData("""{"aepAudienceId":"a","name":7}""", "$.name", "type")]
    [InlineData("""[1]""", "$", "type")]
    [InlineData("""{"aepAudienceId":""", "$", "json")]
    [InlineData("""{"aepAudienceId":"\ud800"}""", "$.aepAudienceId", "escape")]
    [InlineData("""{"aepAudienceId":"a","source":{"k":["x","\udc00"]}}""", "$.source.k[1]", "escape")]
    [InlineData("""{"aepAudienceId":"a","source":{"\ud800":1}}""", "$.source", "escape")]
    public async Task Invalid_create_bodies_answer_400(string body, string path, string rule)
    {
        var response = await app.ClientFor("aud400").PostAsync("/v1/audiences", Json.Body(body));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.ReadAsync()).GetProperty("errors")[0];
        Assert.Equal(path, error.GetProperty("path").GetString());
        Assert.Equal(rule, error.GetProperty("rule").GetString());
    }

    [Fact]
    public async Task A_body_that_is_not_utf8_answers_400()
    {
        var content = new ByteArrayContent([.. """{"aepAudienceId":"a","name":"x"""u8, 0xff, .. "\"}"u8]);
        content.Headers.ContentType = new("application/json");
        var response = await app.ClientFor("aud-utf8").PostAsync("/v1/audiences", content);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("utf8", (await response.ReadAsync()).GetProperty("errors")[0].GetProperty("rule").GetString());
    }

    [Fact]
    public async Task The_aep_id_of_an_audience_cannot_change()
    {
        var client = app.ClientFor("immutable");
        var id = (await (await client.PostAsync("/v1/audiences", Create("aep-i"))).ReadAsync()).GetProperty("id").GetString();
        var response = await client.PutAsync($"/v1/audiences/{id}", Json.Body("""{"aepAudienceId":"other"}"""));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Wrong_content_type_answers_415_and_missing_auth_401()
    {
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await app.ClientFor("ct").PostAsync("/v1/audiences", Json.Body("{}", "text/plain"))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateClient().PostAsync("/v1/audiences", Create("x"))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateClient().GetAsync("/v1/audiences")).StatusCode);
    }

    [Fact]
    public async Task Audiences_are_per_tenant()
    {
        var a = app.ClientFor("aud-tenant-a");
        var b = app.ClientFor("aud-tenant-b");
        var idA = (await (await a.PostAsync("/v1/audiences", Create("same-aep"))).ReadAsync()).GetProperty("id").GetString();
        Assert.Equal(HttpStatusCode.NotFound, (await b.GetAsync($"/v1/audiences/{idA}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await b.DeleteAsync($"/v1/audiences/{idA}")).StatusCode);
        Assert.Empty((await (await b.GetAsync("/v1/audiences")).ReadAsync()).GetProperty("audiences").EnumerateArray());
        var created = await b.PostAsync("/v1/audiences", Create("same-aep"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.NotEqual(idA, (await created.ReadAsync()).GetProperty("id").GetString());
        Assert.Equal(HttpStatusCode.OK, (await a.GetAsync($"/v1/audiences/{idA}")).StatusCode);
    }
}
