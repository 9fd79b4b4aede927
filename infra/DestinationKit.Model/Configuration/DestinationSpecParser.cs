using System.Collections.Immutable;
using System.Text.RegularExpressions;
using DestinationKit.Model.Spec;

namespace DestinationKit.Model.Configuration;

/// <summary>Builds a <see cref="DestinationSpec"/> from stack configuration, validating the configuration as a
/// whole: every error is collected and reported together, each naming the key, the value received and what is
/// allowed. Secret values are never part of a message.</summary>
public static partial class DestinationSpecParser
{
    public static readonly IReadOnlyDictionary<string, DestinationMode> Modes = new Dictionary<string, DestinationMode>
    {
        ["batch"] = DestinationMode.Batch,
        ["streaming"] = DestinationMode.Streaming,
    };

    public static readonly IReadOnlyDictionary<string, DestinationTarget> BatchTargets = new Dictionary<string, DestinationTarget>
    {
        ["aws-s3"] = DestinationTarget.AwsS3,
        ["azure-blob"] = DestinationTarget.AzureBlob,
        ["azure-adls"] = DestinationTarget.AzureAdls,
        ["sftp"] = DestinationTarget.Sftp,
        ["gcp-gcs"] = DestinationTarget.GcpGcs,
        ["dlz"] = DestinationTarget.Dlz,
    };

    public static readonly IReadOnlyDictionary<string, DestinationTarget> StreamingTargets = new Dictionary<string, DestinationTarget>
    {
        ["aws"] = DestinationTarget.Aws,
        ["azure"] = DestinationTarget.Azure,
        ["gcp"] = DestinationTarget.Gcp,
    };

    public static readonly IReadOnlyDictionary<string, CloudProvider> Clouds = new Dictionary<string, CloudProvider>
    {
        ["aws"] = CloudProvider.Aws,
        ["azure"] = CloudProvider.Azure,
        ["gcp"] = CloudProvider.Gcp,
    };

    /// <summary>Parses and validates; throws <see cref="InvalidDestinationConfigException"/> with every error.</summary>
    public static DestinationSpec Parse(StackConfiguration configuration)
    {
        var (spec, errors) = TryParse(configuration);
        return errors.Count == 0 ? spec! : throw new InvalidDestinationConfigException(errors);
    }

    public static (DestinationSpec? Spec, IReadOnlyList<ConfigError> Errors) TryParse(StackConfiguration configuration)
    {
        var reader = new ConfigReader(configuration);
        var spec = Read(reader, configuration);
        reader.ReportUnknownKeys();
        return reader.Errors.Count == 0 ? (spec, []) : (null, reader.Errors);
    }

    private static DestinationSpec? Read(ConfigReader reader, StackConfiguration configuration)
    {
        var mode = reader.Choice(ConfigKeys.Mode, Modes, required: true);
        var target = ReadTarget(reader, mode);
        var cloud = ReadCloud(reader, target);
        var region = ReadRegion(reader, target, cloud);
        var prefix = ReadNamePrefix(reader, cloud);
        var tenants = ReadTenants(reader, target, cloud);
        var aep = ReadAep(reader, mode, target);
        var streaming = ReadStreaming(reader, mode, target, cloud, aep);
        tenants = ReadCredentialRotation(reader, mode, streaming, tenants);
        var retention = ReadRetention(reader, target);
        var forceDestroy = ReadForceDestroy(reader, target);
        var encryption = ReadEncryption(reader, target, cloud, region);
        var accountPerTenant = ReadAccountPerTenant(reader, target);
        var s3Access = ReadS3Access(reader, target, region);
        var tags = ReadTags(reader, target, cloud);
        var fileFormat = ReadFileFormat(reader, mode);
        var batchExport = ReadBatchExport(reader, mode);
        CheckAwsStreaming(reader, target, region, prefix, tenants, streaming);

        if (mode is null || target is null || tenants is null || aep is null || prefix is null) return null;
        return new DestinationSpec
        {
            Project = configuration.Project,
            Stack = configuration.Stack,
            Mode = mode.Value,
            Target = target.Value,
            Cloud = cloud,
            Region = region,
            NamePrefix = prefix,
            Tenants = tenants.Value,
            Streaming = streaming,
            RetentionDays = retention,
            ForceDestroy = forceDestroy,
            Encryption = encryption,
            AccountPerTenant = accountPerTenant,
            S3Access = s3Access,
            Tags = tags,
            Aep = aep,
            FileFormat = fileFormat,
            BatchExport = batchExport,
        };
    }

