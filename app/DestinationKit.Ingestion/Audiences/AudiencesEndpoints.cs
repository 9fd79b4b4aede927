using System.Security.Claims;
using System.Text.Json;
using DestinationKit.Ingestion.Auth;
using DestinationKit.Ingestion.Infrastructure;
using DestinationKit.Ingestion.Profiles;
using DestinationKit.Ingestion.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace DestinationKit.Ingestion.Audiences;

/// <summary>An audience as AEP's audience-metadata template reads it: <c>id</c> and <c>externalAudienceId</c> are the alias.</summary>
public sealed record AudienceResponse(
    string Id,
    string ExternalAudienceId,
    string AepAudienceId,
    string? Name,
    string? Description,
    JsonElement? Source,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static AudienceResponse From(Audience a) => new(a.ExternalAudienceId, a.ExternalAudienceId, a.AepAudienceId, a.Name, a.Description,
        a.SourceJson is null ? null : JsonDocument.Parse(a.SourceJson).RootElement.Clone(), a.CreatedAt, a.UpdatedAt);
}

public sealed record AudienceListResponse(IReadOnlyList<AudienceResponse> Audiences, string? NextCursor);

/// <summary>The audience-metadata API AEP calls when a customer maps an audience to the destination.</summary>
public static class AudiencesEndpoints
{
    private const long MaxBodyBytes = 64 * 1024;

    public static IEndpointRouteBuilder MapAudiences(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1/audiences").WithTags("Audiences").RequireAuthorization();
        group.MapPost("/", CreateAsync).WithName("CreateAudience")
            .WithSummary("Creates an audience; idempotent on aepAudienceId (the same externalAudienceId every time).")
            .Accepts<AudienceRequestDoc>("application/json")
            .ProducesProblem(400).ProducesProblem(401).ProducesProblem(415).ProducesProblem(503);
        group.MapPut("/{externalAudienceId}", UpdateAsync).WithName("UpdateAudience")
            .Accepts<AudienceRequestDoc>("application/json")
            .ProducesProblem(400).ProducesProblem(401).ProducesProblem(404).ProducesProblem(415);
        group.MapDelete("/{externalAudienceId}", DeleteAsync).WithName("DeleteAudience").ProducesProblem(401).ProducesProblem(404);
        group.MapGet("/{externalAudienceId}", GetAsync).WithName("GetAudience").ProducesProblem(401).ProducesProblem(404);
        group.MapGet("/", ListAsync).WithName("ListAudiences").ProducesProblem(400).ProducesProblem(401);
        return routes;
    }

    /// <summary>The body of create and update (documentation only; parsed by hand for exact error paths).</summary>
    public sealed record AudienceRequestDoc(string AepAudienceId, string? Name, string? Description, JsonElement? Source);

