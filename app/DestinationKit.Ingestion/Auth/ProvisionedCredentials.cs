using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using DestinationKit.Ingestion.Infrastructure;

namespace DestinationKit.Ingestion.Auth;

/// <summary>The provisioned-credentials document is unusable; the message names each field and what is wrong with it,
/// never a secret.</summary>
public sealed class ProvisionedCredentialsException(string message) : SettingsException(message);

/// <summary>
/// Credentials the deployment gives the app (docs/app.md, "Provisioned credentials"): per tenant API keys and OAuth
/// clients, and the token-signing key, from a JSON document (version 1) that every instance reads at startup. They
/// are read-only and work alongside the <see cref="CredentialStore"/>. Secrets are kept only as SHA-256 hashes; a
/// presented secret is compared with every hash of its kind in constant time (a deployment has a few hundred at most).
/// A client listed without a secret is a client of the external issuer (an Amazon Cognito app client): the app issues
/// it nothing, and maps the client id in that issuer's tokens to the client's tenant.
/// </summary>
public sealed partial class ProvisionedCredentials
{
    public const int Version = 1;
    public const int MinSecretLength = 32;
    public const int MaxSecretLength = 128;
    public const int MinSigningKeyBits = 2048;

    private readonly IReadOnlyList<(byte[] Hash, string Tenant, string KeyId)> _apiKeys;
    private readonly IReadOnlyDictionary<string, (string Tenant, IReadOnlyList<byte[]> Hashes)> _clients;
    private readonly IReadOnlyDictionary<string, string> _externalClients;

    private ProvisionedCredentials(IReadOnlyList<(byte[], string, string)> apiKeys,
        IReadOnlyDictionary<string, (string, IReadOnlyList<byte[]>)> clients, IReadOnlyDictionary<string, string> externalClients,
        (string Kid, byte[] Pkcs8)? signingKey)
    {
        _apiKeys = apiKeys;
        _clients = clients;
        _externalClients = externalClients;
        SigningKey = signingKey;
    }

    public static ProvisionedCredentials None { get; } =
        new([], new Dictionary<string, (string, IReadOnlyList<byte[]>)>(), new Dictionary<string, string>(), null);

    /// <summary>The token-signing key, with its kid (base64url SHA-256 of its SubjectPublicKeyInfo); null when the
    /// document has none (the app then uses its own key from the data folder).</summary>
    public (string Kid, byte[] Pkcs8)? SigningKey { get; }

    public int ApiKeyCount => _apiKeys.Count;

    public int ClientCount => _clients.Count;

    public int ExternalClientCount => _externalClients.Count;

    /// <summary>The tenant and a non-secret id of a provisioned API key, or null.</summary>
    public (string Tenant, string KeyId)? ValidateApiKey(string presented)
    {
        var hash = CredentialStore.Hash(presented);
        (string Tenant, string KeyId)? found = null;
        foreach (var (expected, tenant, keyId) in _apiKeys)
        {
            if (CryptographicOperations.FixedTimeEquals(hash, expected)) found = (tenant, keyId);
        }
        return found;
    }

    public bool HasClient(string clientId) => _clients.ContainsKey(clientId);

    /// <summary>The tenant of a provisioned client whose secret is one of its secrets, or null.</summary>
    public string? ValidateClient(string clientId, string secret)
    {
        if (!_clients.TryGetValue(clientId, out var client)) return null;
        var hash = CredentialStore.Hash(secret);
        var match = false;
        foreach (var expected in client.Hashes) match |= CryptographicOperations.FixedTimeEquals(hash, expected);
        return match ? client.Tenant : null;
    }

    /// <summary>The tenant of a client of the external issuer (listed without a secret), or null.</summary>
    public string? TenantOfExternalClient(string clientId) => _externalClients.GetValueOrDefault(clientId);

