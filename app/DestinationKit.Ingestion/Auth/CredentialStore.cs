using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using DestinationKit.Ingestion.Storage;
using Microsoft.Data.Sqlite;

namespace DestinationKit.Ingestion.Auth;

public sealed record ApiKeyInfo(string KeyId, string Tenant, string? Label, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

public sealed record OAuthClientInfo(string ClientId, string Tenant, string? Label, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

/// <summary>A secret shown once, at creation.</summary>
public sealed record CreatedSecret(string Id, string Tenant, string Secret);

/// <summary>
/// API keys, OAuth clients and the app's token-signing keys, in <c>state.db</c>. Secrets are 256-bit random values
/// stored as SHA-256 hashes and compared in constant time; a key is <c>dk_&lt;keyId&gt;_&lt;secret&gt;</c> so the
/// lookup is by the public key id, never by the secret. The deployment's <see cref="ProvisionedCredentials"/> are
/// checked first and cannot be changed here; a provisioned signing key replaces the local ones.
/// </summary>
public sealed partial class CredentialStore
{
    private readonly string _cs;
    private readonly TimeSpan _cacheTtl;
    private readonly ConcurrentDictionary<string, (ApiKeyRecord? Record, DateTime LoadedAt)> _keyCache = new(StringComparer.Ordinal);
    private readonly Lazy<bool> _schema;
    private readonly ProvisionedCredentials _provisioned;

    private sealed record ApiKeyRecord(string KeyId, string Tenant, byte[] Hash, bool Revoked);

    public CredentialStore(string dataDirectory, TimeSpan cacheTtl, ProvisionedCredentials? provisioned = null)
    {
        _provisioned = provisioned ?? ProvisionedCredentials.None;
        Directory.CreateDirectory(dataDirectory);
        _cs = new SqliteConnectionStringBuilder { DataSource = SqliteStore.StateDatabasePath(dataDirectory), Pooling = true, DefaultTimeout = 30 }.ToString();
        _cacheTtl = cacheTtl;
        _schema = new Lazy<bool>(() =>
        {
            using var conn = new SqliteConnection(_cs);
            conn.Open();
            SqliteStore.EnsureStateSchema(conn);
            SqliteStore.Exec(conn, """
                CREATE TABLE IF NOT EXISTS api_key(
                  key_id TEXT PRIMARY KEY, tenant TEXT NOT NULL, hash BLOB NOT NULL, label TEXT, created_ms INTEGER NOT NULL, revoked_ms INTEGER);
                CREATE TABLE IF NOT EXISTS oauth_client(
                  client_id TEXT PRIMARY KEY, tenant TEXT NOT NULL, hash BLOB NOT NULL, label TEXT, created_ms INTEGER NOT NULL, revoked_ms INTEGER);
                CREATE TABLE IF NOT EXISTS signing_key(
                  kid TEXT PRIMARY KEY, pkcs8 BLOB NOT NULL, created_ms INTEGER NOT NULL);
                """);
            return true;
        });
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,63}$")]
    public static partial Regex TenantPattern();

    public static bool IsValidTenant(string? tenant) => tenant is not null && TenantPattern().IsMatch(tenant);

    // ---------------------------------------------------------------- API keys

    public CreatedSecret CreateApiKey(string tenant, string? label = null)
    {
        if (!IsValidTenant(tenant))
        {
            throw new ArgumentException("A tenant id is 1-64 characters of a-z, 0-9, '-' and '_', starting with a letter or digit.", nameof(tenant));
        }
        var keyId = RandomId(12);
        var secret = Base64Url(RandomNumberGenerator.GetBytes(32));
        Execute("INSERT INTO api_key(key_id, tenant, hash, label, created_ms) VALUES ($id, $t, $h, $l, $now)",
            ("$id", keyId), ("$t", tenant), ("$h", Hash(secret)), ("$l", label), ("$now", NowMs()));
        return new CreatedSecret(keyId, tenant, $"dk_{keyId}_{secret}");
    }

    public IReadOnlyList<ApiKeyInfo> ListApiKeys(string tenant) =>
        Query("SELECT key_id, tenant, label, created_ms, revoked_ms FROM api_key WHERE tenant = $t ORDER BY created_ms, key_id",
            r => new ApiKeyInfo(r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2),
                DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(3)), r.IsDBNull(4) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(4))),
            ("$t", tenant));

    /// <summary>Revokes a key of the tenant; false when the tenant has no such key.</summary>
    public bool RevokeApiKey(string tenant, string keyId)
    {
        var n = Execute("UPDATE api_key SET revoked_ms = coalesce(revoked_ms, $now) WHERE tenant = $t AND key_id = $id",
            ("$now", NowMs()), ("$t", tenant), ("$id", keyId));
        _keyCache.TryRemove(keyId, out _);
        return n > 0;
    }

    /// <summary>The tenant and key id of a valid API key, or null.</summary>
    public (string Tenant, string KeyId)? ValidateApiKey(string presented)
    {
        if (_provisioned.ValidateApiKey(presented) is { } provisioned)
        {
            return provisioned;
        }
        // dk_<12 chars>_<43 chars>
        if (presented.Length != 59 || !presented.StartsWith("dk_", StringComparison.Ordinal) || presented[15] != '_')
        {
            return null;
        }
        var keyId = presented.Substring(3, 12);
        var hash = Hash(presented.AsSpan(16));
        var record = LookupKey(keyId);
        // Compare even when the key is unknown so that timing says nothing about which ids exist.
        var expected = record?.Hash ?? new byte[32];
        var match = CryptographicOperations.FixedTimeEquals(hash, expected);
        return match && record is { Revoked: false } ? (record.Tenant, record.KeyId) : null;
    }

    private ApiKeyRecord? LookupKey(string keyId)
    {
        if (_keyCache.TryGetValue(keyId, out var cached) && DateTime.UtcNow - cached.LoadedAt < _cacheTtl)
        {
            return cached.Record;
        }
        var rows = Query("SELECT key_id, tenant, hash, revoked_ms FROM api_key WHERE key_id = $id",
            r => new ApiKeyRecord(r.GetString(0), r.GetString(1), r.GetFieldValue<byte[]>(2), !r.IsDBNull(3)), ("$id", keyId));
        var record = rows.Count == 1 ? rows[0] : null;
        if (_keyCache.Count > 100_000)
        {
            _keyCache.Clear();
        }
        _keyCache[keyId] = (record, DateTime.UtcNow);
        return record;
    }

    // ---------------------------------------------------------------- OAuth clients

    public CreatedSecret CreateClient(string tenant, string? label = null)
    {
        if (!IsValidTenant(tenant))
        {
            throw new ArgumentException("A tenant id is 1-64 characters of a-z, 0-9, '-' and '_', starting with a letter or digit.", nameof(tenant));
        }
        var clientId = "dkc_" + RandomId(16);
        var secret = Base64Url(RandomNumberGenerator.GetBytes(32));
        Execute("INSERT INTO oauth_client(client_id, tenant, hash, label, created_ms) VALUES ($id, $t, $h, $l, $now)",
            ("$id", clientId), ("$t", tenant), ("$h", Hash(secret)), ("$l", label), ("$now", NowMs()));
        return new CreatedSecret(clientId, tenant, secret);
    }

    public IReadOnlyList<OAuthClientInfo> ListClients(string tenant) =>
        Query("SELECT client_id, tenant, label, created_ms, revoked_ms FROM oauth_client WHERE tenant = $t ORDER BY created_ms, client_id",
            r => new OAuthClientInfo(r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2),
                DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(3)), r.IsDBNull(4) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(4))),
            ("$t", tenant));

    public bool RevokeClient(string tenant, string clientId) =>
        Execute("UPDATE oauth_client SET revoked_ms = coalesce(revoked_ms, $now) WHERE tenant = $t AND client_id = $id",
            ("$now", NowMs()), ("$t", tenant), ("$id", clientId)) > 0;

    /// <summary>The tenant of a valid, unrevoked client, or null.</summary>
    public string? ValidateClient(string clientId, string secret)
    {
        if (_provisioned.HasClient(clientId))
        {
            return _provisioned.ValidateClient(clientId, secret);
        }
        var rows = Query("SELECT tenant, hash, revoked_ms FROM oauth_client WHERE client_id = $id",
            r => (Tenant: r.GetString(0), Hash: r.GetFieldValue<byte[]>(1), Revoked: !r.IsDBNull(2)), ("$id", clientId));
        var expected = rows.Count == 1 ? rows[0].Hash : new byte[32];
        var match = CryptographicOperations.FixedTimeEquals(Hash(secret), expected);
        return match && rows.Count == 1 && !rows[0].Revoked ? rows[0].Tenant : null;
    }

    /// <summary>The tenant of a client of the external issuer (provisioned without a secret), or null.</summary>
    public string? TenantOfExternalClient(string clientId) => _provisioned.TenantOfExternalClient(clientId);

    // ---------------------------------------------------------------- signing keys

    /// <summary>All signing keys (newest first), creating an RSA 2048 key on first use. Private keys never leave the data
    /// folder. With a provisioned signing key, only that one: every instance then issues and accepts the same tokens.</summary>
    public IReadOnlyList<(string Kid, byte[] Pkcs8)> GetOrCreateSigningKeys()
    {
        if (_provisioned.SigningKey is { } provisioned)
        {
            return [provisioned];
        }
        var keys = Query("SELECT kid, pkcs8 FROM signing_key ORDER BY created_ms DESC", r => (r.GetString(0), r.GetFieldValue<byte[]>(1)));
        if (keys.Count > 0)
        {
            return keys;
        }
        using var rsa = RSA.Create(2048);
        var pkcs8 = rsa.ExportPkcs8PrivateKey();
        var kid = Base64Url(SHA256.HashData(rsa.ExportSubjectPublicKeyInfo()).AsSpan(0, 12).ToArray());
        Execute("INSERT OR IGNORE INTO signing_key(kid, pkcs8, created_ms) VALUES ($k, $p, $now)", ("$k", kid), ("$p", pkcs8), ("$now", NowMs()));
        return Query("SELECT kid, pkcs8 FROM signing_key ORDER BY created_ms DESC", r => (r.GetString(0), r.GetFieldValue<byte[]>(1)));
    }

    // ---------------------------------------------------------------- helpers

    internal static byte[] Hash(ReadOnlySpan<char> secret)
    {
        Span<byte> utf8 = stackalloc byte[Encoding.UTF8.GetMaxByteCount(Math.Min(secret.Length, 256))];
        if (secret.Length > 256)
        {
            return SHA256.HashData(Encoding.UTF8.GetBytes(secret.ToArray()));
        }
        var n = Encoding.UTF8.GetBytes(secret, utf8);
        return SHA256.HashData(utf8[..n]);
    }

    private static string RandomId(int length)
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyz234567";
        return RandomNumberGenerator.GetString(alphabet, length);
    }

    internal static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static long NowMs() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    private SqliteConnection OpenConnection()
    {
        _ = _schema.Value;
        var conn = new SqliteConnection(_cs);
        conn.Open();
        SqliteStore.Exec(conn, "PRAGMA synchronous=FULL");
        return conn;
    }

    private int Execute(string sql, params (string Name, object? Value)[] parameters)
    {
        try
        {
            using var conn = OpenConnection();
            using var cmd = conn.CreateCommand();
            cmd.CommandText = sql;
            foreach (var (name, value) in parameters)
            {
                cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
            }
            return cmd.ExecuteNonQuery();
        }
        catch (SqliteException ex)
        {
            throw new StoreUnavailableException("The credential store is unavailable.", ex);
        }
    }

    private List<T> Query<T>(string sql, Func<SqliteDataReader, T> map, params (string Name, object? Value)[] parameters)
    {
        try
        {
            using var conn = OpenConnection();
            using var cmd = conn.CreateCommand();
            cmd.CommandText = sql;
            foreach (var (name, value) in parameters)
            {
                cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
            }
            using var r = cmd.ExecuteReader();
            var list = new List<T>();
            while (r.Read())
            {
                list.Add(map(r));
            }
            return list;
        }
        catch (SqliteException ex)
        {
            throw new StoreUnavailableException("The credential store is unavailable.", ex);
        }
    }
}
