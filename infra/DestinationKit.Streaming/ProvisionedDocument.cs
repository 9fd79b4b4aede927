using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace DestinationKit.Streaming;

/// <summary>One tenant's entry of the provisioned-credentials document, the handed-out credential first, and the
/// tenant's client of the external issuer (listed without a secret).</summary>
internal sealed record ProvisionedTenant(string Id, IReadOnlyList<string> ApiKeys, string? ClientId, IReadOnlyList<string> ClientSecrets,
    string? ExternalClientId = null);

/// <summary>The document the app reads from <c>Auth__Provisioned__Json</c> or an SSM parameter (version 1;
/// docs/app.md, "Provisioned credentials"). Tenants in ordinal order, both lists always present.</summary>
internal static class ProvisionedDocument
{
    public const int Version = 1;

    public static string Serialize(IEnumerable<ProvisionedTenant> tenants, string signingKeyPem)
    {
        using var buffer = new MemoryStream();
        // Not embedded in HTML: PEM's '+' stays readable instead of \u002B.
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteNumber("version", Version);
            json.WriteStartObject("tenants");
            foreach (var tenant in tenants.OrderBy(t => t.Id, StringComparer.Ordinal))
            {
                json.WriteStartObject(tenant.Id);
                json.WriteStartArray("apiKeys");
                foreach (var key in tenant.ApiKeys) json.WriteStringValue(key);
                json.WriteEndArray();
                json.WriteStartArray("oauthClients");
                foreach (var secret in tenant.ClientSecrets)
                {
                    json.WriteStartObject();
                    json.WriteString("clientId", tenant.ClientId);
                    json.WriteString("clientSecret", secret);
                    json.WriteEndObject();
                }
                if (tenant.ExternalClientId is { } external)
                {
                    json.WriteStartObject();
                    json.WriteString("clientId", external);
                    json.WriteEndObject();
                }
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndObject();
            json.WriteStartObject("signingKey");
            json.WriteString("privateKeyPem", signingKeyPem);
            json.WriteEndObject();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>The <c>kid</c> the app gives the signing key: base64url (no padding) of the SHA-256 of the public key's
    /// DER SubjectPublicKeyInfo, which is what a PEM <c>PUBLIC KEY</c> block holds.</summary>
    public static string KeyId(string publicKeyPem)
    {
        using var rsa = RSA.Create();
        rsa.ImportFromPem(publicKeyPem);
        return Convert.ToBase64String(SHA256.HashData(rsa.ExportSubjectPublicKeyInfo())).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }
}