    /// <summary>Reads a version 1 document; every problem is reported at once, under <paramref name="source"/>.</summary>
    public static ProvisionedCredentials Parse(string json, string source)
    {
        var errors = new List<string>();
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            // The message of a JsonException quotes the text it stopped at, which may be a secret: give the position only.
            throw Invalid(source, [$"is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1})"]);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw Invalid(source, [$"is a JSON {Kind(root)}; expected an object with version, tenants and signingKey"]);
            UnknownFields(root, "", ["version", "tenants", "signingKey"], errors);

            if (!root.TryGetProperty("version", out var version)) errors.Add("version: is required (1)");
            else if (version.ValueKind != JsonValueKind.Number || !version.TryGetInt32(out var v) || v != Version)
                errors.Add($"version: got {(version.ValueKind == JsonValueKind.Number ? version.GetRawText() : "a JSON " + Kind(version))}; this app reads version {Version}");

            var apiKeys = new List<(byte[], string, string)>();
            var clients = new Dictionary<string, (string, IReadOnlyList<byte[]>)>(StringComparer.Ordinal);
            var externalClients = new Dictionary<string, string>(StringComparer.Ordinal);
            if (!root.TryGetProperty("tenants", out var tenants)) errors.Add("tenants: is required (an object of tenant id → credentials)");
            else if (tenants.ValueKind != JsonValueKind.Object) errors.Add($"tenants: is a JSON {Kind(tenants)}; expected an object of tenant id → credentials");
            else ReadTenants(tenants, apiKeys, clients, externalClients, errors);

            var signingKey = root.TryGetProperty("signingKey", out var key) && key.ValueKind != JsonValueKind.Null ? ReadSigningKey(key, errors) : null;
            if (errors.Count > 0) throw Invalid(source, errors);
            return new ProvisionedCredentials(apiKeys, clients, externalClients, signingKey);
        }
    }

    private static void ReadTenants(JsonElement tenants, List<(byte[], string, string)> apiKeys,
        Dictionary<string, (string, IReadOnlyList<byte[]>)> clients, Dictionary<string, string> externalClients, List<string> errors)
    {
        var keyPaths = new Dictionary<string, string>(StringComparer.Ordinal); // hash → where the key was first seen
        var clientTenants = new Dictionary<string, string>(StringComparer.Ordinal);
        var clientKinds = new Dictionary<string, (bool HasSecret, string Path)>(StringComparer.Ordinal); // where each client was first seen
        var position = 0;
        foreach (var tenant in tenants.EnumerateObject())
        {
            var path = $"tenants.{tenant.Name}";
            position++;
            if (!CredentialStore.IsValidTenant(tenant.Name))
            {
                // Not repeated: a malformed document may have anything, a secret too, where the tenant id belongs.
                errors.Add($"tenants: the id of tenant {position} is not a valid tenant id (1-64 characters of a-z, 0-9, '-' and '_', starting with a letter or digit)");
                continue;
            }
            if (tenant.Value.ValueKind != JsonValueKind.Object)
            {
                errors.Add($"{path}: is a JSON {Kind(tenant.Value)}; expected an object with apiKeys and oauthClients");
                continue;
            }
            UnknownFields(tenant.Value, path + ".", ["apiKeys", "oauthClients"], errors);
            var index = 0;
            foreach (var item in Array(tenant.Value, path, "apiKeys", errors))
            {
                var itemPath = $"{path}.apiKeys[{index++}]";
                if (Secret(item, itemPath, "an API key", errors) is not { } key) continue;
                if (key.Count(c => c == '.') == 2)
                {
                    errors.Add($"{itemPath}: has the shape of a JWT (three dot-separated parts), which the app would check as a token; use a key without dots");
                    continue;
                }
                var hash = CredentialStore.Hash(key);
                var id = Convert.ToHexString(hash);
                if (keyPaths.TryGetValue(id, out var first))
                {
                    errors.Add($"{itemPath}: is the same key as {first}; a key names one tenant");
                    continue;
                }
                keyPaths[id] = itemPath;
                apiKeys.Add((hash, tenant.Name, "provisioned-" + CredentialStore.Base64Url(hash)[..10]));
            }
            index = 0;
            var secretsByClient = new Dictionary<string, List<byte[]>>(StringComparer.Ordinal);
            foreach (var item in Array(tenant.Value, path, "oauthClients", errors))
            {
                var itemPath = $"{path}.oauthClients[{index++}]";
                if (item.ValueKind != JsonValueKind.Object)
                {
                    errors.Add($"{itemPath}: is a JSON {Kind(item)}; expected an object with clientId and, for a client of the app, clientSecret");
                    continue;
                }
                UnknownFields(item, itemPath + ".", ["clientId", "clientSecret"], errors);
                var clientId = ClientId(item, itemPath, errors);
                // Without a secret: a client of the external issuer, which the app only maps to its tenant.
                var hasSecret = item.TryGetProperty("clientSecret", out var s);
                var secret = hasSecret ? Secret(s, itemPath + ".clientSecret", "a client secret", errors) : null;
                if (clientId is null || (hasSecret && secret is null)) continue;
                if (clientTenants.TryGetValue(clientId, out var owner) && owner != tenant.Name)
                {
                    errors.Add($"{itemPath}.clientId: \"{clientId}\" is already a client of tenant {owner}; a client id names one tenant");
                    continue;
                }
                if (clientKinds.TryGetValue(clientId, out var first) && first.HasSecret != hasSecret)
                {
                    errors.Add($"{itemPath}: \"{clientId}\" is listed {(hasSecret ? "without" : "with")} a clientSecret at {first.Path}; "
                        + "a client has secrets (the app issues its tokens) or none (an external issuer does), not both");
                    continue;
                }
                clientTenants[clientId] = tenant.Name;
                clientKinds.TryAdd(clientId, (hasSecret, itemPath));
                if (secret is null) externalClients[clientId] = tenant.Name;
                else (secretsByClient.TryGetValue(clientId, out var list) ? list : secretsByClient[clientId] = []).Add(CredentialStore.Hash(secret));
            }
            foreach (var (clientId, hashes) in secretsByClient) clients[clientId] = (tenant.Name, hashes);
        }
    }

    private static (string Kid, byte[] Pkcs8)? ReadSigningKey(JsonElement key, List<string> errors)
    {
        if (key.ValueKind != JsonValueKind.Object)
        {
            errors.Add($"signingKey: is a JSON {Kind(key)}; expected an object with privateKeyPem");
            return null;
        }
        UnknownFields(key, "signingKey.", ["privateKeyPem"], errors);
        if (!key.TryGetProperty("privateKeyPem", out var pem) || pem.ValueKind != JsonValueKind.String)
        {
            errors.Add("signingKey.privateKeyPem: is required: a PEM RSA private key (PKCS#8 \"PRIVATE KEY\" or PKCS#1 \"RSA PRIVATE KEY\")");
            return null;
        }
        using var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(pem.GetString());
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            errors.Add("signingKey.privateKeyPem: is not a PEM RSA private key (PKCS#8 \"PRIVATE KEY\" or PKCS#1 \"RSA PRIVATE KEY\")");
            return null;
        }
        try
        {
            // ImportFromPem also takes a public key; signing needs the private half.
            var pkcs8 = rsa.ExportPkcs8PrivateKey();
            if (rsa.KeySize < MinSigningKeyBits)
            {
                errors.Add($"signingKey.privateKeyPem: is a {rsa.KeySize}-bit RSA key; at least {MinSigningKeyBits} bits are required");
                return null;
            }
            return (CredentialStore.Base64Url(SHA256.HashData(rsa.ExportSubjectPublicKeyInfo())), pkcs8);
        }
        catch (CryptographicException)
        {
            errors.Add("signingKey.privateKeyPem: holds a public key; the private key is required");
            return null;
        }
    }

    private static IEnumerable<JsonElement> Array(JsonElement obj, string path, string field, List<string> errors)
    {
        if (!obj.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null) return [];
        if (value.ValueKind == JsonValueKind.Array) return value.EnumerateArray().ToList();
        errors.Add($"{path}.{field}: is a JSON {Kind(value)}; expected a list");
        return [];
    }

    /// <summary>A secret's problems are described by kind and length, never by content.</summary>
    private static string? Secret(JsonElement value, string path, string what, List<string> errors)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            errors.Add($"{path}: is a JSON {Kind(value)}; expected {what} as a string");
            return null;
        }
        var secret = value.GetString()!;
        if (secret.Length is < MinSecretLength or > MaxSecretLength)
        {
            errors.Add($"{path}: is {secret.Length} characters long; {what} has {MinSecretLength} to {MaxSecretLength}");
            return null;
        }
        if (!SecretPattern().IsMatch(secret))
        {
            errors.Add($"{path}: contains characters other than letters, digits and - . _ ~ + / = (value not shown: it is a secret)");
            return null;
        }
        return secret;
    }

    private static string? ClientId(JsonElement client, string path, List<string> errors)
    {
        if (!client.TryGetProperty("clientId", out var value)) return Missing(path + ".clientId", errors);
        var id = value.ValueKind == JsonValueKind.String ? value.GetString()! : null;
        if (id is not null && ClientIdPattern().IsMatch(id)) return id;
        errors.Add($"{path}.clientId: {(id is null ? $"is a JSON {Kind(value)}" : "is not a valid client id")}; a client id is 1-128 characters of letters, digits and - . _ ~");
        return null;
    }

    private static string? Missing(string path, List<string> errors)
    {
        errors.Add($"{path}: is required");
        return null;
    }

    private static void UnknownFields(JsonElement obj, string prefix, string[] known, List<string> errors)
    {
        foreach (var property in obj.EnumerateObject().Where(p => !known.Contains(p.Name, StringComparer.Ordinal)))
        {
            // A name that does not look like a field name is not repeated (it could be a misplaced secret).
            var shown = FieldNamePattern().IsMatch(property.Name) ? $"{prefix}{property.Name}: is" : $"{(prefix.Length == 0 ? "the document" : prefix.TrimEnd('.'))}: has a field that is";
            errors.Add($"{shown} not a known field; version {Version} has {string.Join(", ", known)}");
        }
    }

    private static string Kind(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.True or JsonValueKind.False => "boolean",
        var kind => kind.ToString().ToLowerInvariant(),
    };

    private static ProvisionedCredentialsException Invalid(string source, IReadOnlyList<string> errors)
    {
        var text = new StringBuilder($"The provisioned credentials ({source}) cannot be used: ");
        text.Append(errors.Count == 1 ? errors[0] : $"{errors.Count} problems:{Environment.NewLine}  - {string.Join($"{Environment.NewLine}  - ", errors)}");
        return new ProvisionedCredentialsException(text.ToString());
    }

    // RFC 6750 token68 characters without the dots' special meaning checked separately.
    [GeneratedRegex(@"^[A-Za-z0-9\-._~+/=]+$")]
    private static partial Regex SecretPattern();

    [GeneratedRegex(@"^[A-Za-z0-9\-._~]{1,128}$")]
    private static partial Regex ClientIdPattern();

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_]{0,31}$")]
    private static partial Regex FieldNamePattern();
}
