using System.Text.RegularExpressions;

namespace DestinationKit.Model.Naming;

/// <summary>The naming rules of each cloud for the names this template generates, as checks that say what
/// is wrong. Generated names are checked against them in tests at every boundary.</summary>
public static partial class NameRules
{
    /// <summary>Returns null when <paramref name="name"/> is a valid S3 bucket name, else why not.</summary>
    public static string? S3Bucket(string name)
    {
        if (name.Length is < 3 or > 63) return $"must be 3–63 characters, is {name.Length}";
        if (!S3BucketPattern().IsMatch(name)) return "may contain only lowercase letters, digits, dots and hyphens, and must start and end with a letter or digit";
        if (name.Contains("..", StringComparison.Ordinal)) return "must not contain two adjacent dots";
        if (IpAddressPattern().IsMatch(name)) return "must not look like an IP address";
        if (name.StartsWith("xn--", StringComparison.Ordinal) || name.StartsWith("sthree-", StringComparison.Ordinal)) return "must not start with xn-- or sthree-";
        if (name.EndsWith("-s3alias", StringComparison.Ordinal) || name.EndsWith("--ol-s3", StringComparison.Ordinal)) return "must not end with -s3alias or --ol-s3";
        return null;
    }

    public static string? AzureStorageAccount(string name) =>
        name.Length is < 3 or > 24 ? $"must be 3–24 characters, is {name.Length}"
        : !LowerAlnumPattern().IsMatch(name) ? "may contain only lowercase letters and digits"
        : null;

    /// <summary>Blob containers and ADLS Gen2 filesystems share these rules.</summary>
    public static string? AzureContainer(string name) =>
        name.Length is < 3 or > 63 ? $"must be 3–63 characters, is {name.Length}"
        : !AzureContainerPattern().IsMatch(name) ? "may contain only lowercase letters, digits and hyphens, must start and end with a letter or digit"
        : name.Contains("--", StringComparison.Ordinal) ? "must not contain two adjacent hyphens"
        : null;

    public static string? AzureResourceGroup(string name) =>
        name.Length is < 1 or > 90 ? $"must be 1–90 characters, is {name.Length}"
        : !AzureResourceGroupPattern().IsMatch(name) ? "may contain only letters, digits, '_', '-', '.', '(' and ')' and must not end with '.'"
        : null;

    /// <summary>App Service apps and plans: letters, digits and hyphens, 2–60, not starting or ending with a hyphen.</summary>
    public static string? AzureWebApp(string name) =>
        name.Length is < 2 or > 60 ? $"must be 2–60 characters, is {name.Length}"
        : !AzureHyphenatedPattern().IsMatch(name) ? "may contain only letters, digits and hyphens, and must start and end with a letter or digit"
        : null;

    /// <summary>API Management services: 1–50, starting with a letter, letters, digits and hyphens, not ending with a hyphen.</summary>
    public static string? AzureApiManagement(string name) =>
        name.Length is < 1 or > 50 ? $"must be 1–50 characters, is {name.Length}"
        : !AzureApiManagementPattern().IsMatch(name) ? "must start with a letter, contain only letters, digits and hyphens, and end with a letter or digit"
        : null;

    /// <summary>Azure Storage local users (SFTP): lowercase letters and digits, 3–64.</summary>
    public static string? AzureLocalUser(string name) =>
        name.Length is < 3 or > 64 ? $"must be 3–64 characters, is {name.Length}"
        : !LowerAlnumPattern().IsMatch(name) ? "may contain only lowercase letters and digits"
        : null;

    public static string? GcsBucket(string name)
    {
        if (name.Length is < 3 or > 63) return $"must be 3–63 characters, is {name.Length}";
        if (!GcsBucketPattern().IsMatch(name)) return "may contain only lowercase letters, digits, '-', '_' and '.', and must start and end with a letter or digit";
        if (name.StartsWith("goog", StringComparison.Ordinal) || name.Contains("google", StringComparison.Ordinal)) return "must not start with goog or contain google";
        if (IpAddressPattern().IsMatch(name)) return "must not look like an IP address";
        return null;
    }

    /// <summary>Google Cloud service account ids (the part before @).</summary>
    public static string? GcpServiceAccountId(string name) =>
        name.Length is < 6 or > 30 ? $"must be 6–30 characters, is {name.Length}"
        : !GcpServiceAccountPattern().IsMatch(name) ? "must start with a lowercase letter, contain only lowercase letters, digits and hyphens, and end with a letter or digit"
        : null;

    public static string? IamUser(string name) =>
        name.Length is < 1 or > 64 ? $"must be 1–64 characters, is {name.Length}"
        : !IamNamePattern().IsMatch(name) ? "may contain only letters, digits and +=,.@_-"
        : null;

    /// <summary>IAM roles allow the same characters as users.</summary>
    public static string? IamRole(string name) => IamUser(name);

    /// <summary>AWS Transfer Family user names.</summary>
    public static string? TransferUser(string name) =>
        name.Length is < 3 or > 100 ? $"must be 3–100 characters, is {name.Length}"
        : !TransferUserPattern().IsMatch(name) ? "must start with a letter, digit or '_' and contain only letters, digits and _@.-"
        : null;

    [GeneratedRegex("^[a-z0-9][a-z0-9.-]*[a-z0-9]$")]
    private static partial Regex S3BucketPattern();

    [GeneratedRegex(@"^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$")]
    private static partial Regex IpAddressPattern();

    [GeneratedRegex("^[a-z0-9]+$")]
    private static partial Regex LowerAlnumPattern();

    [GeneratedRegex("^[a-z0-9][a-z0-9-]*[a-z0-9]$")]
    private static partial Regex AzureContainerPattern();

    [GeneratedRegex(@"^[\w\-.()]*[\w\-()]$")]
    private static partial Regex AzureResourceGroupPattern();

    [GeneratedRegex("^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?$")]
    private static partial Regex AzureHyphenatedPattern();

    [GeneratedRegex("^[A-Za-z]([A-Za-z0-9-]*[A-Za-z0-9])?$")]
    private static partial Regex AzureApiManagementPattern();

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]*[a-z0-9]$")]
    private static partial Regex GcsBucketPattern();

    [GeneratedRegex("^[a-z][a-z0-9-]*[a-z0-9]$")]
    private static partial Regex GcpServiceAccountPattern();

    [GeneratedRegex(@"^[\w+=,.@-]+$")]
    private static partial Regex IamNamePattern();

    [GeneratedRegex(@"^[\w][\w@.-]+$")]
    private static partial Regex TransferUserPattern();
}