    private static DestinationTarget? ReadTarget(ConfigReader reader, DestinationMode? mode)
    {
        var value = reader.String(ConfigKeys.Target, required: true,
            $"; batch targets: {string.Join(", ", BatchTargets.Keys)}; streaming targets: {string.Join(", ", StreamingTargets.Keys)}");
        if (value is null || mode is null) return null;
        var (allowed, other) = mode == DestinationMode.Batch ? (BatchTargets, StreamingTargets) : (StreamingTargets, BatchTargets);
        if (allowed.TryGetValue(value, out var target)) return target;
        var modeName = mode == DestinationMode.Batch ? "batch" : "streaming";
        var otherName = mode == DestinationMode.Batch ? "streaming" : "batch";
        reader.Error(ConfigKeys.Target.Name, other.ContainsKey(value)
            ? $"got \"{value}\", which is a {otherName} target but mode is {modeName}; {modeName} targets: {string.Join(", ", allowed.Keys)}"
            : $"got \"{value}\"; {modeName} targets: {string.Join(", ", allowed.Keys)}{Suggestions.DidYouMean(value, allowed.Keys)}");
        return null;
    }

    private static CloudProvider? ReadCloud(ConfigReader reader, DestinationTarget? target)
    {
        var given = reader.Choice(ConfigKeys.Cloud, Clouds);
        if (target is null) return given;
        var implied = CloudOf(target.Value);
        if (target == DestinationTarget.Sftp)
        {
            if (given == CloudProvider.Gcp)
                reader.Error(ConfigKeys.Cloud.Name, "got \"gcp\"; sftp runs on aws (Transfer Family) or azure (Azure Storage SFTP)");
            else if (given is null && !reader.IsSet(ConfigKeys.Cloud))
                reader.Error(ConfigKeys.Cloud.Name, "is required for target sftp; set it to aws (Transfer Family) or azure (Azure Storage SFTP)");
            return given == CloudProvider.Gcp ? null : given;
        }
        if (target == DestinationTarget.Dlz)
        {
            reader.RejectIfSet(ConfigKeys.Cloud, "by target dlz (the Data Landing Zone is Adobe's storage)");
            return null;
        }
        if (given is not null && given != implied)
            reader.Error(ConfigKeys.Cloud.Name, $"got \"{Name(Clouds, given.Value)}\" but target {Name(AllTargets, target.Value)} runs on {Name(Clouds, implied!.Value)}; remove cloud or make them agree");
        return implied;
    }

    private static readonly IReadOnlyDictionary<string, DestinationTarget> AllTargets =
        BatchTargets.Concat(StreamingTargets).ToDictionary();

    public static string TargetName(DestinationTarget target) => Name(AllTargets, target);

    internal static string Name<T>(IReadOnlyDictionary<string, T> map, T value) => map.First(p => EqualityComparer<T>.Default.Equals(p.Value, value)).Key;

    private static CloudProvider? CloudOf(DestinationTarget target) => target switch
    {
        DestinationTarget.AwsS3 or DestinationTarget.Aws => CloudProvider.Aws,
        DestinationTarget.AzureBlob or DestinationTarget.AzureAdls or DestinationTarget.Azure => CloudProvider.Azure,
        DestinationTarget.GcpGcs or DestinationTarget.Gcp => CloudProvider.Gcp,
        _ => null,
    };

    private static string? ReadRegion(ConfigReader reader, DestinationTarget? target, CloudProvider? cloud)
    {
        if (target == DestinationTarget.Dlz)
        {
            reader.RejectIfSet(ConfigKeys.Region, "by target dlz (nothing is created)");
            return null;
        }
        var region = reader.String(ConfigKeys.Region, required: true,
            " (an AWS region such as eu-west-1, an Azure location such as westeurope, or a Google Cloud region such as europe-west1)");
        if (region is null || cloud is null) return region;
        var (pattern, example) = cloud switch
        {
            CloudProvider.Aws => (AwsRegionPattern(), "an AWS region such as eu-west-1 or us-gov-west-1"),
            CloudProvider.Azure => (AzureLocationPattern(), "an Azure location name such as westeurope or eastus2 (lowercase, no spaces)"),
            _ => (GcpRegionPattern(), "a Google Cloud region such as europe-west1 or us-central1 (not a zone)"),
        };
        if (!pattern.IsMatch(region))
            reader.Error(ConfigKeys.Region.Name, $"got \"{region}\"; expected {example}");
        return region;
    }

