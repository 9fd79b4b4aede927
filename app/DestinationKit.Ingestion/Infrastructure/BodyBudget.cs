using Microsoft.Extensions.Options;

namespace DestinationKit.Ingestion.Infrastructure;

/// <summary>
/// Bounds the bytes of <c>POST /v1/profiles</c> bodies held in memory at once (read, validated, waiting to be durable),
/// <see cref="IngestionOptions.MaxBufferedBodyBytes"/>: without it, memory would be bounded only by
/// <c>MaxConcurrentRequests × MaxRequestBodyBytes</c> (8 GB with the defaults). A body of unknown length reserves the
/// largest allowed. A request that does not fit is answered 429 with Retry-After.
/// </summary>
public sealed class BodyBudget(IOptions<IngestionOptions> options)
{
    private readonly long _limit = options.Value.MaxBufferedBodyBytes;
    private long _held;

    /// <summary>Reserves <paramref name="bytes"/>; false when they do not fit (a body alone always fits).</summary>
    public bool TryReserve(long bytes)
    {
        var after = Interlocked.Add(ref _held, bytes);
        if (after > _limit && after != bytes)
        {
            Interlocked.Add(ref _held, -bytes);
            return false;
        }
        return true;
    }

    public void Release(long bytes) => Interlocked.Add(ref _held, -bytes);
}
