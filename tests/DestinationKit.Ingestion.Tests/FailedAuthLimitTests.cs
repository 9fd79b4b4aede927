using System.Net;
using System.Net.Http.Headers;
using System.Text;
using DestinationKit.Ingestion.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace DestinationKit.Ingestion.Tests;

/// <summary>
/// Guessing of secrets is limited per client address (Auth:FailedAuthLimit); a secret that has worked before, and a
/// signed token, are never refused for it. Also the token endpoint's handling of forms it cannot or should not read.
/// </summary>
public sealed class FailedAuthLimitTests
{
    /// <summary>An app with a limit of 3 failures a minute, whose requests come from the address in the X-Test-Client header.</summary>
    private static TestApp LimitedApp()
    {
        var app = new TestApp { TestServices = s => s.AddTransient<IStartupFilter, ClientAddressFromHeader>() };
        app.Settings["Auth:FailedAuthLimit"] = "3";
        app.Settings["Auth:FailedAuthWindowSeconds"] = "60";
        return app;
    }

    private static HttpClient From(TestApp app, string address, string? bearer = null)
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Add("X-Test-Client", address);
        if (bearer is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }
        return client;
    }

    private static string WrongKey(string key) => key[..16] + new string(key[16] == 'A' ? 'B' : 'A', key.Length - 16);

    private static StringContent Body() => Json.Profiles(Json.Profile("e", "limited"));

    [Fact]
    public async Task Past_the_limit_wrong_keys_answer_429_with_retry_after_and_known_keys_and_other_clients_are_served()
    {
        using var app = LimitedApp();
        var key = app.Credentials.CreateApiKey("acme").Secret;
        var guesser = From(app, "10.0.0.1");
        Assert.Equal(HttpStatusCode.OK, (await From(app, "10.0.0.1", key).PostAsync("/v1/profiles", Body())).StatusCode); // has worked before

        for (var i = 0; i < 3; i++)
        {
            guesser.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", WrongKey(key));
            Assert.Equal(HttpStatusCode.Unauthorized, (await guesser.PostAsync("/v1/profiles", Body())).StatusCode);
        }
        var refused = await guesser.PostAsync("/v1/profiles", Body());
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.InRange(refused.Headers.RetryAfter?.Delta?.TotalSeconds ?? 0, 1, 60);
        var problem = await refused.ReadAsync();
        Assert.Equal(429, problem.GetProperty("status").GetInt32());
        Assert.DoesNotContain(WrongKey(key), problem.GetRawText(), StringComparison.Ordinal);

        // The key that worked before, from the same address: served. A wrong key from another address: judged as usual.
        Assert.Equal(HttpStatusCode.OK, (await From(app, "10.0.0.1", key).PostAsync("/v1/profiles", Body())).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await From(app, "10.0.0.2", WrongKey(key)).PostAsync("/v1/profiles", Body())).StatusCode);
        // A key never seen before is not checked from a blocked address (that is what stops guessing), until the window ends.
        var fresh = app.Credentials.CreateApiKey("acme").Secret;
        Assert.Equal(HttpStatusCode.TooManyRequests, (await From(app, "10.0.0.1", fresh).PostAsync("/v1/profiles", Body())).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await From(app, "10.0.0.3", fresh).PostAsync("/v1/profiles", Body())).StatusCode);
    }

    [Fact]
    public async Task Signed_tokens_are_checked_even_from_a_blocked_address()
    {
        using var app = LimitedApp();
        var guesser = From(app, "10.0.1.1", "dk_aaaaaaaaaaaa_" + new string('x', 43));
        for (var i = 0; i < 4; i++)
        {
            await guesser.PostAsync("/v1/profiles", Body());
        }
        Assert.Equal(HttpStatusCode.TooManyRequests, (await guesser.PostAsync("/v1/profiles", Body())).StatusCode);
        var token = app.Tokens.Issue("acme", "client");
        Assert.Equal(HttpStatusCode.OK, (await From(app, "10.0.1.1", token).PostAsync("/v1/profiles", Body())).StatusCode);
    }

    [Fact]
    public async Task Wrong_client_secrets_are_limited_too_and_the_right_one_that_worked_before_is_not()
    {
        using var app = LimitedApp();
        var client = app.Credentials.CreateClient("acme");
        static FormUrlEncodedContent Form(string id, string secret) => new(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = id, ["client_secret"] = secret,
        });
        var from = From(app, "10.0.2.1");
        Assert.Equal(HttpStatusCode.OK, (await from.PostAsync("/oauth2/token", Form(client.Id, client.Secret))).StatusCode);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await from.PostAsync("/oauth2/token", Form(client.Id, "wrong" + i))).StatusCode);
        }
        var refused = await from.PostAsync("/oauth2/token", Form(client.Id, "wrong"));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("temporarily_unavailable", (await refused.ReadAsync()).GetProperty("error").GetString());
        Assert.NotNull(refused.Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.OK, (await from.PostAsync("/oauth2/token", Form(client.Id, client.Secret))).StatusCode);
    }

    [Fact]
    public async Task A_wrong_admin_key_counts_and_the_admin_key_itself_does_not()
    {
        using var app = LimitedApp();
        var admin = From(app, "10.0.3.1", TestApp.AdminKey);
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/admin/tenants/acme/keys")).StatusCode); // never counted as a failure
        }
        var wrong = From(app, "10.0.3.1", "not-the-admin-key");
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.GetAsync("/admin/tenants/acme/keys")).StatusCode);
        }
        Assert.Equal(HttpStatusCode.TooManyRequests, (await wrong.GetAsync("/admin/tenants/acme/keys")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/admin/tenants/acme/keys")).StatusCode);
    }

    [Fact]
    public void Ipv6_clients_are_counted_by_their_64_bit_prefix()
    {
        static string ClientOf(string address)
        {
            var context = new DefaultHttpContext();
            context.Connection.RemoteIpAddress = IPAddress.Parse(address);
            return FailedAuthLimiter.ClientOf(context);
        }
        Assert.Equal(ClientOf("2001:db8:1:2:aaaa::1"), ClientOf("2001:db8:1:2:bbbb::2"));
        Assert.NotEqual(ClientOf("2001:db8:1:2::1"), ClientOf("2001:db8:1:3::1"));
        Assert.Equal("192.0.2.7", ClientOf("::ffff:192.0.2.7"));
    }

    [Theory]
    [InlineData("multipart/form-data; boundary=x", "--x\r\nContent-Disposition: form-data; name=\"grant_type\"\r\n\r\nclient_credentials", 415)]
    [InlineData("multipart/form-data", "grant_type=client_credentials", 415)]
    [InlineData("application/x-www-form-urlencoded", "many", 400)]
    [InlineData("application/x-www-form-urlencoded", "long-key", 400)]
    public async Task Token_forms_that_cannot_be_read_answer_4xx_not_500(string contentType, string body, int status)
    {
        // (A body over 64 KB answers 413 under Kestrel, which TestServer does not enforce: the hostile harness sends one.)
        using var app = new TestApp();
        body = body switch
        {
            "many" => string.Join("&", Enumerable.Range(0, 2000).Select(i => $"f{i}=v")),
            "long-key" => new string('k', 5000) + "=v",
            _ => body,
        };
        var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        var response = await app.CreateClient().PostAsync("/oauth2/token", content);
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(status, (await response.ReadAsync()).GetProperty("status").GetInt32());
    }

    /// <summary>Test requests say which client address they come from (TestServer gives none).</summary>
    private sealed class ClientAddressFromHeader : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, following) =>
            {
                if (context.Request.Headers.TryGetValue("X-Test-Client", out var address))
                {
                    context.Connection.RemoteIpAddress = IPAddress.Parse(address.ToString());
                }
                return following(context);
            });
            next(app);
        };
    }
}
