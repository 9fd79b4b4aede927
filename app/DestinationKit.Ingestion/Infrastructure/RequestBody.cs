using System.Text.Json;
using DestinationKit.Ingestion.Storage;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DestinationKit.Ingestion.Infrastructure;

/// <summary>Reads request bodies under a size limit, answering 413 and 415 as ProblemDetails.</summary>
public static class RequestBody
{
    public static bool IsJson(string? contentType)
    {
        if (string.IsNullOrEmpty(contentType))
        {
            return false;
        }
        var semi = contentType.IndexOf(';', StringComparison.Ordinal);
        var media = (semi < 0 ? contentType : contentType[..semi]).Trim();
        if (semi >= 0)
        {
            var parameters = contentType[(semi + 1)..];
            if (parameters.Contains("charset", StringComparison.OrdinalIgnoreCase)
                && !parameters.Replace(" ", "", StringComparison.Ordinal).Replace("\"", "", StringComparison.Ordinal).Contains("charset=utf-8", StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }
        return media.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || (media.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && media.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
    }

    public static ProblemHttpResult UnsupportedMediaType(string expected) =>
        Problems.Result(StatusCodes.Status415UnsupportedMediaType, "Unsupported Media Type", $"Send Content-Type: {expected}.");

    public static ProblemHttpResult TooLarge(long limit) =>
        Problems.Result(StatusCodes.Status413PayloadTooLarge, "Payload Too Large", $"The body is larger than the limit of {limit} bytes.");

    /// <summary>The whole body as one exactly sized array, or null when it is larger than <paramref name="limit"/>.</summary>
    public static async Task<byte[]?> ReadAsync(HttpContext context, long limit, CancellationToken cancellationToken)
    {
        var request = context.Request;
        var sizeFeature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeFeature is { IsReadOnly: false })
        {
            sizeFeature.MaxRequestBodySize = limit;
        }
        if (request.ContentLength is { } length)
        {
            if (length > limit)
            {
                return null;
            }
            var exact = new byte[length];
            await request.Body.ReadExactlyAsync(exact, cancellationToken).ConfigureAwait(false);
            return exact;
        }
        var buffer = new byte[16 * 1024];
        var used = 0;
        while (true)
        {
            if (used == buffer.Length)
            {
                if (buffer.Length >= limit + 1)
                {
                    return null;
                }
                Array.Resize(ref buffer, (int)Math.Min((long)buffer.Length * 2, limit + 1));
            }
            var n = await request.Body.ReadAsync(buffer.AsMemory(used), cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                break;
            }
            used += n;
            if (used > limit)
            {
                return null;
            }
        }
        return buffer.AsSpan(0, used).ToArray();
    }

    /// <summary>Reads a small JSON object body (audience calls); the error is a ready ProblemDetails result.</summary>
    public static async Task<(JsonElement Body, IResult? Error)> ReadJsonObjectAsync(HttpContext context, long limit, CancellationToken cancellationToken)
    {
        if (!IsJson(context.Request.ContentType))
        {
            return (default, UnsupportedMediaType("application/json"));
        }
        var bytes = await ReadAsync(context, limit, cancellationToken).ConfigureAwait(false);
        if (bytes is null)
        {
            return (default, TooLarge(limit));
        }
        if (!System.Text.Unicode.Utf8.IsValid(bytes))
        {
            return (default, Validation("$", "utf8", "The body is not valid UTF-8."));
        }
        try
        {
            using var doc = JsonDocument.Parse(bytes);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                return (default, Validation("$", "type", "The body must be a JSON object."));
            }
            if (Undecodable(doc.RootElement, "$") is { } path)
            {
                return (default, Validation(path, "escape", Profiles.ProfilesParser.InvalidEscape));
            }
            return (doc.RootElement.Clone(), null);
        }
        catch (JsonException ex)
        {
            return (default, Validation("$", "json", $"The body is not valid JSON (line {ex.LineNumber ?? 0}, byte {ex.BytePositionInLine ?? 0})."));
        }
    }

    /// <summary>The path of the first string or name whose escapes do not decode (a lone surrogate), or null.</summary>
    private static string? Undecodable(JsonElement element, string path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return Decodes(() => element.GetString()) ? null : path;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (Undecodable(item, $"{path}[{i++}]") is { } found)
                    {
                        return found;
                    }
                }
                return null;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (!Decodes(() => property.Name))
                    {
                        return path;
                    }
                    if (Undecodable(property.Value, path + Profiles.ProfilesParser.Prop(property.Name)) is { } found)
                    {
                        return found;
                    }
                }
                return null;
            default:
                return null;
        }

        static bool Decodes(Func<string?> read)
        {
            try
            {
                read();
                return true;
            }
            catch (InvalidOperationException)
            {
                return false;
            }
        }
    }

    public static ProblemHttpResult Validation(string path, string rule, string message) =>
        Validation([new Profiles.ValidationError(path, rule, message)]);

    public static ProblemHttpResult Validation(IReadOnlyList<Profiles.ValidationError> errors) =>
        Problems.Result(StatusCodes.Status400BadRequest, "Invalid request",
            errors.Count == 1 ? $"{errors[0].Path}: {errors[0].Message} (rule: {errors[0].Rule})" : $"{errors.Count} rules are broken; see errors.",
            new Dictionary<string, object?> { ["errors"] = errors.Select(e => new { path = e.Path, rule = e.Rule, message = e.Message }).ToList() });

    public static FreshnessResponse FreshnessBody(Freshness f) =>
        new(f.DurableSequence, f.AppliedSequence, f.PendingRequests, Math.Round(f.LagSeconds, 3));
}

/// <summary>How far the queryable state is behind the durable log: sequences, requests not yet applied, and seconds.</summary>
public sealed record FreshnessResponse(long DurableSequence, long AppliedSequence, long PendingRequests, double LagSeconds);
