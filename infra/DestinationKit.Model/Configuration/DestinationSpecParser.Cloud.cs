using System.Collections.Immutable;
using System.Text.Json;
using System.Text.RegularExpressions;
using DestinationKit.Model.Spec;

namespace DestinationKit.Model.Configuration;

public static partial class DestinationSpecParser
{
    /// <summary>Tags the stack sets on every resource itself.</summary>
    public static readonly IReadOnlyList<string> ReservedTags = ["managed-by", "destination-prefix", "stack"];

    public const int MaxUserTags = 40;

    private static readonly IReadOnlyDictionary<string, EncryptionKind> EncryptionKinds = new Dictionary<string, EncryptionKind>
    {
        ["platform"] = EncryptionKind.Platform,
        ["customer-managed"] = EncryptionKind.CustomerManaged,
    };

    private static EncryptionSettings ReadEncryption(ConfigReader reader, DestinationTarget? target, CloudProvider? cloud, string? region)
    {
        if (target == DestinationTarget.Dlz)
        {
            foreach (var key in new[] { ConfigKeys.Encryption, ConfigKeys.EncryptionKeyId, ConfigKeys.InfrastructureEncryption })
                reader.RejectIfSet(key, "by target dlz (Adobe encrypts its own storage)");
            return new EncryptionSettings(EncryptionKind.Platform, null, false);
        }
        var kind = reader.Choice(ConfigKeys.Encryption, EncryptionKinds) ?? EncryptionKind.Platform;
        var keyId = reader.Raw(ConfigKeys.EncryptionKeyId);
        if (kind == EncryptionKind.CustomerManaged && cloud == CloudProvider.Azure)
        {
            reader.Error(ConfigKeys.Encryption.Name, "customer-managed keys are not yet supported on azure; use platform (Microsoft-managed keys), "
                + $"optionally with {ConfigKeys.InfrastructureEncryption.Name}: true for a second layer of encryption (docs/azure.md)");
            keyId = null;
        }
        if (keyId is not null && kind != EncryptionKind.CustomerManaged)
        {
            reader.Error(ConfigKeys.EncryptionKeyId.Name, "is set but encryption is platform; set encryption to customer-managed or remove the key id");
            keyId = null;
        }
        if (keyId is not null && cloud is not null && KeyIdProblem(keyId, cloud.Value, region) is { } problem)
            reader.Error(ConfigKeys.EncryptionKeyId.Name, $"got {ConfigReader.Quote(keyId)}; {problem}");

        var infrastructure = false;
        if (cloud is not null && cloud != CloudProvider.Azure)
            reader.RejectIfSet(ConfigKeys.InfrastructureEncryption, $"on {Name(Clouds, cloud.Value)} (Azure only)");
        else
            infrastructure = reader.Bool(ConfigKeys.InfrastructureEncryption, false);
        return new EncryptionSettings(kind, keyId, infrastructure);
    }

    private static string? KeyIdProblem(string keyId, CloudProvider cloud, string? region) => cloud switch
    {
        CloudProvider.Aws when !KmsKeyArnPattern().IsMatch(keyId) =>
            "expected a KMS key or alias ARN such as arn:aws:kms:eu-west-1:123456789012:key/<key id>",
        CloudProvider.Aws when region is not null && keyId.Split(':')[3] != region =>
            $"the key is in region {keyId.Split(':')[3]}, but S3 needs a key in the bucket's region {region}",
        CloudProvider.Gcp when !CloudKmsKeyPattern().IsMatch(keyId) =>
            "expected a Cloud KMS key such as projects/<project>/locations/<location>/keyRings/<ring>/cryptoKeys/<key>",
        CloudProvider.Gcp when region is not null && keyId.Split('/')[3] != region =>
            $"the key is in location {keyId.Split('/')[3]}, but Cloud Storage needs a key in the bucket's location {region}",
        _ => null,
    };

