using Pulumi.Testing;
using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;

namespace DestinationKit.PulumiTesting;

/// <summary>What Google Cloud computes for the resources the GCP components create: service account e-mail, HMAC
/// access id and secret, custom role name, KMS ids, the project's storage service agent.</summary>
public static class GcpBehaviour
{
    public const string Project = "test-project";
    public const string StorageServiceAgent = "service-123456789012@gs-project-accounts.iam.gserviceaccount.com";

    public static CloudBehaviour Instance { get; } = new(Resource, Call);

    public static string ServiceAccountEmail(string accountId) => $"{accountId}@{Project}.iam.gserviceaccount.com";

    /// <summary>Service account HMAC access ids are 61 characters, starting with GOOG1E.</summary>
    public static string HmacAccessId(string resourceName) =>
        ("GOOG1E" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(resourceName))))[..61];

    /// <summary>HMAC secrets are 40 base64 characters.</summary>
    public static string HmacSecret(string resourceName) =>
        Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes("secret:" + resourceName)))[..40];

    private static string? Resource(MockResourceArgs args, ImmutableDictionary<string, object>.Builder state)
    {
        var name = args.Name ?? "";
        switch (args.Type)
        {
            case "gcp:storage/bucket:Bucket":
                var bucket = (string)args.Inputs["name"];
                state["url"] = $"gs://{bucket}";
                return bucket;
            case "gcp:serviceaccount/account:Account":
                var email = ServiceAccountEmail((string)args.Inputs["accountId"]);
                state["email"] = email;
                state["member"] = $"serviceAccount:{email}";
                return $"projects/{Project}/serviceAccounts/{email}";
            case "gcp:storage/hmacKey:HmacKey":
                state["accessId"] = HmacAccessId(name);
                state["secret"] = HmacSecret(name);
                return $"{name}-id";
            case "gcp:projects/iAMCustomRole:IAMCustomRole":
                var role = $"projects/{Project}/roles/{args.Inputs["roleId"]}";
                state["name"] = role;
                return role;
            case "gcp:kms/keyRing:KeyRing":
                return $"projects/{Project}/locations/{args.Inputs["location"]}/keyRings/{name}";
            case "gcp:kms/cryptoKey:CryptoKey":
                return $"{args.Inputs["keyRing"]}/cryptoKeys/{name}";
            default:
                return null;
        }
    }

    private static object? Call(MockCallArgs args) =>
        args.Token == "gcp:storage/getProjectServiceAccount:getProjectServiceAccount"
            ? ImmutableDictionary<string, object>.Empty
                .Add("emailAddress", StorageServiceAgent)
                .Add("member", $"serviceAccount:{StorageServiceAgent}")
                .Add("id", StorageServiceAgent)
                .Add("project", Project)
            : null;
}