    private static string? ReadNamePrefix(ConfigReader reader, CloudProvider? cloud)
    {
        var prefix = reader.Raw(ConfigKeys.NamePrefix) ?? "aep";
        if (!NamePrefixPattern().IsMatch(prefix))
        {
            reader.Error(ConfigKeys.NamePrefix.Name,
                $"got {ConfigReader.Quote(prefix)}; expected 3–10 characters, lowercase letters and digits, starting with a letter "
                + "(it must fit Azure storage account names, which allow nothing else)");
            return null;
        }
        // Bucket names start with "<prefix>-": S3 reserves the start "sthree-", Cloud Storage anything starting with
        // "goog" or containing "google".
        var reserved = cloud switch
        {
            CloudProvider.Aws when prefix == "sthree" => "S3 bucket names must not start with \"sthree-\"",
            CloudProvider.Gcp when prefix.StartsWith("goog", StringComparison.Ordinal) || prefix.Contains("google", StringComparison.Ordinal) =>
                "Cloud Storage bucket names must not start with \"goog\" or contain \"google\"",
            _ => null,
        };
        if (reserved is null) return prefix;
        reader.Error(ConfigKeys.NamePrefix.Name, $"got {ConfigReader.Quote(prefix)}; {reserved}, and every bucket name starts with the prefix; choose another");
        return null;
    }

    private static bool ReadForceDestroy(ConfigReader reader, DestinationTarget? target)
    {
        if (target != DestinationTarget.Dlz) return reader.Bool(ConfigKeys.ForceDestroy, false);
        reader.RejectIfSet(ConfigKeys.ForceDestroy, "by target dlz (the stack creates no storage)");
        return false;
    }

    private static int ReadRetention(ConfigReader reader, DestinationTarget? target)
    {
        if (target == DestinationTarget.Dlz)
        {
            reader.RejectIfSet(ConfigKeys.RetentionDays, "by target dlz (Adobe deletes DLZ files after 7 days)");
            return 7;
        }
        return reader.Int(ConfigKeys.RetentionDays, 30, 1, 3650);
    }

    private static bool ReadAccountPerTenant(ConfigReader reader, DestinationTarget? target)
    {
        if (target is not null && target != DestinationTarget.AzureBlob)
        {
            reader.RejectIfSet(ConfigKeys.AccountPerTenant, $"by target {TargetName(target.Value)} (only azure-blob)");
            return false;
        }
        return reader.Bool(ConfigKeys.AccountPerTenant, false);
    }

    private static readonly IReadOnlyDictionary<string, S3AccessMode> S3AccessModes = new Dictionary<string, S3AccessMode>
    {
        ["iam-user"] = S3AccessMode.IamUser,
        ["adobe-role"] = S3AccessMode.AdobeRole,
    };

    private static S3AccessMode ReadS3Access(ConfigReader reader, DestinationTarget? target, string? region)
    {
        if (target is not null && target != DestinationTarget.AwsS3)
        {
            reader.RejectIfSet(ConfigKeys.S3Access, $"by target {TargetName(target.Value)} (only aws-s3)");
            return S3AccessMode.IamUser;
        }
        var access = reader.Choice(ConfigKeys.S3Access, S3AccessModes) ?? S3AccessMode.IamUser;
        // Adobe's account lives in the commercial partition; roles in other partitions cannot trust it.
        if (access == S3AccessMode.AdobeRole && region is not null && Permissions.AwsPolicies.Partition(region) != "aws")
            reader.Error(ConfigKeys.S3Access.Name, $"got \"adobe-role\" in region {region}, whose partition ({Permissions.AwsPolicies.Partition(region)}) "
                + "cannot trust Adobe's commercial AWS account; use iam-user");
        return access;
    }

    [GeneratedRegex("^[a-z][a-z0-9]{2,9}$")]
    private static partial Regex NamePrefixPattern();

    [GeneratedRegex(@"^(us|eu|eusc|ap|sa|ca|me|af|il|mx|cn)(-gov|-iso[a-z]?)?-(north|south|east|west|central|northeast|northwest|southeast|southwest)-\d{1,2}$")]
    private static partial Regex AwsRegionPattern();

    [GeneratedRegex("^[a-z][a-z0-9]{3,29}$")]
    private static partial Regex AzureLocationPattern();

    [GeneratedRegex(@"^[a-z]+-[a-z]+\d{1,2}$")]
    private static partial Regex GcpRegionPattern();

    internal static ImmutableArray<T> OrEmpty<T>(this ImmutableArray<T>? value) => value ?? [];
}
