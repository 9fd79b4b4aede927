using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace DestinationKit.Ingestion.Auth;

/// <summary>
/// Limits guessing of secrets (API keys, OAuth client secrets, the admin key) per client address: past
/// <see cref="AuthOptions.FailedAuthLimit"/> failed attempts within <see cref="AuthOptions.FailedAuthWindowSeconds"/>,
/// further secrets from that address are answered 429 with Retry-After without being checked, until the window ends.
/// A secret that has authenticated successfully since the app started is never refused, so a caller sharing an address
/// with a guesser (AEP's shared egress, a gateway) keeps working with its own key. Signed tokens are always checked
/// (a signature cannot be guessed); their failures count like any other. Per process: with several instances each keeps
/// its own count.
/// </summary>
public sealed class FailedAuthLimiter : IDisposable
{
    private const int MaxKnownGood = 10_000;
    private readonly PartitionedRateLimiter<string>? _failures;
    private readonly int _windowSeconds;
    private readonly ConcurrentDictionary<string, byte> _knownGood = new(StringComparer.Ordinal);

    public FailedAuthLimiter(IOptions<AuthOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var o = options.Value;
        _windowSeconds = Math.Max(1, o.FailedAuthWindowSeconds);
        if (o.FailedAuthLimit > 0)
        {
            _failures = PartitionedRateLimiter.Create<string, string>(client => RateLimitPartition.GetFixedWindowLimiter(client, _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = o.FailedAuthLimit,
                Window = TimeSpan.FromSeconds(_windowSeconds),
                QueueLimit = 0,
                AutoReplenishment = true,
            }));
        }
    }

    /// <summary>
    /// Whether the secret must be refused unchecked: the client has used up its failed attempts and this secret is not
    /// one that has worked before. <paramref name="retryAfterSeconds"/> is when the window ends.
    /// </summary>
    public bool IsBlocked(HttpContext context, string secret, out int retryAfterSeconds)
    {
        retryAfterSeconds = 0;
        if (_failures is null)
        {
            return false;
        }
        using var probe = _failures.AttemptAcquire(ClientOf(context), 0);
        if (probe.IsAcquired || _knownGood.ContainsKey(Fingerprint(secret)))
        {
            return false;
        }
        retryAfterSeconds = probe.TryGetMetadata(MetadataName.RetryAfter, out var after) ? Math.Max(1, (int)Math.Ceiling(after.TotalSeconds)) : _windowSeconds;
        return true;
    }

    /// <summary>Counts a failed attempt of the client.</summary>
    public void Failed(HttpContext context)
    {
        using var _ = _failures?.AttemptAcquire(ClientOf(context), 1);
    }

    /// <summary>Remembers a secret that authenticated, so that it is never refused unchecked.</summary>
    public void Succeeded(string secret)
    {
        if (_failures is null)
        {
            return;
        }
        if (_knownGood.Count >= MaxKnownGood)
        {
            _knownGood.Clear();
        }
        _knownGood.TryAdd(Fingerprint(secret), 0);
    }

    /// <summary>The client's address; IPv6 clients by their /64, which one host usually holds whole.</summary>
    internal static string ClientOf(HttpContext context)
    {
        var address = context.Connection.RemoteIpAddress;
        if (address is null)
        {
            return "unknown";
        }
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        if (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            var bytes = address.GetAddressBytes();
            Array.Clear(bytes, 8, 8);
            address = new IPAddress(bytes);
        }
        return address.ToString();
    }

    /// <summary>A hash of the secret: the secret itself is never kept.</summary>
    private static string Fingerprint(string secret) => Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    public void Dispose() => _failures?.Dispose();
}
