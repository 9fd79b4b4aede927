using DestinationKit.Ingestion.Infrastructure;
using DestinationKit.Ingestion.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace DestinationKit.Ingestion.Health;

public sealed record HealthResponse(string Status, FreshnessResponse? Freshness);

public static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/health").WithTags("Health").AllowAnonymous();
        group.MapGet("/live", () => TypedResults.Ok(new HealthResponse("live", null))).WithName("Live");
        group.MapGet("/ready", ReadyAsync).WithName("Ready").ProducesProblem(503);
        return routes;
    }

    internal static async Task<Results<Ok<HealthResponse>, ProblemHttpResult>> ReadyAsync(
        HttpContext context, IStoreHealth health, IQueryableState state, IOptions<IngestionOptions> options, CancellationToken cancellationToken)
    {
        var (healthy, description) = await health.CheckAsync(cancellationToken).ConfigureAwait(false);
        if (!healthy)
        {
            Problems.SetRetryAfter(context, options.Value.RetryAfterSeconds);
            return Problems.Result(StatusCodes.Status503ServiceUnavailable, "Service Unavailable", $"The store is not ready: {description}.");
        }
        return TypedResults.Ok(new HealthResponse("ready", RequestBody.FreshnessBody(state.GetFreshness())));
    }
}
