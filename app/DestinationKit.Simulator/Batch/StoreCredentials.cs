using System.Text.Json;
using System.Text.Json.Nodes;

namespace DestinationKit.Simulator.Batch;

/// <summary>
/// What an AEP customer enters to connect a file-based destination (shared/AEP.md §4.2), which the simulator writes
/// with: an access key pair (S3, or a Cloud Storage HMAC key), a connection string or SAS URI (Azure Blob, the Data
/// Landing Zone), a service principal (ADLS Gen2), a user with an RSA key or password (SFTP); plus the customer's
/// data fields. Read from a JSON object (<see cref="FromJson"/>), optionally keyed by tenant. Never printed:
/// <see cref="ToString"/> names the fields that are set.
/// </summary>
public sealed record StoreCredentials
{
    public string? AccessKeyId { get; init; }
    public string? SecretAccessKey { get; init; }
    public string? ConnectionString { get; init; }
    public string? SasUri { get; init; }
    public string? AzureTenantId { get; init; }
    public string? ClientId { get; init; }
    public string? ClientSecret { get; init; }
    public string? Username { get; init; }

    /// <summary>An RSA private key: PEM text, or base64 of it as AEP's form takes it.</summary>
    public string? PrivateKey { get; init; }
    public string? Password { get; init; }

