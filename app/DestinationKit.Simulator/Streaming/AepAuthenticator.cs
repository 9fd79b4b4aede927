using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using DestinationKit.Simulator.Configuration;

namespace DestinationKit.Simulator.Streaming;

/// <summary>Authenticates as AEP does (shared/AEP.md §2): <c>BEARER</c> sends the customer's key as
/// <c>Authorization: Bearer &lt;key&gt;</c>; <c>OAUTH2</c> client credentials posts <c>grant_type=client_credentials</c> to
/// <c>accessTokenUrl</c> (client id and secret in the form body, or as HTTP Basic with <c>options.useBasicAuth</c>),
/// then sends <c>Bearer &lt;access_token&gt;</c> and fetches a new token when the old one expires.</summary>
public sealed class AepAuthenticator(AuthSettings settings, SimulatorCredentials credentials, HttpClient http, TimeProvider? clock = null)
{
    private readonly TimeProvider time = clock ?? TimeProvider.System;
    private readonly SemaphoreSlim gate = new(1, 1);
    private string? accessToken;
    private DateTimeOffset expiresAt;
    private int tokenRequests;

    public int TokenRequests => tokenRequests;

    /// <summary>The current OAuth access token (null for bearer keys), for <c>{{oauth2ServiceAccessToken}}</c>.</summary>
    public string? AccessToken => accessToken;

    /// <summary>What AEP would put in the Authorization header; null when the destination has no authentication.</summary>
    public async Task<AuthenticationHeaderValue?> AuthorizationAsync(CancellationToken cancellationToken)
    {
        switch (settings.Type)
        {
            case StreamingAuthType.None:
                return null;
            case StreamingAuthType.Bearer:
                return new AuthenticationHeaderValue("Bearer", credentials.ApiKey
                    ?? throw new InvalidOperationException("the destination uses BEARER: the credentials need an apiKey"));
            default:
                return new AuthenticationHeaderValue("Bearer", await TokenAsync(cancellationToken).ConfigureAwait(false));
        }
    }

    public async Task<string> TokenAsync(CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Refresh a little before expiry, as a client that does not want a request to race the clock would.
            if (accessToken is not null && time.GetUtcNow() < expiresAt - TimeSpan.FromSeconds(5))
            {
                return accessToken;
            }
            return await RequestTokenAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<string> RequestTokenAsync(CancellationToken cancellationToken)
    {
        var url = settings.AccessTokenUrl ?? throw new InvalidOperationException("the OAUTH2 configuration has no accessTokenUrl");
        var authData = new System.Text.Json.Nodes.JsonObject { ["authData"] = credentials.AuthData(null) };
        var clientId = Macros.Resolve(settings.ClientId ?? "{{authData.clientId}}", authData);
        var clientSecret = Macros.Resolve(settings.ClientSecret ?? "{{authData.clientSecret}}", authData);
        if (string.IsNullOrEmpty(clientId) || string.IsNullOrEmpty(clientSecret))
        {
            throw new InvalidOperationException("the destination uses OAUTH2 client credentials: the credentials need clientId and clientSecret");
        }

        var form = new List<KeyValuePair<string, string>> { new("grant_type", "client_credentials") };
        if (settings.Scopes.Count > 0) form.Add(new("scope", string.Join(' ', settings.Scopes)));
        using var request = new HttpRequestMessage(HttpMethod.Post, url);
        if (settings.UseBasicAuth)
        {
            // RFC 6749 §2.3.1: form-urlencode each part before joining them.
            var basic = $"{Uri.EscapeDataString(clientId)}:{Uri.EscapeDataString(clientSecret)}";
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(basic)));
        }
        else
        {
            form.Add(new("client_id", clientId));
            form.Add(new("client_secret", clientSecret));
        }
        request.Content = new FormUrlEncodedContent(form);
        Interlocked.Increment(ref tokenRequests);
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new AuthenticationFailedException($"the token endpoint {url} answered {(int)response.StatusCode}", (int)response.StatusCode);
        }
        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;
        accessToken = root.TryGetProperty("access_token", out var token) && token.ValueKind == JsonValueKind.String
            ? token.GetString()!
            : throw new AuthenticationFailedException($"the token endpoint {url} answered without access_token", (int)response.StatusCode);
        // Without expires_in AEP needs a fixed lifetime from the configuration; an hour stands in for it here.
        var lifetime = root.TryGetProperty("expires_in", out var expires) && expires.TryGetInt32(out var seconds) ? seconds : 3600;
        expiresAt = time.GetUtcNow().AddSeconds(lifetime);
        return accessToken;
    }
}

public sealed class AuthenticationFailedException(string message, int status) : Exception(message)
{
    public int Status { get; } = status;
}
