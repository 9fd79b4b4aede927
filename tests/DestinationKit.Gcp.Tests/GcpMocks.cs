using System.Collections.Concurrent;
using System.Collections.Immutable;
using Pulumi.Testing;

namespace DestinationKit.Gcp.Tests;

/// <summary>Pulumi engine mocks for the Google Cloud provider: echo inputs as outputs, add the outputs Google
/// computes (service account e-mail, HMAC access id and secret, role name, KMS ids) and remember every resource,
/// invoke and output registration the program made.</summary>
internal sealed class GcpMocks : IMocks
{
    public const string Project = "test-project";
    public const string StorageServiceAgent = "service-123456789012@gs-project-accounts.iam.gserviceaccount.com";

    public ConcurrentQueue<MockResourceArgs> Created { get; } = new();

    public ConcurrentQueue<MockCallArgs> Calls { get; } = new();

    public ConcurrentQueue<string> RegisteredOutputs { get; } = new();

    public Task<(string? id, object state)> NewResourceAsync(MockResourceArgs args)
    {
        Created.Enqueue(args);
        var name = args.Name ?? "";
        var state = args.Inputs.ToBuilder();
        string id = $"{name}-id";
        switch (args.Type)
        {
            case "gcp:storage/bucket:Bucket":
                id = (string)args.Inputs["name"];
                state["url"] = $"gs://{id}";
                break;
            case "gcp:serviceaccount/account:Account":
                var email = $"{args.Inputs["accountId"]}@{Project}.iam.gserviceaccount.com";
                state["email"] = email;
                state["member"] = $"serviceAccount:{email}";
                id = $"projects/{Project}/serviceAccounts/{email}";
                break;
            case "gcp:storage/hmacKey:HmacKey":
                state["accessId"] = AccessIdFor(name);
                state["secret"] = SecretFor(name);
                break;
            case "gcp:projects/iAMCustomRole:IAMCustomRole":
                id = $"projects/{Project}/roles/{args.Inputs["roleId"]}";
                state["name"] = id;
                break;
            case "gcp:kms/keyRing:KeyRing":
                id = $"projects/{Project}/locations/{args.Inputs["location"]}/keyRings/{name}";
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
        object result = args.Token switch
        {
            "gcp:storage/getProjectServiceAccount:getProjectServiceAccount" => ImmutableDictionary<string, object>.Empty
                .Add("emailAddress", StorageServiceAgent)
                .Add("member", $"serviceAccount:{StorageServiceAgent}")
                .Add("id", StorageServiceAgent)
                .Add("project", Project),
            _ => ImmutableDictionary<string, object>.Empty,
        };
        return Task.FromResult(result);
    }

    Task IMocks.RegisterResourceOutputs(MockRegisterResourceOutputsRequest request)
    {
        RegisteredOutputs.Enqueue(request.Urn ?? "");
        return Task.CompletedTask;
    }

    public IReadOnlyList<MockResourceArgs> OfType(string type) => [.. Created.Where(r => r.Type == type)];

    /// <summary>Service account HMAC access ids are 61 characters, starting with GOOG1E.</summary>
    public static string AccessIdFor(string resourceName) => ("GOOG1E" + Convert.ToHexString(
        System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(resourceName))))[..61];

    /// <summary>HMAC secrets are 40 base64 characters.</summary>
    public static string SecretFor(string resourceName) => Convert.ToBase64String(
        System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes("secret:" + resourceName)))[..40];
}
