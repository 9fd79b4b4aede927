using Pulumi.Testing;
using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;

namespace DestinationKit.PulumiTesting;

/// <summary>What Google Cloud computes for the resources the GCP components create: service account e-mail, HMAC
/// access id and secret, custom role name, KMS ids, the project's storage service agent, Cloud Run and gateway URLs,
/// Artifact Registry URIs, secret versions, API config ids, the provider's access token.</summary>
public static class GcpBehaviour
{
    public const string Project = "test-project";
    public const string StorageServiceAgent = "service-123456789012@gs-project-accounts.iam.gserviceaccount.com";

    public static CloudBehaviour Instance { get; } = new(Resource, Call);

    /// <summary>What <c>getClientConfig</c> answers: the provider's access token (what pushes the app's image).</summary>
    public const string AccessToken = "ya29.test-access-token";

    public static string ServiceAccountEmail(string accountId) => $"{accountId}@{Project}.iam.gserviceaccount.com";

    /// <summary>A Cloud Run service's URL: its name, a hash and the region's short code.</summary>
    public static string CloudRunUri(string serviceName) => $"https://{serviceName}-{Short(serviceName)}-ew.a.run.app";

    /// <summary>An API Gateway gateway's host name: its id, a hash and the region's short code.</summary>
    public static string GatewayHostname(string gatewayId) => $"{gatewayId}-{Short(gatewayId)}.ew.gateway.dev";

    /// <summary>Artifact Registry's Docker host of a region and the repository's path on it.</summary>
    public static string RegistryUri(string location, string repositoryId) => $"{location}-docker.pkg.dev/{Project}/{repositoryId}";

    private static string Short(string value) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(value)))[..10].ToLowerInvariant();

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
            case "gcp:cloudrunv2/service:Service":
                var service = (string)args.Inputs["name"];
                state["uri"] = CloudRunUri(service);
                return $"projects/{Project}/locations/{args.Inputs["location"]}/services/{service}";
            case "gcp:artifactregistry/repository:Repository":
                var repository = (string)args.Inputs["repositoryId"];
                state["registryUri"] = RegistryUri((string)args.Inputs["location"], repository);
                return $"projects/{Project}/locations/{args.Inputs["location"]}/repositories/{repository}";
            case "gcp:secretmanager/secret:Secret":
                var secret = $"projects/{Project}/secrets/{args.Inputs["secretId"]}";
                state["name"] = secret;
                return secret;
            case "gcp:secretmanager/secretVersion:SecretVersion":
                state["version"] = "1";
                state["name"] = $"{args.Inputs["secret"]}/versions/1";
                return $"{args.Inputs["secret"]}/versions/1";
            case "gcp:apigateway/api:Api":
                var api = $"projects/{Project}/locations/global/apis/{args.Inputs["apiId"]}";
                state["name"] = api;
                state["managedService"] = $"{args.Inputs["apiId"]}-{Short(name)}.apigateway.{Project}.cloud.goog";
                return api;
            case "gcp:apigateway/apiConfig:ApiConfig":
                // A generated id after the prefix, as the provider makes one.
                var configId = $"{args.Inputs["apiConfigIdPrefix"]}{Short(name)}";
                var config = $"projects/{Project}/locations/global/apis/{args.Inputs["api"]}/configs/{configId}";
                state["apiConfigId"] = configId;
                state["name"] = config;
                return config;
            case "gcp:apigateway/gateway:Gateway":
                var gateway = (string)args.Inputs["gatewayId"];
                state["defaultHostname"] = GatewayHostname(gateway);
                state["name"] = $"projects/{Project}/locations/{args.Inputs["region"]}/gateways/{gateway}";
                return (string)state["name"];
            default:
                return null;
        }
    }

    private static object? Call(MockCallArgs args) => args.Token switch
    {
        "gcp:storage/getProjectServiceAccount:getProjectServiceAccount" => ImmutableDictionary<string, object>.Empty
            .Add("emailAddress", StorageServiceAgent)
            .Add("member", $"serviceAccount:{StorageServiceAgent}")
            .Add("id", StorageServiceAgent)
            .Add("project", Project),
        "gcp:organizations/getClientConfig:getClientConfig" => ImmutableDictionary<string, object>.Empty
            .Add("accessToken", AccessToken)
            .Add("defaultLabels", ImmutableDictionary<string, object>.Empty)
            .Add("id", Project)
            .Add("project", Project)
            .Add("region", "")
            .Add("zone", ""),
        _ => null,
    };
}
