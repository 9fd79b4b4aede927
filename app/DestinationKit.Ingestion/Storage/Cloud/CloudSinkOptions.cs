namespace DestinationKit.Ingestion.Storage.Cloud;

/// <summary>What every cloud sink shares (sections <c>Ingestion:S3</c>, <c>Ingestion:Blob</c>, <c>Ingestion:Gcs</c>).</summary>
public abstract class CloudSinkOptions
{
    /// <summary>Key prefix under which the sink keeps <c>requests/</c> and <c>audiences/</c> (e.g. <c>ingestion/</c>).</summary>
    public string Prefix { get; set; } = "";

    /// <summary>Object writes in flight at once; each takes every request waiting when it starts (group commit).</summary>
    public int MaxConcurrentWrites { get; set; } = 4;

    /// <summary>Largest uncompressed size of one object; a request larger than this still gets an object of its own.</summary>
    public int MaxObjectBytes { get; set; } = 64 * 1024 * 1024;

    /// <summary>Milliseconds a writer waits for more requests before it writes (fewer, larger objects; slower answers).</summary>
    public int LingerMilliseconds { get; set; }

    /// <summary>Seconds one call to the store may take before it counts as failed.</summary>
    public int RequestTimeoutSeconds { get; set; } = 30;

    /// <summary>Retries of a failed call by the cloud SDK itself before the write fails (and its requests answer 503).</summary>
    public int MaxRetries { get; set; } = 2;

    /// <summary>Import at startup every object of the bucket that the local projection has not seen (rebuilds a lost disk).</summary>
    public bool RebuildOnStart { get; set; } = true;

    /// <summary>Seconds between imports of objects that other instances wrote in the last hours (0: never).</summary>
    public int RefreshSeconds { get; set; }

    /// <summary>Creates the bucket or container at startup when it is missing (local servers; deployments provision it).</summary>
    public bool CreateIfMissing { get; set; }
}

/// <summary>Section <c>Ingestion:S3</c>: Amazon S3 or an S3-compatible server.</summary>
public sealed class S3SinkOptions : CloudSinkOptions
{
    public string? Bucket { get; set; }

    /// <summary>AWS region of the bucket; default: <c>AWS_REGION</c>, else us-east-1.</summary>
    public string? Region { get; set; }

    /// <summary>Endpoint of an S3-compatible server (e.g. s3rver); requests are then path-style.</summary>
    public string? ServiceUrl { get; set; }

    /// <summary>Static key pair (local servers only); when empty the SDK's default chain is used (IAM role, environment, profile).</summary>
    public string? AccessKey { get; set; }

    public string? SecretKey { get; set; }
}

/// <summary>Section <c>Ingestion:Blob</c>: Azure Blob Storage or Azurite.</summary>
public sealed class BlobSinkOptions : CloudSinkOptions
{
    public string? Container { get; set; }

    /// <summary>Blob service URI (<c>https://account.blob.core.windows.net</c>), authenticated with DefaultAzureCredential (managed identity, ...).</summary>
    public string? ServiceUri { get; set; }

    /// <summary>A connection string instead (Azurite, or an account key); takes precedence over <see cref="ServiceUri"/>.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Client id of a user-assigned managed identity, when the app has more than one.</summary>
    public string? ManagedIdentityClientId { get; set; }
}

/// <summary>Section <c>Ingestion:Gcs</c>: Google Cloud Storage.</summary>
public sealed class GcsSinkOptions : CloudSinkOptions
{
    public string? Bucket { get; set; }

    /// <summary>Root of a server that speaks the GCS JSON API (e.g. <c>http://127.0.0.1:4443/</c>), used without credentials.</summary>
    public string? Endpoint { get; set; }

    /// <summary>Project in which <see cref="CloudSinkOptions.CreateIfMissing"/> creates the bucket.</summary>
    public string? ProjectId { get; set; }
}
