using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace DestinationKit.Ingestion.Tests;

/// <summary>Behind Google API Gateway (<c>Auth:CredentialHeader = X-Forwarded-Authorization</c>): the gateway puts its
/// own identity token for Cloud Run in <c>Authorization</c> and the caller's header in <c>X-Forwarded-Authorization</c>,
/// so the app reads the caller's credential from there and ignores <c>Authorization</c>.</summary>
public sealed class ForwardedCredentialTests : IDisposable
{
    private const string Forwarded = "X-Forwarded-Authorization";

    /// <summary>What the gateway sends in <c>Authorization</c>: a Google-signed identity token, never a credential of ours.</summary>
    private const string GatewayIdentityToken = "eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL2luZ2VzdC5ydW4uYXBwIn0.c2lnbmF0dXJl";

    private readonly TestApp _app = new() { Settings = { ["Auth:CredentialHeader"] = Forwarded } };

    public void Dispose() => _app.Dispose();

    private HttpRequestMessage Post(string path, HttpContent content, string? forwarded)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", GatewayIdentityToken);
        if (forwarded is not null) request.Headers.TryAddWithoutValidation(Forwarded, forwarded);
        return request;
    }

    private static StringContent OneProfile() => Json.Profiles(Json.Profile("e", "forwarded", "{}", """{"k":"v"}"""));

    [Fact]
    public async Task The_callers_api_key_is_read_from_the_forwarded_header()
    {
        var key = _app.Credentials.CreateApiKey("acme").Secret;

        var response = await _app.CreateClient().SendAsync(Post("/v1/profiles", OneProfile(), $"Bearer {key}"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Without_the_forwarded_header_the_request_is_unauthorized_and_told_which_header_to_send()
    {
        var response = await _app.CreateClient().SendAsync(Post("/v1/profiles", OneProfile(), forwarded: null));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains($"Send {Forwarded}: Bearer", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_valid_key_in_authorization_alone_is_not_taken()
    {
        var key = _app.Credentials.CreateApiKey("acme").Secret;
        var client = _app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);

        var response = await client.PostAsync("/v1/profiles", OneProfile());

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_wrong_forwarded_key_is_rejected()
    {
        var response = await _app.CreateClient().SendAsync(Post("/v1/profiles", OneProfile(), "Bearer dk_unknown_0123456789"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task The_token_endpoint_reads_basic_client_credentials_from_the_forwarded_header_and_the_token_then_works()
    {
        var client = _app.Credentials.CreateClient("acme");
        var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{client.Id}:{client.Secret}"));
        var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials" });

        var tokenResponse = await _app.CreateClient().SendAsync(Post("/oauth2/token", form, $"Basic {basic}"));
        Assert.Equal(HttpStatusCode.OK, tokenResponse.StatusCode);
        var token = (await tokenResponse.ReadAsync()).GetProperty("access_token").GetString()!;

        var response = await _app.CreateClient().SendAsync(Post("/v1/profiles", OneProfile(), $"Bearer {token}"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
