using DestinationKit.Model.Configuration;
using DestinationKit.Model.Spec;

namespace DestinationKit.Model.Tests;

/// <summary>Stack configurations for tests, written with short key names (<c>mode</c> for
/// <c>destination:mode</c>) as a Pulumi.&lt;stack&gt;.yaml would hold them.</summary>
internal static class Configs
{
    public const string Project = "destinationkit";
    public const string Stack = "dev";

    /// <summary>A well-formed SAS URI; it stands for a credential, so no message may ever repeat it.</summary>
    public const string SasUri = "https://dlzacct.blob.core.windows.net/dlz-destination?sv=2023-01-03&se=2030-01-01T00%3A00%3A00Z&sp=racwdlm&sig=c2VjcmV0LXNpZ25hdHVyZQ%3D%3D";

    public const string SasUriGlobex = "https://dlzglobex.blob.core.windows.net/dlz-destination?sv=2023-01-03&se=2031-06-30T00%3A00%3A00Z&sp=rl&sig=Z2xvYmV4LXNpZ25hdHVyZQ%3D%3D";

    public const string SpObjectId = "11111111-2222-3333-4444-555555555555";
    public const string SpClientId = "66666666-7777-8888-9999-aaaaaaaaaaaa";
    public const string SpObjectId2 = "0a0a0a0a-1b1b-2c2c-3d3d-4e4e4e4e4e4e";
    public const string SpClientId2 = "5f5f5f5f-6a6a-7b7b-8c8c-9d9d9d9d9d9d";

    public static readonly string DlzSasKey = ConfigKeys.DlzSasUris.FullName;

    public static Dictionary<string, string> Of(params (string Key, string Value)[] values) =>
        values.ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal);

    /// <summary>A copy with keys set (or, with a null value, removed).</summary>
    public static Dictionary<string, string> With(this Dictionary<string, string> values, params (string Key, string? Value)[] changes)
    {
        var copy = new Dictionary<string, string>(values, StringComparer.Ordinal);
        foreach (var (key, value) in changes)
        {
            if (value is null) copy.Remove(key);
            else copy[key] = value;
        }
        return copy;
    }

    public static StackConfiguration ToStack(this Dictionary<string, string> values, IEnumerable<string>? secretKeys = null, string stack = Stack, string project = Project) =>
        StackConfiguration.From(project, stack,
            values.ToDictionary(v => $"{StackConfiguration.Namespace}:{v.Key}", v => v.Value, StringComparer.Ordinal),
            secretKeys);

    public static DestinationSpec Parse(this Dictionary<string, string> values, IEnumerable<string>? secretKeys = null, string stack = Stack, string project = Project) =>
        DestinationSpecParser.Parse(values.ToStack(secretKeys, stack, project));

    // The smallest valid configuration of each target; tests change one thing at a time.

    public static Dictionary<string, string> S3 => Of(
        ("mode", "batch"), ("target", "aws-s3"), ("region", "eu-west-1"), ("tenants", """["acme"]"""), ("destinationName", "Acme Audiences"));

    public static Dictionary<string, string> Blob => Of(
        ("mode", "batch"), ("target", "azure-blob"), ("region", "westeurope"), ("tenants", """["acme"]"""), ("destinationName", "Acme Audiences"));

    public static Dictionary<string, string> Adls => Of(
        ("mode", "batch"), ("target", "azure-adls"), ("region", "westeurope"),
        ("tenants", $$"""[{"id": "acme", "servicePrincipalObjectId": "{{SpObjectId}}", "servicePrincipalClientId": "{{SpClientId}}"}]"""),
        ("destinationName", "Acme Audiences"));

    public static Dictionary<string, string> SftpAws => Of(
        ("mode", "batch"), ("target", "sftp"), ("cloud", "aws"), ("region", "eu-west-1"), ("tenants", """["acme"]"""), ("destinationName", "Acme Audiences"));

    public static Dictionary<string, string> SftpAzure => Of(
        ("mode", "batch"), ("target", "sftp"), ("cloud", "azure"), ("region", "westeurope"), ("tenants", """["acme"]"""), ("destinationName", "Acme Audiences"));

    public static Dictionary<string, string> Gcs => Of(
        ("mode", "batch"), ("target", "gcp-gcs"), ("region", "europe-west1"), ("tenants", """["acme"]"""), ("destinationName", "Acme Audiences"));

    /// <summary>With <c>dlzSasUris</c>; pass <see cref="DlzSasKey"/> as a secret key.</summary>
    public static Dictionary<string, string> Dlz => Of(
        ("mode", "batch"), ("target", "dlz"), ("tenants", """["acme", "globex"]"""), ("destinationName", "Acme Audiences"),
        ("dlzSasUris", $$"""{"acme": "{{SasUri}}"}"""));

    public static Dictionary<string, string> StreamingAws => Of(
        ("mode", "streaming"), ("target", "aws"), ("region", "eu-west-1"), ("tenants", """["acme"]"""), ("destinationName", "Acme Audiences"),
        ("identityNamespaces", """{"email_lc_sha256": {}}"""));

    public static Dictionary<string, string> StreamingAzure => StreamingAws.With(("target", "azure"), ("region", "westeurope"));

    public static Dictionary<string, string> StreamingGcp => StreamingAws.With(("target", "gcp"), ("region", "europe-west1"));
}
