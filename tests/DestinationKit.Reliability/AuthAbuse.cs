using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace DestinationKit.Reliability;

public sealed record AuthAbuseOptions
{
    /// <summary>Wrong API keys sent from one client address.</summary>
    public int Guesses { get; init; } = 60;

    /// <summary>The app's <c>Auth:FailedAuthLimit</c> and <c>Auth:FailedAuthWindowSeconds</c> for the run.</summary>
    public int FailedAuthLimit { get; init; } = 20;

    public int FailedAuthWindowSeconds { get; init; } = 5;
}

public sealed record AuthAbuseResult(int ForgedTokens, int ForgedAccepted, int IsolationChecks, int IsolationBreaches, int Guesses, int Guesses401,
    int Guesses429, int GuessesAccepted, bool MissingRetryAfter, bool ValidKeyLockedOut, bool OtherClientLockedOut, bool RecoveredAfterWindow,
    int TokenGuesses429, bool ValidClientLockedOut, IReadOnlyList<string> Problems)
{
    public bool Passed => ForgedAccepted == 0 && IsolationBreaches == 0 && GuessesAccepted == 0 && Guesses429 > 0 && !MissingRetryAfter
        && !ValidKeyLockedOut && !OtherClientLockedOut && RecoveredAfterWindow && TokenGuesses429 > 0 && !ValidClientLockedOut && Problems.Count == 0;

    public string Summary => string.Create(CultureInfo.InvariantCulture,
        $"AUTH forged_tokens={ForgedTokens} forged_accepted={ForgedAccepted} isolation_checks={IsolationChecks} isolation_breaches={IsolationBreaches} "
        + $"key_guesses={Guesses} answered_401={Guesses401} answered_429={Guesses429} guesses_accepted={GuessesAccepted} "
        + $"valid_key_locked_out={(ValidKeyLockedOut ? "yes" : "no")} other_client_locked_out={(OtherClientLockedOut ? "yes" : "no")} "
        + $"401_again_after_window={(RecoveredAfterWindow ? "yes" : "no")} token_guesses_429={TokenGuesses429} "
        + $"valid_client_locked_out={(ValidClientLockedOut ? "yes" : "no")} {(Passed ? "PASS" : "FAIL")}");
}

/// <summary>
/// Abuse of the app's authentication, against the running app: forged JWTs (alg none, HS256 keyed with the RSA public
/// key, another key, expired, not yet valid, wrong audience or issuer, tampered, foreign key headers) must answer 401;
/// a tenant's valid token or key reads and writes only that tenant; wrong API keys and client secrets from one client
/// address are answered 429 with Retry-After past the limit, while a valid key or secret from that same address, and
/// wrong keys from other addresses, are served as before, and the limit lifts after its window.
/// </summary>
public sealed class AuthAbuse(AuthAbuseOptions options, TextWriter log)
{
    private readonly List<string> _problems = [];

