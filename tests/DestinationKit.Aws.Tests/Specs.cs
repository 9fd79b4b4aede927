using DestinationKit.Model.Configuration;
using DestinationKit.Model.Spec;

namespace DestinationKit.Aws.Tests;

/// <summary>aws-s3 and sftp (cloud aws) specs built the way the stack builds them: through the parser, from stack configuration.</summary>
internal static class Specs
{
    public const string Project = "destinationkit";
    public const string Stack = "test";
    public const string Region = "eu-west-1";
    public const string KeyArn = "arn:aws:kms:eu-west-1:210987654321:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    public const string ThreeTenantIds = """["acme", {"id": "globex", "name": "Globex Corporation"}, "initech"]""";

    public static DestinationSpec S3(string tenants = """["acme"]""", params (string Key, string Value)[] extra) =>
        Parse(tenants, [("target", "aws-s3"), .. extra]);

    public static DestinationSpec Sftp(string tenants = """["acme"]""", params (string Key, string Value)[] extra) =>
        Parse(tenants, [("target", "sftp"), ("cloud", "aws"), .. extra]);

    /// <summary>A batch spec in <see cref="Region"/> with these tenants; <paramref name="settings"/> add keys or replace them.</summary>
    public static DestinationSpec Parse(string tenants, (string Key, string Value)[] settings)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["mode"] = "batch",
            ["region"] = Region,
            ["tenants"] = tenants,
            ["destinationName"] = "Acme Audiences",
        };
        foreach (var (key, value) in settings) values[key] = value;
        return DestinationSpecParser.Parse(StackConfiguration.From(Project, Stack,
            values.ToDictionary(v => $"{StackConfiguration.Namespace}:{v.Key}", v => v.Value, StringComparer.Ordinal)));
    }
}
