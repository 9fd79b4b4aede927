using DestinationKit.Model.Spec;

namespace DestinationKit.Model.Naming;

/// <summary>Every generated name of a destination: the name prefix, a purpose or tenant, and a stable hash of
/// project, stack, target and region (so two stacks never collide and a re-run never renames).
/// The parser guarantees prefix and tenant ids are short and clean enough for every result to be valid.</summary>
public sealed class ResourceNames(DestinationSpec spec)
{
    private const int HashLength = 8;
    private readonly string _seed = $"{spec.Project}/{spec.Stack}/{spec.Target}/{spec.Region}/{spec.NamePrefix}";

    private string Hash(params string[] parts) => StableHash.Of(string.Join('/', [_seed, .. parts]), HashLength);

    private string Prefix => spec.NamePrefix;

    /// <summary>The S3 or GCS bucket AEP exports into.</summary>
    public string LandingBucket => $"{Prefix}-landing-{Hash("landing")}";

    /// <summary>The S3 or GCS bucket the streaming app stores accepted requests in.</summary>
    public string SinkBucket => $"{Prefix}-sink-{Hash("sink")}";

    public string ResourceGroup => $"{Prefix}-{Hash("rg")}-rg";

    /// <summary>The shared storage account of the Azure targets (landing zone, SFTP or the streaming sink).</summary>
    public string StorageAccount => $"{Prefix}{(spec.IsStreaming ? "sk" : "lz")}{Hash("account")}";

    /// <summary>Streaming on Azure: the account holding the app's zip package, apart from the sink's account so that
    /// the sink's can refuse shared keys (the package is fetched with a SAS, which needs them).</summary>
    public string AppPackageStorageAccount => $"{Prefix}pk{Hash("package")}";

    /// <summary>Streaming on Azure: the App Service plan the app runs on.</summary>
    public string AppServicePlan => $"{Prefix}-plan-{Hash("plan")}";

    /// <summary>Streaming on Azure: the web app, globally unique (its host is <c>&lt;name&gt;.azurewebsites.net</c>).</summary>
    public string WebApp => $"{Prefix}-ingest-{Hash("webapp")}";

    /// <summary>Streaming on Azure: the API Management service, globally unique (its gateway is <c>&lt;name&gt;.azure-api.net</c>).</summary>
    public string ApiManagement => $"{Prefix}-gw-{Hash("apim")}";

    /// <summary>With <c>accountPerTenant</c>: the tenant's own account, with as much of its id as fits.</summary>
    public string TenantStorageAccount(string tenantId)
    {
        var readable = new string(tenantId.Where(char.IsAsciiLetterOrDigit).ToArray());
        var room = 24 - Prefix.Length - HashLength;
        return $"{Prefix}{readable[..Math.Min(room, readable.Length)]}{Hash("account", tenantId)}";
    }

    /// <summary>Blob container or ADLS Gen2 filesystem of a tenant: the tenant id, valid by construction.</summary>
    public static string TenantContainer(string tenantId) => tenantId;

    /// <summary>Object key prefix of a tenant inside a shared bucket, with the trailing slash.</summary>
    public static string TenantPrefix(string tenantId) => $"{tenantId}/";

    public string IamUser(string tenantId) => $"{Prefix}-{tenantId}-{Hash("user", tenantId)}";

    public string IamRole(string tenantId, string purpose) => $"{Prefix}-{tenantId}-{purpose}-{Hash("role", purpose, tenantId)}";

    public static string TransferUser(string tenantId) => tenantId;

    /// <summary>The role a Transfer Family server writes its CloudWatch logs with.</summary>
    public string TransferLoggingRole => $"{Prefix}-transfer-logging-{Hash("role", "transfer-logging")}";

    /// <summary>Azure local users allow no hyphens; the parser rejects tenant ids that would then collide.</summary>
    public static string AzureLocalUser(string tenantId) => tenantId.Replace("-", "", StringComparison.Ordinal);

    public string GcpServiceAccountId(string tenantId)
    {
        const int hashLength = 6;
        var room = 30 - Prefix.Length - 2 - hashLength;
        var readable = tenantId[..Math.Min(room, tenantId.Length)].TrimEnd('-');
        return $"{Prefix}-{readable}-{StableHash.Of($"{_seed}/sa/{tenantId}", hashLength)}";
    }

    /// <summary>The Lambda function running the ingestion app (target <c>aws</c>); its logs go to
    /// <c>/aws/lambda/&lt;name&gt;</c>.</summary>
    public string StreamingFunction => $"{Prefix}-ingest-{Hash("function")}";

    /// <summary>The role the streaming function runs as.</summary>
    public string StreamingFunctionRole => $"{Prefix}-ingest-{Hash("role", "function")}";

    /// <summary>The API Gateway HTTP API in front of the streaming function.</summary>
    public string StreamingApi => $"{Prefix}-ingest-{Hash("api")}";

    /// <summary>The SSM SecureString parameter holding the streaming app's provisioned credentials.</summary>
    public string CredentialsParameter => $"/destinationkit/{Prefix}-{Hash("credentials")}/app-credentials";

    /// <summary>The Cognito user pool issuing tokens (target <c>aws</c> with issuer <c>cognito</c>).</summary>
    public string CognitoUserPool => $"{Prefix}-ingest-{Hash("user-pool")}";

    /// <summary>The user pool's domain prefix (<c>&lt;domain&gt;.auth.&lt;region&gt;.amazoncognito.com</c>), unique per
    /// region across accounts. Cognito refuses domains containing aws, amazon or cognito: the parser keeps them out of
    /// the prefix, and the hash is hexadecimal, which cannot spell them.</summary>
    public string CognitoDomain => $"{Prefix}-{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{_seed}/cognito-domain")))[..10]}";
}
