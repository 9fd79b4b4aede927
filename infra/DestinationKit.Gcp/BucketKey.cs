using Pulumi;
using Pulumi.Gcp.Kms;
using Pulumi.Gcp.Storage;

namespace DestinationKit.Gcp;

/// <summary>The default Cloud KMS key of a bucket with customer-managed encryption: the given one, or a new key ring
/// and key in the bucket's region that the project's Cloud Storage service agent may encrypt and decrypt with.</summary>
public static class BucketKey
{
    /// <summary>What the Cloud Storage service agent needs on the bucket's default key.</summary>
    public const string KmsEncrypterDecrypterRole = "roles/cloudkms.cryptoKeyEncrypterDecrypter";

    /// <summary>A new key version every 90 days; older versions still decrypt what they encrypted.</summary>
    public const string RotationPeriod = "7776000s";

    /// <summary>Returns the key's name and, for a created key, the service agent's access to it, which the bucket must
    /// depend on (Cloud Storage checks that access when the bucket is created). Key rings and keys cannot be deleted
    /// in Google Cloud, so their names are left to Pulumi's auto-naming (a random suffix): a stack destroyed and
    /// deployed again creates new ones instead of colliding with the old.</summary>
    public static (Output<string> KeyName, Resource? Access) Create(Resource parent, string name, string location, string? existingKeyName,
        InputMap<string> labels)
    {
        ArgumentNullException.ThrowIfNull(parent);
        if (existingKeyName is not null) return (Output.Create(existingKeyName), null);

        var child = new CustomResourceOptions { Parent = parent };
        var ring = new KeyRing($"{name}-keyring", new KeyRingArgs { Location = location }, child);
        var key = new CryptoKey($"{name}-key", new CryptoKeyArgs
        {
            KeyRing = ring.Id,
            Purpose = "ENCRYPT_DECRYPT",
            RotationPeriod = RotationPeriod,
            Labels = labels,
        }, child);
        var serviceAgent = GetProjectServiceAccount.Invoke(null, new InvokeOptions { Parent = parent });
        var access = new CryptoKeyIAMMember($"{name}-key-storage-agent", new CryptoKeyIAMMemberArgs
        {
            CryptoKeyId = key.Id,
            Role = KmsEncrypterDecrypterRole,
            Member = serviceAgent.Apply(agent => $"serviceAccount:{agent.EmailAddress}"),
        }, child);
        return (key.Id, access);
    }
}
