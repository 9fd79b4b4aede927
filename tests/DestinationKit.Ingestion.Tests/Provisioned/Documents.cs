using System.Security.Cryptography;
using System.Text.Json;

namespace DestinationKit.Ingestion.Tests.Provisioned;

/// <summary>Provisioned-credentials documents (version 1) as a deployment writes them (docs/app.md), with fresh secrets.</summary>
internal static class Documents
{
    public static string NewApiKey() => "dkp_" + RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 48);

    public static string NewSecret() => RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 48);

    public static string NewSigningKeyPem(int bits = 2048)
    {
        using var rsa = RSA.Create(bits);
        return rsa.ExportPkcs8PrivateKeyPem();
    }

    /// <summary>The kid of a key: base64url SHA-256 of its SubjectPublicKeyInfo.</summary>
    public static string KeyId(string privateKeyPem)
    {
        using var rsa = RSA.Create();
        rsa.ImportFromPem(privateKeyPem);
        return Convert.ToBase64String(SHA256.HashData(rsa.ExportSubjectPublicKeyInfo())).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>A tenant's API keys, the app's clients with their secrets, and the clients of the external issuer
    /// (an Amazon Cognito app client), listed without a secret.</summary>
    public sealed record TenantEntry(string[] ApiKeys, (string ClientId, string Secret)[] Clients, string[]? ExternalClients = null);

    public static string Build(IReadOnlyDictionary<string, TenantEntry> tenants, string? signingKeyPem) =>
        JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["version"] = 1,
            ["tenants"] = tenants.ToDictionary(t => t.Key, t => new
            {
                apiKeys = t.Value.ApiKeys,
                oauthClients = t.Value.Clients.Select(c => (object)new { clientId = c.ClientId, clientSecret = c.Secret })
                    .Concat((t.Value.ExternalClients ?? []).Select(id => new { clientId = id })),
            }),
            ["signingKey"] = signingKeyPem is null ? null : new { privateKeyPem = signingKeyPem },
        });
}
