using System.Security.Claims;
using DestinationKit.Ingestion.Auth;
using DestinationKit.Ingestion.Infrastructure;
using DestinationKit.Ingestion.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace DestinationKit.Ingestion.Profiles;

/// <summary>The answer to an accepted request: how many profiles, and the log sequence that holds them durably.</summary>
public sealed record IngestResponse(int Accepted, long Sequence);

public static class ProfilesEndpoints
{
    public const string IngestRateLimitPolicy = "ingest";

    public static IEndpointRouteBuilder MapProfiles(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1/profiles").WithTags("Profiles").RequireAuthorization();
        group.MapPost("/", IngestAsync)
            .RequireRateLimiting(IngestRateLimitPolicy)
            .WithName("IngestProfiles")
            .WithSummary("Receives a contract-v1 batch of profiles (docs/contract/profiles-v1.md); 200 once durable.")
            .Accepts<object>("application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        var options = routes.ServiceProvider.GetRequiredService<IOptions<IngestionOptions>>().Value;
        if (options.EnableParseOnlyEndpoint)
        {
            routes.MapPost("/bench/parse-only", ParseOnlyAsync).RequireAuthorization().RequireRateLimiting(IngestRateLimitPolicy).ExcludeFromDescription();
        }
        return routes;
    }

    internal static async Task<Results<Ok<IngestResponse>, ProblemHttpResult>> IngestAsync(
        HttpContext context, ClaimsPrincipal user, IRequestLog log, BodyBudget budget, IOptions<IngestionOptions> options, CancellationToken cancellationToken)
    {
        var reserved = Reservation(context, options.Value);
        if (!budget.TryReserve(reserved))
        {
            return BudgetExhausted(context, options.Value);
        }
        try
        {
            var (body, count, error) = await ReadAndValidateAsync(context, options.Value, cancellationToken).ConfigureAwait(false);
            if (error is not null)
            {
                return error;
            }
            var receivedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            var sequence = await log.AppendAsync(user.Tenant(), body!, receivedAt, cancellationToken).ConfigureAwait(false);
            return TypedResults.Ok(new IngestResponse(count, sequence));
        }
        finally
        {
            budget.Release(reserved); // the body is durable (or refused): the log holds it now, not this request
        }
    }

    /// <summary>Reads and validates exactly as <see cref="IngestAsync"/> but stores nothing (the benchmark's HTTP ceiling).</summary>
    private static async Task<Results<Ok<IngestResponse>, ProblemHttpResult>> ParseOnlyAsync(
        HttpContext context, BodyBudget budget, IOptions<IngestionOptions> options, CancellationToken cancellationToken)
    {
        var reserved = Reservation(context, options.Value);
        if (!budget.TryReserve(reserved))
        {
            return BudgetExhausted(context, options.Value);
        }
        try
        {
            var (_, count, error) = await ReadAndValidateAsync(context, options.Value, cancellationToken).ConfigureAwait(false);
            return error is not null ? error : TypedResults.Ok(new IngestResponse(count, 0));
        }
        finally
        {
            budget.Release(reserved);
        }
    }

    /// <summary>The bytes the body will hold: its length, or the largest allowed when it is sent without one (none when it is too large: 413 unread).</summary>
    internal static long Reservation(HttpContext context, IngestionOptions options) => context.Request.ContentLength switch
    {
        null => options.MaxRequestBodyBytes,
        var n when n <= options.MaxRequestBodyBytes => n.Value,
        _ => 0,
    };

    private static ProblemHttpResult BudgetExhausted(HttpContext context, IngestionOptions options)
    {
        Problems.SetRetryAfter(context, options.RetryAfterSeconds);
        return Problems.Result(StatusCodes.Status429TooManyRequests, "Too Many Requests",
            "Too many request bodies are held in memory at once (Ingestion:MaxBufferedBodyBytes); retry later.");
    }

    private static async Task<(byte[]? Body, int Count, ProblemHttpResult? Error)> ReadAndValidateAsync(
        HttpContext context, IngestionOptions options, CancellationToken cancellationToken)
    {
        if (!RequestBody.IsJson(context.Request.ContentType))
        {
            return (null, 0, RequestBody.UnsupportedMediaType("application/json"));
        }
        var body = await RequestBody.ReadAsync(context, options.MaxRequestBodyBytes, cancellationToken).ConfigureAwait(false);
        if (body is null)
        {
            return (null, 0, RequestBody.TooLarge(options.MaxRequestBodyBytes));
        }
        var errors = new List<ValidationError>();
        var count = ProfilesParser.Parse(body, options.MaxProfilesPerRequest, errors, maxStateRows: options.MaxStateRowsPerRequest);
        if (errors.Count > 0)
        {
            // The fast pass does not keep names; parse again, materialising, so each path names the real keys.
            errors.Clear();
            ProfilesParser.Parse(body, options.MaxProfilesPerRequest, errors, [], options.MaxStateRowsPerRequest);
            return (null, 0, RequestBody.Validation(errors));
        }
        return (body, count, null);
    }
}
