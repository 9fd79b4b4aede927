using System.Text.Json.Nodes;
using DestinationKit.Aws.Sftp;
using DestinationKit.Model.Aep;
using DestinationKit.Model.Spec;
using Pulumi;

namespace DestinationKit.Infra.Targets;

/// <summary><c>sftp</c> with <c>cloud: aws</c>: the <see cref="TransferSftpServer"/> in front of its landing bucket.</summary>
internal static class AwsSftpTarget
{
    public const string ComponentName = "landing";

    public static TargetOutputs Deploy(DestinationSpec spec)
    {
        var server = new TransferSftpServer(ComponentName, TransferSftpServerArgs.FromSpec(spec));
        return new TargetOutputs(server.Host.Apply(host => AepConfigurationBuilder.Build(spec, new DeploymentFacts { SftpHost = host }).ToJson()))
        {
            Bucket = server.BucketName,
            SftpHost = server.Host,
            Credentials = TenantCredentials.Json(server.Tenants.Values.Select(tenant =>
                Output.Tuple(server.Host, tenant.PrivateKeyBase64).Apply(values => KeyValuePair.Create(tenant.TenantId, new JsonObject
                {
                    ["host"] = values.Item1,
                    ["port"] = TransferSftpServer.Port,
                    ["username"] = tenant.UserName,
                    ["sshKey"] = values.Item2,
                    ["customerData"] = TenantCredentials.CustomerData(tenant.TenantId),
                })))),
        };
    }
}
