using System.Text.RegularExpressions;

namespace DestinationKit.Simulator.Batch.Stores;

/// <summary>Failures of a landing store or of the network, as opposed to bad input, and how to report them in one
/// line without a secret.</summary>
public static partial class StoreErrors
{
    public static bool IsStoreError(Exception e) => e is Amazon.Runtime.AmazonServiceException or Amazon.Runtime.AmazonClientException
        or Azure.RequestFailedException or Azure.Identity.AuthenticationFailedException or Azure.Identity.CredentialUnavailableException
        or Renci.SshNet.Common.SshException or Google.GoogleApiException or HttpRequestException or IOException
        or System.Net.Sockets.SocketException or TimeoutException;

    [GeneratedRegex(@"(sig|se|sv|sp|sr|st|skoid|sktid|X-Amz-Signature|X-Amz-Credential|X-Goog-Signature|X-Goog-Credential)=[^&\s""']+", RegexOptions.IgnoreCase)]
    private static partial Regex SignedQuery();

    /// <summary>The store's own words (status and error code where it gives them), first line only, with signed URL
    /// parameters blanked: SDK messages can carry a request URL, and a SAS URL is a credential.</summary>
    public static string Describe(Exception e)
    {
        var message = e switch
        {
            Amazon.Runtime.AmazonServiceException s => $"{(int)s.StatusCode} {s.ErrorCode}: {s.Message}",
            Azure.RequestFailedException r => $"{r.Status} {r.ErrorCode}: {r.Message}",
            Google.GoogleApiException g => $"{(int)g.HttpStatusCode}: {g.Error?.Message ?? g.Message}",
            _ => $"{e.GetType().Name}: {e.Message}",
        };
        var firstLine = message.Split('\n', 2)[0].Trim();
        return SignedQuery().Replace(firstLine, m => m.Value[..(m.Value.IndexOf('=', StringComparison.Ordinal) + 1)] + "***");
    }
}