    private static ImmutableSortedDictionary<string, string> ReadTags(ConfigReader reader, DestinationTarget? target, CloudProvider? cloud)
    {
        var key = ConfigKeys.Tags;
        var result = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        if (target == DestinationTarget.Dlz)
        {
            reader.RejectIfSet(key, "by target dlz (nothing is created)");
            return result.ToImmutable();
        }
        if (reader.Json(key, JsonValueKind.Object) is not { } tags) return result.ToImmutable();
        foreach (var tag in tags.EnumerateObject())
        {
            var path = $"{key.Name}.{tag.Name}";
            if (tag.Value.ValueKind != JsonValueKind.String)
            {
                reader.Error(path, $"got {JsonFields.Shown(tag.Value)}; tag values are strings");
                continue;
            }
            var value = tag.Value.GetString()!;
            if (ReservedTags.Contains(tag.Name, StringComparer.OrdinalIgnoreCase))
            {
                reader.Error(path, $"is reserved: the stack sets {string.Join(", ", ReservedTags)} itself");
                continue;
            }
            if (cloud is not null && TagProblem(tag.Name, value, cloud.Value) is { } problem)
            {
                reader.Error(path, problem);
                continue;
            }
            result[tag.Name] = value;
        }
        if (result.Count > MaxUserTags) reader.Error(key.Name, $"has {result.Count} tags; at most {MaxUserTags} allowed (the clouds allow 50 and the stack adds 3)");
        return result.ToImmutable();
    }

    private static string? TagProblem(string name, string value, CloudProvider cloud) => cloud switch
    {
        CloudProvider.Aws when name.Length is 0 or > 128 => $"tag keys on aws are 1–128 characters, this one is {name.Length}",
        CloudProvider.Aws when name.StartsWith("aws:", StringComparison.OrdinalIgnoreCase) => "tag keys on aws must not start with aws: (reserved by AWS)",
        CloudProvider.Aws when value.Length > 256 => $"tag values on aws are at most 256 characters, this one is {value.Length}",
        CloudProvider.Aws when !AwsTagPattern().IsMatch(name) =>
            $"got tag key {ConfigReader.Quote(name)}; tag keys on aws allow only letters, digits, spaces and _.:/=+-@",
        CloudProvider.Aws when !AwsTagValuePattern().IsMatch(value) =>
            $"got tag value {ConfigReader.Quote(value)}; tag values on aws allow only letters, digits, spaces and _.:/=+-@",
        CloudProvider.Azure when name.Length is 0 or > 512 => $"tag names on azure are 1–512 characters, this one is {name.Length}",
        CloudProvider.Azure when name.IndexOfAny(['<', '>', '%', '&', '\\', '?', '/']) >= 0 => "tag names on azure must not contain < > % & \\ ? /",
        CloudProvider.Azure when value.Length > 256 => $"tag values on azure are at most 256 characters, this one is {value.Length}",
        CloudProvider.Gcp when !GcpLabelKeyPattern().IsMatch(name) =>
            $"got label key {ConfigReader.Quote(name)}; labels on gcp start with a lowercase letter and contain only lowercase letters, digits, _ and -, up to 63",
        CloudProvider.Gcp when !GcpLabelValuePattern().IsMatch(value) =>
            $"got label value {ConfigReader.Quote(value)}; label values on gcp contain only lowercase letters, digits, _ and -, up to 63",
        _ => null,
    };

    [GeneratedRegex(@"^arn:aws(-cn|-us-gov|-iso(-[a-z])?)?:kms:[a-z0-9-]+:\d{12}:(key/[A-Za-z0-9-]+|alias/[A-Za-z0-9/_-]+)$")]
    private static partial Regex KmsKeyArnPattern();


    [GeneratedRegex(@"^projects/[a-z][a-z0-9-]{4,28}[a-z0-9]/locations/[a-z0-9-]+/keyRings/[A-Za-z0-9_-]{1,63}/cryptoKeys/[A-Za-z0-9_-]{1,63}$")]
    private static partial Regex CloudKmsKeyPattern();

    [GeneratedRegex(@"^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$")]
    private static partial Regex AwsTagPattern();

    [GeneratedRegex(@"^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$")]
    private static partial Regex AwsTagValuePattern();

    [GeneratedRegex("^[a-z][a-z0-9_-]{0,62}$")]
    private static partial Regex GcpLabelKeyPattern();

    [GeneratedRegex("^[a-z0-9_-]{0,63}$")]
    private static partial Regex GcpLabelValuePattern();
}
