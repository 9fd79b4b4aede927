using Pulumi;

namespace DestinationKit.Infra.Targets;

/// <summary>What one target's wiring hands back to the stack for export. Outputs a target does not have stay null
/// and are left out of the stack's outputs.</summary>
internal sealed record TargetOutputs(Output<string> AepConfiguration)
{
    /// <summary>What the ingestion app reads exports from, per tenant (secret).</summary>
    public Output<string>? IngestionSources { get; init; }

    /// <summary>The landing bucket AEP exports into.</summary>
    public Output<string>? Bucket { get; init; }

    /// <summary>Per tenant, what the customer enters in AEP (secret JSON).</summary>
    public Output<string>? Credentials { get; init; }

    /// <summary>Azure: the resource group.</summary>
    public Output<string>? ResourceGroup { get; init; }

    /// <summary>Azure batch: the storage account AEP exports into.</summary>
    public Output<string>? StorageAccount { get; init; }

    /// <summary>sftp: the server's host.</summary>
    public Output<string>? SftpHost { get; init; }

    /// <summary>Streaming: the gateway's public base URL that AEP calls.</summary>
    public Output<string>? Endpoint { get; init; }

    /// <summary>Streaming with OAuth 2.0: where AEP gets its tokens.</summary>
    public Output<string>? TokenUrl { get; init; }
}