    public async Task<AuthAbuseResult> RunAsync()
    {
        var data = Directory.CreateTempSubdirectory("dk-auth-").FullName;
        var app = new AppProcess(data, new Dictionary<string, string>
        {
            ["Auth:FailedAuthLimit"] = options.FailedAuthLimit.ToString(CultureInfo.InvariantCulture),
            ["Auth:FailedAuthWindowSeconds"] = options.FailedAuthWindowSeconds.ToString(CultureInfo.InvariantCulture),
        });
        try
        {
            await app.StartAsync();
            var keyA = await app.CreateApiKeyAsync("tenant-a");
            var keyB = await app.CreateApiKeyAsync("tenant-b");
            var (clientA, secretA) = await app.CreateClientAsync("tenant-a");

            var (forged, forgedAccepted) = await ForgedTokensAsync(app, data);
            var (checks, breaches) = await IsolationAsync(app, keyA, keyB, clientA, secretA);
            var guessing = await KeyGuessingAsync(app, keyA);
            var (tokenGuesses429, clientLockedOut) = await SecretGuessingAsync(app, clientA, secretA);
            var result = new AuthAbuseResult(forged, forgedAccepted, checks, breaches, options.Guesses, guessing.Answered401, guessing.Answered429,
                guessing.Accepted, guessing.MissingRetryAfter, guessing.ValidLockedOut, guessing.OtherLockedOut, guessing.Recovered, tokenGuesses429,
                clientLockedOut, _problems);
            log.WriteLine(result.Summary);
            return result;
        }
        finally
        {
            await app.DisposeAsync();
            SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(data, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static readonly string Body = Bodies.Request([Bodies.Profile("e", "auth", "auth", Bodies.Epoch)]);

    /// <summary>A client whose connections come from <paramref name="address"/> (any 127.x.y.z is this machine): a client of its own to the app.</summary>
    private static HttpClient ClientFrom(AppProcess app, string address, string? bearer = null)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(IPAddress.Parse(address), 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        var client = new HttpClient(handler) { BaseAddress = app.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        if (bearer is not null)
        {
            client.DefaultRequestHeaders.Authorization = new("Bearer", bearer);
        }
        return client;
    }

    private static async Task<(HttpStatusCode Status, string Body, TimeSpan? RetryAfter)> PostAsync(HttpClient client, string? bearer)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/profiles") { Content = Bodies.Json(Body) };
        if (bearer is not null)
        {
            request.Headers.Authorization = new("Bearer", bearer);
        }
        using var response = await client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response.Headers.RetryAfter?.Delta);
    }

    private async Task<(int Tried, int Accepted)> ForgedTokensAsync(AppProcess app, string data)
    {
        using var client = ClientFrom(app, "127.0.0.2");
        using var discovery = JsonDocument.Parse(await client.GetStringAsync(new Uri("/.well-known/jwks.json", UriKind.Relative)));
        var jwk = discovery.RootElement.GetProperty("keys")[0];
        var kid = jwk.GetProperty("kid").GetString()!;
        using var rsa = RSA.Create();
        rsa.ImportParameters(new RSAParameters { Modulus = Base64UrlEncoder.DecodeBytes(jwk.GetProperty("n").GetString()), Exponent = Base64UrlEncoder.DecodeBytes(jwk.GetProperty("e").GetString()) });
        using var appKey = RSA.Create();
        appKey.ImportPkcs8PrivateKey(SigningKey(data, kid), out _);
        using var otherKey = RSA.Create(2048);

        const string issuer = "urn:destinationkit:ingestion", audience = "destinationkit-ingestion";
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var claims = new Dictionary<string, object> { ["iss"] = issuer, ["aud"] = audience, ["tenant"] = "tenant-a", ["sub"] = "forger", ["iat"] = now, ["nbf"] = now, ["exp"] = now + 3600 };
        string Signed(RSA key, string keyId, Action<Dictionary<string, object>>? change = null, string algorithm = SecurityAlgorithms.RsaSha256)
        {
            var payload = new Dictionary<string, object>(claims);
            change?.Invoke(payload);
            return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(JsonSerializer.Serialize(payload),
                new SigningCredentials(new RsaSecurityKey(key) { KeyId = keyId }, algorithm));
        }
        string Unsigned(object header, Dictionary<string, object> payload, byte[]? hmacKey)
        {
            var head = B64(JsonSerializer.SerializeToUtf8Bytes(header)) + "." + B64(JsonSerializer.SerializeToUtf8Bytes(payload));
            return hmacKey is null ? head + "." : head + "." + B64(HMACSHA256.HashData(hmacKey, Encoding.ASCII.GetBytes(head)));
        }
        var valid = Signed(appKey, kid);
        var parts = valid.Split('.');
        var forgedTenant = new Dictionary<string, object>(claims) { ["tenant"] = "tenant-b" };
        var publicKeys = new Dictionary<string, byte[]>
        {
            ["SubjectPublicKeyInfo DER"] = rsa.ExportSubjectPublicKeyInfo(),
            ["PKCS#1 DER"] = rsa.ExportRSAPublicKey(),
            ["PEM"] = Encoding.ASCII.GetBytes(rsa.ExportSubjectPublicKeyInfoPem()),
            ["PEM with a newline"] = Encoding.ASCII.GetBytes(rsa.ExportSubjectPublicKeyInfoPem() + "\n"),
            ["PKCS#1 PEM"] = Encoding.ASCII.GetBytes(rsa.ExportRSAPublicKeyPem()),
            ["JWK JSON"] = Encoding.UTF8.GetBytes(jwk.GetRawText()),
            ["modulus"] = Base64UrlEncoder.DecodeBytes(jwk.GetProperty("n").GetString()),
        };
        var forgeries = new List<(string Name, string Token)>
        {
            ("alg none", Unsigned(new { alg = "none", typ = "JWT" }, claims, null)),
            ("alg None", Unsigned(new { alg = "None", typ = "JWT" }, claims, null)),
            ("alg NONE with a kid", Unsigned(new { alg = "NONE", kid }, claims, null)),
            ("alg none, signature kept", Unsigned(new { alg = "none" }, claims, null) + parts[2]),
            ("wrong key, the app's kid", Signed(otherKey, kid)),
            ("wrong key, no kid", Signed(otherKey, null!)),
            ("expired an hour ago", Signed(appKey, kid, c => { c["exp"] = now - 3600; c["nbf"] = now - 7200; c["iat"] = now - 7200; })),
            ("not valid for an hour", Signed(appKey, kid, c => { c["nbf"] = now + 3600; c["exp"] = now + 7200; })),
            ("no expiry", Signed(appKey, kid, c => c.Remove("exp"))),
            ("wrong audience", Signed(appKey, kid, c => c["aud"] = "someone-else")),
            ("wrong issuer", Signed(appKey, kid, c => c["iss"] = "https://evil.example")),
            ("no tenant", Signed(appKey, kid, c => c.Remove("tenant"))),
            ("tenant not a string", Signed(appKey, kid, c => c["tenant"] = new[] { "tenant-a", "tenant-b" })),
            ("tenant not a valid id", Signed(appKey, kid, c => c["tenant"] = "../tenant-b")),
            ("payload swapped for another tenant's", parts[0] + "." + B64(JsonSerializer.SerializeToUtf8Bytes(forgedTenant)) + "." + parts[2]),
            ("signature of another token", Signed(appKey, kid, c => c["sub"] = "x").Split('.')[0] + "." + parts[1] + "." + Signed(appKey, kid, c => c["sub"] = "x").Split('.')[2]),
            ("signature cut", parts[0] + "." + parts[1] + "." + parts[2][..^4]),
            ("signature empty", parts[0] + "." + parts[1] + "."),
            ("RS384 with the app's key", Signed(appKey, kid, algorithm: SecurityAlgorithms.RsaSha384)),
            ("PS256 with the app's key", Signed(appKey, kid, algorithm: SecurityAlgorithms.RsaSsaPssSha256)),
            ("jku pointing elsewhere, signed with another key", UnsignedRs(new { alg = "RS256", kid = "evil", jku = "https://evil.example/jwks.json" }, claims, otherKey)),
            ("x5u pointing elsewhere", UnsignedRs(new { alg = "RS256", x5u = "https://evil.example/cert.pem" }, claims, otherKey)),
            ("embedded jwk of another key", UnsignedRs(new { alg = "RS256", jwk = new { kty = "RSA", n = B64(otherKey.ExportParameters(false).Modulus!), e = "AQAB" } }, claims, otherKey)),
            ("kid path traversal", UnsignedRs(new { alg = "RS256", kid = "../../../../dev/null" }, claims, otherKey)),
            ("crit header", UnsignedRs(new { alg = "RS256", kid, crit = new[] { "exp" } }, claims, otherKey)),
            ("five parts (JWE-like)", valid + ".x.y"),
        };
        foreach (var (name, key) in publicKeys)
        {
            forgeries.Add(($"HS256 keyed with the public key ({name})", Unsigned(new { alg = "HS256", typ = "JWT", kid }, claims, key)));
        }
        var accepted = 0;
        foreach (var (name, token) in forgeries)
        {
            var (status, body, _) = await PostAsync(client, token);
            // 429 once this address has failed often enough (the forgeries count as failed attempts): refused too.
            if (status is not (HttpStatusCode.Unauthorized or HttpStatusCode.TooManyRequests))
            {
                accepted += status == HttpStatusCode.OK ? 1 : 0;
                _problems.Add($"forged token '{name}' answered {(int)status}: {body[..Math.Min(body.Length, 200)]}");
            }
        }
        // The genuine article is accepted: the forgeries fail for what they are, not for the setup.
        var (genuine, genuineBody, _) = await PostAsync(client, valid);
        if (genuine != HttpStatusCode.OK)
        {
            _problems.Add($"a correctly signed token answered {(int)genuine}: {genuineBody}");
        }
        log.WriteLine($"forged tokens: {forgeries.Count} tried, {accepted} accepted");
        return (forgeries.Count, accepted);

        static string UnsignedRs(object header, Dictionary<string, object> payload, RSA key)
        {
            var head = B64(JsonSerializer.SerializeToUtf8Bytes(header)) + "." + B64(JsonSerializer.SerializeToUtf8Bytes(payload));
            return head + "." + B64(key.SignData(Encoding.ASCII.GetBytes(head), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        }
    }

    private static string B64(byte[] bytes) => Base64UrlEncoder.Encode(bytes);

    /// <summary>The app's private signing key, read from its data folder (as a thief with the disk would): to mint tokens that are well signed but otherwise wrong.</summary>
    private static byte[] SigningKey(string data, string kid)
    {
        using var conn = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(data, "state.db"), Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        conn.Open();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT pkcs8 FROM signing_key WHERE kid = $k";
        cmd.Parameters.AddWithValue("$k", kid);
        return cmd.ExecuteScalar() as byte[] ?? throw new HarnessException("the app's signing key is not in its data folder");
    }

    /// <summary>Each tenant's key and token see and change only that tenant's data.</summary>
    private async Task<(int Checks, int Breaches)> IsolationAsync(AppProcess app, string keyA, string keyB, string clientA, string secretA)
    {
        using var client = ClientFrom(app, "127.0.0.6");
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["client_id"] = clientA, ["client_secret"] = secretA });
        using var tokenResponse = await client.PostAsync(new Uri("/oauth2/token", UriKind.Relative), form);
        using var token = JsonDocument.Parse(await tokenResponse.Content.ReadAsStringAsync());
        var tokenA = token.RootElement.GetProperty("access_token").GetString()!;
        var checks = 0;
        var breaches = 0;
        async Task<HttpResponseMessage> Send(HttpMethod method, string path, string bearer, string? json = null)
        {
            using var request = new HttpRequestMessage(method, path) { Content = json is null ? null : Bodies.Json(json) };
            request.Headers.Authorization = new("Bearer", bearer);
            return await client.SendAsync(request);
        }
        void Expect(bool condition, string what)
        {
            checks++;
            if (!condition)
            {
                breaches++;
                _problems.Add("tenant isolation: " + what);
            }
        }
        foreach (var (nameA, credentialA) in new[] { ("key", keyA), ("token", tokenA) })
        {
            var id = "iso-" + nameA;
            var posted = await Send(HttpMethod.Post, "/v1/profiles", credentialA, Bodies.Request([Bodies.Profile("e", id, "iso-aud", Bodies.Epoch, "\"owner\":\"a\"")]));
            Expect(posted.StatusCode == HttpStatusCode.OK, $"tenant A's {nameA} could not write ({(int)posted.StatusCode})");
            await app.WaitCaughtUpAsync(TimeSpan.FromSeconds(60));
            Expect((await Send(HttpMethod.Get, $"/v1/profiles/e/{id}", keyB)).StatusCode == HttpStatusCode.NotFound, $"tenant B reads A's profile written with A's {nameA}");
            var members = await (await Send(HttpMethod.Get, "/v1/audiences/iso-aud/members", keyB)).Content.ReadAsStringAsync();
            Expect(!members.Contains(id, StringComparison.Ordinal), $"tenant B lists A's members ({nameA})");
            await Send(HttpMethod.Post, "/v1/profiles", keyB, Bodies.Request([Bodies.Profile("e", id, "iso-aud", Bodies.Epoch.AddDays(1), "\"owner\":\"b\"")]));
            await app.WaitCaughtUpAsync(TimeSpan.FromSeconds(60));
            var seenByA = await (await Send(HttpMethod.Get, $"/v1/profiles/e/{id}", credentialA)).Content.ReadAsStringAsync();
            Expect(seenByA.Contains("\"owner\":\"a\"", StringComparison.Ordinal), $"tenant B's write changed A's profile (A's {nameA} sees {seenByA})");
        }
        var created = await Send(HttpMethod.Post, "/v1/audiences", tokenA, """{"aepAudienceId":"iso-aep","name":"A's"}""");
        using var createdBody = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
        var externalId = createdBody.RootElement.GetProperty("id").GetString()!;
        Expect((await Send(HttpMethod.Get, $"/v1/audiences/{externalId}", keyB)).StatusCode == HttpStatusCode.NotFound, "tenant B reads A's audience");
        Expect((await Send(HttpMethod.Delete, $"/v1/audiences/{externalId}", keyB)).StatusCode == HttpStatusCode.NotFound, "tenant B deletes A's audience");
        Expect((await Send(HttpMethod.Get, $"/v1/audiences/{externalId}", tokenA)).StatusCode == HttpStatusCode.OK, "A's audience is gone after B's delete");
        Expect((await Send(HttpMethod.Get, "/admin/tenants/tenant-a/keys", keyA)).StatusCode == HttpStatusCode.Unauthorized, "a tenant key opens the admin API");
        log.WriteLine($"tenant isolation: {checks} checks, {breaches} breaches");
        return (checks, breaches);
    }

    private sealed record Guessing(int Answered401, int Answered429, int Accepted, bool MissingRetryAfter, bool ValidLockedOut, bool OtherLockedOut, bool Recovered);

    /// <summary>Wrong API keys from one address: 401 up to the limit, then 429 with Retry-After; the valid key from there still works.</summary>
    private async Task<Guessing> KeyGuessingAsync(AppProcess app, string validKey)
    {
        using var guesser = ClientFrom(app, "127.0.0.3");
        using var bystander = ClientFrom(app, "127.0.0.4");
        var keyId = validKey.Substring(3, 12);
        int answered401 = 0, answered429 = 0, accepted = 0;
        var missingRetryAfter = false;
        var validLockedOut = false;
        TimeSpan? retryAfter = null;
        for (var i = 0; i < options.Guesses; i++)
        {
            var secret = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
            var guess = i % 2 == 0 ? $"dk_{keyId}_{secret}" : $"dk_{Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(9))[..12].ToLowerInvariant()}_{secret}";
            var (status, _, after) = await PostAsync(guesser, guess);
            switch (status)
            {
                case HttpStatusCode.Unauthorized:
                    answered401++;
                    break;
                case HttpStatusCode.TooManyRequests:
                    answered429++;
                    missingRetryAfter |= after is null;
                    retryAfter ??= after;
                    break;
                case HttpStatusCode.OK:
                    accepted++;
                    break;
                default:
                    _problems.Add($"a wrong key answered {(int)status}");
                    break;
            }
            if (i % 10 == 9)
            {
                // AEP, or the partner, from the same address (a shared egress, a gateway) with the valid key: never refused.
                var (valid, body, _) = await PostAsync(guesser, validKey);
                if (valid != HttpStatusCode.OK)
                {
                    validLockedOut = true;
                    _problems.Add($"the valid key from the guessing address answered {(int)valid}: {body}");
                }
            }
        }
        var (other, _, _) = await PostAsync(bystander, $"dk_{keyId}_{Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32))}");
        var otherLockedOut = other != HttpStatusCode.Unauthorized;
        var recovered = false;
        if (retryAfter is { } wait)
        {
            await Task.Delay(wait + TimeSpan.FromSeconds(1));
            var (again, _, _) = await PostAsync(guesser, $"dk_{keyId}_{Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32))}");
            recovered = again == HttpStatusCode.Unauthorized;
        }
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"key guessing: {options.Guesses} wrong keys from one address: {answered401} answered 401, {answered429} answered 429 (Retry-After {retryAfter?.TotalSeconds ?? 0} s); "
            + $"the valid key from that address {(validLockedOut ? "was refused" : "kept working")}; another address {(otherLockedOut ? $"got {(int)other}" : "still got 401")}; "
            + $"after the window {(recovered ? "401 again" : "still refused")}"));
        return new Guessing(answered401, answered429, accepted, missingRetryAfter, validLockedOut, otherLockedOut, recovered);
    }

