using System.Text.Json.Nodes;

namespace DestinationKit.Simulator.Configuration;

/// <summary>What an AEP customer enters when connecting the destination: the bearer key, or the OAuth 2.0 client id
/// and secret, plus the customer data fields (the tenant id among them). Read from a JSON file that is either
/// <c>{"apiKey": ..}</c> / <c>{"clientId": .., "clientSecret": ..}</c> or such objects keyed by tenant.
/// The values never appear in output or summaries.</summary>
public sealed record SimulatorCredentials
{
    public string? ApiKey { get; init; }

    public string? ClientId { get; init; }

    public string? ClientSecret { get; init; }

    public IReadOnlyDictionary<string, string> CustomerData { get; init; } = new Dictionary<string, string>();

    public static SimulatorCredentials FromFile(string path, string? tenant) => FromJson(File.ReadAllText(path), tenant);

    public static SimulatorCredentials FromJson(string text, string? tenant)
    {
        var root = JsonNode.Parse(text) as JsonObject ?? throw new InvalidDataException("the credentials file is not a JSON object");
        var node = root;
        if (tenant is not null && root[tenant] is JsonObject perTenant)
        {
            node = perTenant;
        }
        else if (!IsCredentials(root))
        {
            throw new InvalidDataException(tenant is null
                ? "the credentials file is keyed by tenant: pass --tenant"
                : $"the credentials file has no entry for tenant '{tenant}'");
        }
        var customerData = new Dictionary<string, string>(StringComparer.Ordinal);
        if (node["customerData"] is JsonObject data)
        {
            foreach (var (k, v) in data) customerData[k] = v?.ToString() ?? "";
        }
        if (tenant is not null) customerData.TryAdd("tenantId", tenant);
        return new SimulatorCredentials
        {
            ApiKey = (string?)node["apiKey"] ?? (string?)node["token"] ?? (string?)node["key"],
            ClientId = (string?)node["clientId"] ?? (string?)node["client_id"],
            ClientSecret = (string?)node["clientSecret"] ?? (string?)node["client_secret"],
            CustomerData = customerData,
        };
    }

    private static bool IsCredentials(JsonObject node) =>
        node.ContainsKey("apiKey") || node.ContainsKey("token") || node.ContainsKey("key") || node.ContainsKey("clientId") || node.ContainsKey("client_id");

    /// <summary><c>authData.*</c> as AEP's templates see it.</summary>
    public JsonObject AuthData(string? accessToken)
    {
        var authData = new JsonObject();
        if (ApiKey is not null) authData["token"] = ApiKey;
        if (ClientId is not null) authData["clientId"] = ClientId;
        if (ClientSecret is not null) authData["clientSecret"] = ClientSecret;
        if (accessToken is not null) authData["accessToken"] = accessToken;
        else if (ApiKey is not null) authData["accessToken"] = ApiKey;
        return authData;
    }

    public JsonObject CustomerDataJson() => new(CustomerData.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value)));
}
