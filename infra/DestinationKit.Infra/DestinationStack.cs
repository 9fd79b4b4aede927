using System.Diagnostics;
using DestinationKit.Infra.Targets;
using DestinationKit.Model.Configuration;
using DestinationKit.Model.Spec;
using Pulumi;

namespace DestinationKit.Infra;

/// <summary>The program, as a library type: the CLI runs it through Program.cs, the Automation API inline with the
/// configuration it already holds. It reads the configuration once, validates it as a whole before creating
/// anything, hands the spec to its target's wiring (Targets/) and exports what that returns.</summary>
public sealed class DestinationStack : Stack
{
    public DestinationStack() : this(StackConfigurationReader.Read())
    {
    }

    /// <param name="options">Stack options for an Automation API caller, such as resource transformations that
    /// every resource of the stack goes through.</param>
    public DestinationStack(StackConfiguration configuration, StackOptions? options = null) : base(options)
    {
        var spec = ParseOrFail(configuration);
        Target = Output.Create(DestinationSpecParser.TargetName(spec.Target));
        var outputs = spec.Target switch
        {
            DestinationTarget.Dlz => DlzTarget.Deploy(spec),
            DestinationTarget.GcpGcs => GcsTarget.Deploy(spec),
            DestinationTarget.AwsS3 => AwsS3Target.Deploy(spec),
            DestinationTarget.Sftp when spec.Cloud == CloudProvider.Aws => AwsSftpTarget.Deploy(spec),
            DestinationTarget.AzureBlob => AzureBlobTarget.Deploy(spec),
            DestinationTarget.AzureAdls => AzureAdlsTarget.Deploy(spec),
            DestinationTarget.Sftp when spec.Cloud == CloudProvider.Azure => AzureSftpTarget.Deploy(spec),
            DestinationTarget.Azure => AzureStreamingTarget.Deploy(spec),
            DestinationTarget.Aws => AwsStreamingTarget.Deploy(spec),
            DestinationTarget.Gcp => GcpStreamingTarget.Deploy(spec),
            // The parser accepts sftp only with cloud aws or azure.
            _ => throw new UnreachableException($"no component for target {spec.Target} on cloud {spec.Cloud}"),
        };
        AepConfiguration = outputs.AepConfiguration;
        IngestionSources = Optional(outputs.IngestionSources);
        Bucket = Optional(outputs.Bucket);
        Credentials = Optional(outputs.Credentials);
        ResourceGroup = Optional(outputs.ResourceGroup);
        StorageAccount = Optional(outputs.StorageAccount);
        SftpHost = Optional(outputs.SftpHost);
        Endpoint = Optional(outputs.Endpoint);
        TokenUrl = Optional(outputs.TokenUrl);
    }

    /// <summary>The Destination SDK objects to submit to Adobe (docs/aep-configuration.md).</summary>
    [Output("aepConfiguration")]
    public Output<string> AepConfiguration { get; private set; }

    [Output("target")]
    public Output<string> Target { get; private set; }

    /// <summary>What the ingestion app reads exports from, per tenant. Secret: DLZ entries hold SAS URIs. Only dlz.</summary>
    [Output("ingestionSources")]
    public Output<string?> IngestionSources { get; private set; }

    /// <summary>The landing bucket AEP exports into: gcp-gcs, aws-s3, and sftp on aws (the bucket behind the server).</summary>
    [Output("bucket")]
    public Output<string?> Bucket { get; private set; }

    /// <summary>Secret JSON, per tenant id: what its AEP customer enters in the destination's connection form.</summary>
    [Output("credentials")]
    public Output<string?> Credentials { get; private set; }

    /// <summary>Azure: the resource group everything is created in.</summary>
    [Output("resourceGroup")]
    public Output<string?> ResourceGroup { get; private set; }

    /// <summary>Azure batch: the storage account AEP exports into (none with an account per tenant).</summary>
    [Output("storageAccount")]
    public Output<string?> StorageAccount { get; private set; }

    /// <summary>sftp: the host AEP connects to (port 22).</summary>
    [Output("sftpHost")]
    public Output<string?> SftpHost { get; private set; }

    /// <summary>Streaming: the gateway's public base URL that AEP calls.</summary>
    [Output("endpoint")]
    public Output<string?> Endpoint { get; private set; }

    /// <summary>Streaming with OAuth 2.0: the token URL AEP gets its access tokens from.</summary>
    [Output("tokenUrl")]
    public Output<string?> TokenUrl { get; private set; }

    /// <summary>Null-valued outputs are left out of the stack's outputs by the Pulumi SDK.</summary>
    private static Output<string?> Optional(Output<string>? output) => output?.Apply(value => (string?)value) ?? Output.Create((string?)null);

    private static DestinationSpec ParseOrFail(StackConfiguration configuration)
    {
        try
        {
            return DestinationSpecParser.Parse(configuration);
        }
        catch (InvalidDestinationConfigException e)
        {
            // RunException makes Pulumi print the message alone, without a stack trace.
            throw new RunException(e.Message);
        }
    }
}
