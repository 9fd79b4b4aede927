using System.Security.Claims;
using System.Text;
using System.Text.Json;
using DestinationKit.Ingestion.Auth;
using DestinationKit.Ingestion.Infrastructure;
using DestinationKit.Ingestion.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace DestinationKit.Ingestion.Query;

public sealed record IdentityResponse(string Namespace, string Id);

public sealed record MembershipResponse(string Status, DateTimeOffset QualifiedAt);

public sealed record ProfileResponse(
    IdentityResponse Identity,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, MembershipResponse>> Audiences,
    IReadOnlyDictionary<string, JsonElement> Attributes,
    DateTimeOffset UpdatedAt,
    FreshnessResponse Freshness);

public sealed record MemberResponse(string Namespace, string Id, string AudienceNamespace, string Status, DateTimeOffset QualifiedAt);

public sealed record MembersResponse(string AudienceId, IReadOnlyList<MemberResponse> Members, string? NextCursor, FreshnessResponse Freshness);

/// <summary>Reads of the queryable state for the partner's own systems. Every answer says how far behind the state is.</summary>
public static class QueryEndpoints
{
    public static IEndpointRouteBuilder MapQuery(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1").WithTags("Query").RequireAuthorization();
        group.MapGet("/profiles/{namespace}/{id}", GetProfileAsync).WithName("GetProfile")
            .WithSummary("A profile's current memberships and attributes by one identity.")
            .ProducesProblem(401).ProducesProblem(404);
        group.MapGet("/profiles", GetProfileByQueryAsync).WithName("GetProfileByQuery")
            .WithSummary("Same as /v1/profiles/{namespace}/{id}, for ids that do not fit in a path segment.")
            .ProducesProblem(400).ProducesProblem(401).ProducesProblem(404);
        group.MapGet("/audiences/{audienceId}/members", GetMembersAsync).WithName("GetAudienceMembers")
            .WithSummary("Current members of an audience (externalAudienceId or the audience id used in profiles), paged by cursor.")
            .ProducesProblem(400).ProducesProblem(401);
        return routes;
    }

    internal static Task<Results<Ok<ProfileResponse>, ProblemHttpResult>> GetProfileAsync(
        string @namespace, string id, HttpContext context, ClaimsPrincipal user, IQueryableState state, CancellationToken cancellationToken) =>
        LoadProfileAsync(@namespace, id, context, user, state, cancellationToken);

    internal static async Task<Results<Ok<ProfileResponse>, ProblemHttpResult>> GetProfileByQueryAsync(
        string? @namespace, string? id, HttpContext context, ClaimsPrincipal user, IQueryableState state, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(@namespace) || string.IsNullOrEmpty(id))
        {
            return RequestBody.Validation("$query", "required", "Give both namespace and id query parameters.");
        }
        return await LoadProfileAsync(@namespace, id, context, user, state, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<Results<Ok<ProfileResponse>, ProblemHttpResult>> LoadProfileAsync(
        string ns, string id, HttpContext context, ClaimsPrincipal user, IQueryableState state, CancellationToken cancellationToken)
    {
        var freshness = state.GetFreshness();
        AddLagHeader(context, freshness);
        var view = await state.GetProfileAsync(user.Tenant(), ns, id, cancellationToken).ConfigureAwait(false);
        if (view is null)
        {
            return Problems.Result(StatusCodes.Status404NotFound, "Not Found", "No profile with this identity for this tenant (yet).",
                new Dictionary<string, object?> { ["freshness"] = RequestBody.FreshnessBody(freshness) });
        }
        var audiences = view.Audiences.ToDictionary(
            a => a.Key,
            a => (IReadOnlyDictionary<string, MembershipResponse>)a.Value.ToDictionary(m => m.Key, m => new MembershipResponse(m.Value.Status, m.Value.QualifiedAt), StringComparer.Ordinal),
            StringComparer.Ordinal);
        var attributes = view.AttributesRawJson.ToDictionary(a => a.Key, a => JsonDocument.Parse(a.Value).RootElement.Clone(), StringComparer.Ordinal);
        return TypedResults.Ok(new ProfileResponse(new IdentityResponse(ns, id), audiences, attributes, view.UpdatedAt, RequestBody.FreshnessBody(freshness)));
    }

    internal static async Task<Results<Ok<MembersResponse>, ProblemHttpResult>> GetMembersAsync(
        string audienceId, string? cursor, int? limit, HttpContext context, ClaimsPrincipal user, IQueryableState state, IAudienceStore audiences,
        IOptions<IngestionOptions> options, CancellationToken cancellationToken)
    {
        var o = options.Value;
        if (limit is < 1 || limit > o.MaxPageSize)
        {
            return RequestBody.Validation("$query.limit", "range", $"limit must be 1 to {o.MaxPageSize}.");
        }
        MemberCursor? after = null;
        if (!string.IsNullOrEmpty(cursor))
        {
            after = DecodeCursor(cursor);
            if (after is null)
            {
                return RequestBody.Validation("$query.cursor", "format", "cursor must be a nextCursor value from a previous page.");
            }
        }
        var tenant = user.Tenant();
        var ids = new HashSet<string>(StringComparer.Ordinal) { audienceId };
        // Profiles name an audience by its externalAudienceId or, with aep-id mapping, by AEP's id: match both.
        if (await audiences.GetAsync(tenant, audienceId, cancellationToken).ConfigureAwait(false) is { } registered)
        {
            ids.Add(registered.AepAudienceId);
        }
        var freshness = state.GetFreshness();
        AddLagHeader(context, freshness);
        var page = await state.GetMembersAsync(tenant, ids, after, limit ?? o.DefaultPageSize, cancellationToken).ConfigureAwait(false);
        var members = page.Members.Select(m => new MemberResponse(m.Namespace, m.Id, m.AudienceNamespace, m.Status, m.QualifiedAt)).ToList();
        return TypedResults.Ok(new MembersResponse(audienceId, members, page.Next is { } n ? EncodeCursor(n) : null, RequestBody.FreshnessBody(freshness)));
    }

    private static void AddLagHeader(HttpContext context, Freshness freshness) =>
        context.Response.Headers["X-State-Lag-Seconds"] = freshness.LagSeconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);

    internal static string EncodeCursor(MemberCursor c) =>
        CredentialStore.Base64Url(JsonSerializer.SerializeToUtf8Bytes(new[] { c.Namespace, c.Id }));

    internal static MemberCursor? DecodeCursor(string cursor)
    {
        try
        {
            var s = cursor.Replace('-', '+').Replace('_', '/');
            s = s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '=');
            var parts = JsonSerializer.Deserialize<string?[]>(Encoding.UTF8.GetString(Convert.FromBase64String(s)));
            return parts is [{ } ns, { } id] ? new MemberCursor(ns, id) : null;
        }
        catch (Exception ex) when (ex is FormatException or JsonException or InvalidOperationException) // InvalidOperation: an escape that is not a character
        {
            return null;
        }
    }
}