    private static (AudienceInput? Input, ProblemHttpResult? Error) ParseInput(JsonElement body, bool requireAepId)
    {
        string? Str(string name, int max, out ProblemHttpResult? error)
        {
            error = null;
            if (!body.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
            {
                return null;
            }
            if (v.ValueKind != JsonValueKind.String)
            {
                error = RequestBody.Validation("$." + name, "type", $"{name} must be a string.");
                return null;
            }
            var s = v.GetString()!;
            if (s.Length > max)
            {
                error = RequestBody.Validation("$." + name, "maxLength", $"{name} must be at most {max} characters.");
            }
            return s;
        }
        var aep = Str("aepAudienceId", 256, out var e1);
        if (e1 is not null)
        {
            return (null, e1);
        }
        if (requireAepId && string.IsNullOrEmpty(aep))
        {
            return (null, RequestBody.Validation("$.aepAudienceId", "required", "aepAudienceId (AEP's audience id, {{segment.id}}) is required."));
        }
        var name = Str("name", 1024, out var e2);
        if (e2 is not null)
        {
            return (null, e2);
        }
        var description = Str("description", 4096, out var e3);
        if (e3 is not null)
        {
            return (null, e3);
        }
        string? source = null;
        if (body.TryGetProperty("source", out var src) && src.ValueKind != JsonValueKind.Null)
        {
            if (src.ValueKind != JsonValueKind.Object)
            {
                return (null, RequestBody.Validation("$.source", "type", "source must be an object."));
            }
            source = src.GetRawText();
        }
        return (new AudienceInput(aep, name, description, source), null);
    }

    internal static async Task<Results<Created<AudienceResponse>, Ok<AudienceResponse>, ProblemHttpResult>> CreateAsync(
        HttpContext context, ClaimsPrincipal user, IAudienceStore store, CancellationToken cancellationToken)
    {
        var (body, error) = await RequestBody.ReadJsonObjectAsync(context, MaxBodyBytes, cancellationToken).ConfigureAwait(false);
        if (error is not null)
        {
            return (ProblemHttpResult)error;
        }
        var (input, invalid) = ParseInput(body, requireAepId: true);
        if (invalid is not null)
        {
            return invalid;
        }
        var (audience, created) = await store.CreateAsync(user.Tenant(), input!, cancellationToken).ConfigureAwait(false);
        var response = AudienceResponse.From(audience);
        return created
            ? TypedResults.Created($"/v1/audiences/{Uri.EscapeDataString(audience.ExternalAudienceId)}", response)
            : TypedResults.Ok(response);
    }

    internal static async Task<Results<Ok<AudienceResponse>, ProblemHttpResult>> UpdateAsync(
        string externalAudienceId, HttpContext context, ClaimsPrincipal user, IAudienceStore store, CancellationToken cancellationToken)
    {
        var (body, error) = await RequestBody.ReadJsonObjectAsync(context, MaxBodyBytes, cancellationToken).ConfigureAwait(false);
        if (error is not null)
        {
            return (ProblemHttpResult)error;
        }
        var (input, invalid) = ParseInput(body, requireAepId: false);
        if (invalid is not null)
        {
            return invalid;
        }
        var tenant = user.Tenant();
        var existing = await store.GetAsync(tenant, externalAudienceId, cancellationToken).ConfigureAwait(false);
        if (existing is null)
        {
            return NotFound(externalAudienceId);
        }
        if (input!.AepAudienceId is { } aep && !string.Equals(aep, existing.AepAudienceId, StringComparison.Ordinal))
        {
            return RequestBody.Validation("$.aepAudienceId", "immutable", "aepAudienceId of an audience cannot change.");
        }
        var updated = await store.UpdateAsync(tenant, externalAudienceId, input, cancellationToken).ConfigureAwait(false);
        return updated is null ? NotFound(externalAudienceId) : TypedResults.Ok(AudienceResponse.From(updated));
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        string externalAudienceId, ClaimsPrincipal user, IAudienceStore store, CancellationToken cancellationToken)
    {
        var deleted = await store.DeleteAsync(user.Tenant(), externalAudienceId, cancellationToken).ConfigureAwait(false);
        // A repeated delete (AEP retries) answers 204 again; only an id that never existed is 404.
        return deleted is null ? NotFound(externalAudienceId) : TypedResults.NoContent();
    }

    internal static async Task<Results<Ok<AudienceResponse>, ProblemHttpResult>> GetAsync(
        string externalAudienceId, ClaimsPrincipal user, IAudienceStore store, CancellationToken cancellationToken)
    {
        var audience = await store.GetAsync(user.Tenant(), externalAudienceId, cancellationToken).ConfigureAwait(false);
        return audience is null ? NotFound(externalAudienceId) : TypedResults.Ok(AudienceResponse.From(audience));
    }

    internal static async Task<Results<Ok<AudienceListResponse>, ProblemHttpResult>> ListAsync(
        ClaimsPrincipal user, IAudienceStore store, IOptions<IngestionOptions> options, string? cursor, int? limit, CancellationToken cancellationToken)
    {
        var o = options.Value;
        if (limit is < 1 || limit > o.MaxPageSize)
        {
            return RequestBody.Validation("$query.limit", "range", $"limit must be 1 to {o.MaxPageSize}.");
        }
        var n = limit ?? o.DefaultPageSize;
        var audiences = await store.ListAsync(user.Tenant(), cursor, n, cancellationToken).ConfigureAwait(false);
        var next = audiences.Count == n ? audiences[^1].ExternalAudienceId : null;
        return TypedResults.Ok(new AudienceListResponse(audiences.Select(AudienceResponse.From).ToList(), next));
    }

    private static ProblemHttpResult NotFound(string id) =>
        Problems.Result(StatusCodes.Status404NotFound, "Not Found", $"No audience '{id}' for this tenant.");
}