    /// <summary>Wrong client secrets at the token endpoint from one address: 429 past the limit; the right secret from there still gets a token.</summary>
    private async Task<(int Answered429, bool ValidLockedOut)> SecretGuessingAsync(AppProcess app, string clientId, string secret)
    {
        using var guesser = ClientFrom(app, "127.0.0.5");
        async Task<HttpStatusCode> TokenAsync(string presented)
        {
            using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["client_id"] = clientId, ["client_secret"] = presented });
            using var response = await guesser.PostAsync(new Uri("/oauth2/token", UriKind.Relative), form);
            return response.StatusCode;
        }
        var answered429 = 0;
        for (var i = 0; i < options.FailedAuthLimit + 10; i++)
        {
            var status = await TokenAsync(Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32)));
            answered429 += status == HttpStatusCode.TooManyRequests ? 1 : 0;
            if (status is not (HttpStatusCode.Unauthorized or HttpStatusCode.TooManyRequests))
            {
                _problems.Add($"a wrong client secret answered {(int)status}");
            }
        }
        var valid = await TokenAsync(secret);
        log.WriteLine($"client secret guessing: {options.FailedAuthLimit + 10} wrong secrets, {answered429} answered 429; the right secret from that address got {(int)valid}");
        return (answered429, valid != HttpStatusCode.OK);
    }
}
