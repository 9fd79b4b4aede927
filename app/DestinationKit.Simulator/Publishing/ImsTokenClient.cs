using System.Net.Http.Json;
using System.Text.Json;

namespace DestinationKit.Simulator.Publishing;

/// <summary>Gets an access token from Adobe IMS with OAuth server-to-server (client credentials) for the
/// authoring API. The secret goes only into the form body; no message ever holds it or the token.</summary>
public sealed class ImsTokenClient(HttpClient http, Uri tokenUrl)
{
    public static readonly Uri DefaultTokenUrl = new("https://ims-na1.adobelogin.com/ims/token/v3");

    public async Task<string> GetAccessTokenAsync(AdobeCredentials credentials, CancellationToken cancellationToken)
    {
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = credentials.ClientId,
            ["client_secret"] = credentials.ClientSecret,
            ["scope"] = credentials.Scopes,
        });
        HttpResponseMessage response;
        try
        {
            response = await http.PostAsync(tokenUrl, form, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new PublishException($"could not reach Adobe IMS at {tokenUrl}: {e.Message}", PublishExitCodes.Failed, e);
        }
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new PublishException(
                    $"Adobe IMS refused the credentials of client {credentials.ClientId} (HTTP {(int)response.StatusCode}{ImsError(body)}); "
                    + "check the client id and secret of the OAuth server-to-server credential and its scopes",
                    PublishExitCodes.AuthenticationFailed);
            }
            try
            {
                using var document = JsonDocument.Parse(body);
                if (document.RootElement.TryGetProperty("access_token", out var token) && token.GetString() is { Length: > 0 } value) return value;
            }
            catch (JsonException)
            {
            }
            throw new PublishException("Adobe IMS answered without an access_token", PublishExitCodes.AuthenticationFailed);
        }
    }

    /// <summary>IMS's error code and description (never an echo of what was sent).</summary>
    private static string ImsError(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            var error = root.TryGetProperty("error", out var e) ? e.GetString() : null;
            var description = root.TryGetProperty("error_description", out var d) ? d.GetString() : null;
            return error is null ? "" : $": {error}{(description is null ? "" : $", {description}")}";
        }
        catch (JsonException)
        {
            return "";
        }
    }
}
