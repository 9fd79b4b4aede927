using DestinationKit.Model.Permissions;

namespace DestinationKit.Model.Platform;

/// <summary>The AWS Lambda Web Adapter (github.com/awslabs/aws-lambda-web-adapter), which lets the unchanged ingestion
/// app (Kestrel) run on Lambda: a Lambda extension, published by AWS as a public layer, that turns each invocation into
/// an HTTP request to the app's port and the app's response into the invocation's result.</summary>
public static class LambdaWebAdapter
{
    /// <summary>The layer version the adapter's documentation lists for zip packages (v1.0.0-rc1). A newer version is a
    /// change of this number, tested like any other change.</summary>
    public const int LayerVersion = 26;

    /// <summary>The accounts that publish the x86_64 layer (the adapter's docs, "Zip Packages"): one for the commercial
    /// regions, one per China region. Other partitions (GovCloud, isolated regions) are not listed.</summary>
    private static readonly IReadOnlyDictionary<string, string> ChinaPublishers = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["cn-north-1"] = "041581134020",
        ["cn-northwest-1"] = "069767869989",
    };

    private const string CommercialPublisher = "753240598075";

    /// <summary>The ARN of the x86_64 layer in <paramref name="region"/>, or null where the adapter is not published.</summary>
    public static string? LayerArn(string region)
    {
        ArgumentNullException.ThrowIfNull(region);
        var partition = AwsPolicies.Partition(region);
        var account = partition == "aws" ? CommercialPublisher : ChinaPublishers.GetValueOrDefault(region);
        return account is null ? null : $"arn:{partition}:lambda:{region}:{account}:layer:LambdaAdapterLayerX86:{LayerVersion}";
    }
}
