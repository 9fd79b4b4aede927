using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using Pulumi.Testing;

namespace DestinationKit.Infra.Tests;

/// <summary>Pulumi engine mocks that echo inputs as outputs, add the outputs a cloud computes where the program reads
/// them (Google Cloud: service account e-mail, HMAC key, custom role name, KMS ids, the storage service agent), and
/// remember every resource and invoke the program asked for.</summary>
internal sealed class RecordingMocks : IMocks
{
    public const string GcpProject = "test-project";
    public const string StorageServiceAgent = "service-123456789012@gs-project-accounts.iam.gserviceaccount.com";

    public ConcurrentQueue<MockResourceArgs> Created { get; } = new();

    public ConcurrentQueue<MockCallArgs> Calls { get; } = new();

    public Task<(string? id, object state)> NewResourceAsync(MockResourceArgs args)
    {
        Created.Enqueue(args);
        var name = args.Name ?? "";
        var state = args.Inputs.ToBuilder();
        var id = $"{name}-id";
        switch (args.Type)
        {
            case "gcp:storage/bucket:Bucket":
                id = (string)args.Inputs["name"];
                break;
            case "gcp:serviceaccount/account:Account":
                state["email"] = ServiceAccountEmail((string)args.Inputs["accountId"]);
                break;
            case "gcp:storage/hmacKey:HmacKey":
                state["accessId"] = HmacAccessId(name);
                state["secret"] = HmacSecret(name);
                break;
            case "gcp:projects/iAMCustomRole:IAMCustomRole":
                id = $"projects/{GcpProject}/roles/{args.Inputs["roleId"]}";
                state["name"] = id;
                break;
            case "gcp:kms/keyRing:KeyRing":
                id = $"projects/{GcpProject}/locations/{args.Inputs["location"]}/keyRings/{name}";
                break;
            case "gcp:kms/cryptoKey:CryptoKey":
                id = $"{args.Inputs["keyRing"]}/cryptoKeys/{name}";
                break;
        }
        return Task.FromResult<(string? id, object state)>((id, state.ToImmutable()));
    }

    public Task<object> CallAsync(MockCallArgs args)
    {
        Calls.Enqueue(args);
        object result = args.Token == "gcp:storage/getProjectServiceAccount:getProjectServiceAccount"
            ? ImmutableDictionary<string, object>.Empty
                .Add("emailAddress", StorageServiceAgent)
                .Add("member", $"serviceAccount:{StorageServiceAgent}")
                .Add("id", StorageServiceAgent)
                .Add("project", GcpProject)
            : ImmutableDictionary<string, object>.Empty;
        return Task.FromResult(result);
    }

    public static string ServiceAccountEmail(string accountId) => $"{accountId}@{GcpProject}.iam.gserviceaccount.com";

    /// <summary>Service account HMAC access ids are 61 characters, starting with GOOG1E.</summary>
    public static string HmacAccessId(string resourceName) =>
        ("GOOG1E" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(resourceName))))[..61];

    /// <summary>HMAC secrets are 40 base64 characters.</summary>
    public static string HmacSecret(string resourceName) =>
        Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes("secret:" + resourceName)))[..40];
}