    public IReadOnlyDictionary<string, string> CustomerData { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>The field names each credential is read from: ours first, then AEP's form names (§4.2), then aliases.</summary>
    private static readonly (string Property, string[] Names)[] Fields =
    [
        (nameof(AccessKeyId), ["accessKeyId", "accessId", "accessKey", "awsAccessKeyId"]),
        (nameof(SecretAccessKey), ["secretAccessKey", "secretKey", "awsSecretAccessKey"]),
        (nameof(ConnectionString), ["connectionString"]),
        (nameof(SasUri), ["sasUri", "SASUri"]),
        (nameof(AzureTenantId), ["azureTenantId", "tenant", "directoryId"]),
        (nameof(ClientId), ["clientId", "servicePrincipalId"]),
        (nameof(ClientSecret), ["clientSecret", "servicePrincipalKey"]),
        (nameof(Username), ["username", "user"]),
        (nameof(PrivateKey), ["privateKey", "sshKey"]),
        (nameof(Password), ["password"]),
    ];

    public static StoreCredentials None { get; } = new();

    /// <summary>Reads <c>{"accessKeyId": ..., ...}</c> or such objects keyed by tenant (as a stack's <c>credentials</c>
    /// output is). A file keyed by tenant needs <paramref name="tenant"/>.</summary>
    public static StoreCredentials FromJson(string text, string? tenant, string source)
    {
        JsonObject root;
        try
        {
            root = JsonNode.Parse(text) as JsonObject ?? throw new InvalidDataException($"{source} is not a JSON object");
        }
        catch (JsonException)
        {
            // The text holds secrets: say where the problem is, never what the text holds.
            throw new InvalidDataException($"{source} is not valid JSON");
        }
        return FromObject(root, tenant, source);
    }

    private static StoreCredentials FromObject(JsonObject root, string? tenant, string source)
    {
        JsonObject node;
        if (IsCredentials(root))
        {
            node = root;
        }
        else if (tenant is not null && root[tenant] is JsonObject perTenant)
        {
            node = perTenant;
        }
        else
        {
            throw new InvalidDataException(tenant is null
                ? $"{source} is keyed by tenant ({string.Join(", ", root.Select(p => p.Key))}): pass --tenant"
                : $"{source} has no entry for tenant '{tenant}' (it has: {string.Join(", ", root.Select(p => p.Key))})");
        }
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (property, names) in Fields)
        {
            foreach (var name in names)
            {
                if (node[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String && (string?)v is { Length: > 0 } s)
                {
                    values[property] = s;
                    break;
                }
            }
        }
        var customerData = new Dictionary<string, string>(StringComparer.Ordinal);
        if (node["customerData"] is JsonObject data)
        {
            foreach (var (k, v) in data) customerData[k] = v?.ToString() ?? "";
        }
        return new StoreCredentials
        {
            AccessKeyId = values.GetValueOrDefault(nameof(AccessKeyId)),
            SecretAccessKey = values.GetValueOrDefault(nameof(SecretAccessKey)),
            ConnectionString = values.GetValueOrDefault(nameof(ConnectionString)),
            SasUri = values.GetValueOrDefault(nameof(SasUri)),
            AzureTenantId = values.GetValueOrDefault(nameof(AzureTenantId)),
            ClientId = values.GetValueOrDefault(nameof(ClientId)),
            ClientSecret = values.GetValueOrDefault(nameof(ClientSecret)),
            Username = values.GetValueOrDefault(nameof(Username)),
            PrivateKey = values.GetValueOrDefault(nameof(PrivateKey)),
            Password = values.GetValueOrDefault(nameof(Password)),
            CustomerData = customerData,
        };
    }

    private static bool IsCredentials(JsonObject node) =>
        node.ContainsKey("customerData") || Fields.Any(f => f.Names.Any(n => node[n] is JsonValue v && v.GetValueKind() == JsonValueKind.String));

    /// <summary>
    /// The tenant's credentials from <c>pulumi stack output --json --show-secrets</c>: its <c>credentials</c> output
    /// (object or JSON text, keyed by tenant), else the Data Landing Zone SAS URI of its <c>ingestionSources</c> entry.
    /// Null when the outputs hold neither.
    /// </summary>
    public static StoreCredentials? FromStackOutputs(JsonObject outputs, string? tenant)
    {
        if (Output(outputs, "credentials") is { } credentials)
        {
            return FromObject(credentials, tenant, "the stack's credentials output");
        }
        if (Output(outputs, "ingestionSources") is { } sources)
        {
            if (tenant is null) throw new InvalidDataException("the stack's ingestionSources output is keyed by tenant: pass --tenant");
            return sources[tenant] is JsonObject entry && (string?)entry["sasUri"] is { } sas ? new StoreCredentials { SasUri = sas } : null;
        }
        return null;
    }

    private static JsonObject? Output(JsonObject outputs, string name) => outputs[name] switch
    {
        JsonObject o => o,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => Parse((string)v!, name),
        _ => null,
    };

    private static JsonObject Parse(string text, string name)
    {
        try
        {
            return JsonNode.Parse(text) as JsonObject ?? throw new InvalidDataException($"the stack's {name} output is not a JSON object");
        }
        catch (JsonException)
        {
            throw new InvalidDataException($"the stack's {name} output is not valid JSON");
        }
    }

    /// <summary>Each field of <paramref name="overrides"/> that is set replaces this one's.</summary>
    public StoreCredentials With(StoreCredentials overrides)
    {
        var customerData = new Dictionary<string, string>(CustomerData, StringComparer.Ordinal);
        foreach (var (k, v) in overrides.CustomerData) customerData[k] = v;
        return new StoreCredentials
        {
            AccessKeyId = overrides.AccessKeyId ?? AccessKeyId,
            SecretAccessKey = overrides.SecretAccessKey ?? SecretAccessKey,
            ConnectionString = overrides.ConnectionString ?? ConnectionString,
            SasUri = overrides.SasUri ?? SasUri,
            AzureTenantId = overrides.AzureTenantId ?? AzureTenantId,
            ClientId = overrides.ClientId ?? ClientId,
            ClientSecret = overrides.ClientSecret ?? ClientSecret,
            Username = overrides.Username ?? Username,
            PrivateKey = overrides.PrivateKey ?? PrivateKey,
            Password = overrides.Password ?? Password,
            CustomerData = customerData,
        };
    }

    public override string ToString()
    {
        var set = Fields.Where(f => typeof(StoreCredentials).GetProperty(f.Property)!.GetValue(this) is not null).Select(f => f.Property);
        return $"credentials: {string.Join(", ", set)} [secret]";
    }
}
