using System.Globalization;
using DestinationKit.Ingestion.Storage;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace DestinationKit.Ingestion.Infrastructure;

/// <summary>ProblemDetails (RFC 9457) for every error; the detail never quotes a credential.</summary>
public static class Problems
{
    public static ProblemHttpResult Result(int status, string title, string? detail = null, IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title, extensions: extensions);

    public static async Task WriteAsync(HttpContext context, int status, string title, string? detail, IDictionary<string, object?>? extensions = null)
    {
        if (context.Response.HasStarted)
        {
            return;
        }
        context.Response.StatusCode = status;
        var service = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        var problem = new ProblemDetails { Status = status, Title = title, Detail = detail };
        if (extensions is not null)
        {
            foreach (var (k, v) in extensions)
            {
                problem.Extensions[k] = v;
            }
        }
        await service.WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem }).ConfigureAwait(false);
    }

    public static void SetRetryAfter(HttpContext context, int seconds) =>
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
}

/// <summary>Maps store failures to 503 and bad HTTP input (size, framing) to its 4xx; only a bug answers 500.</summary>
public sealed partial class ProblemExceptionHandler(ILogger<ProblemExceptionHandler> logger, Microsoft.Extensions.Options.IOptions<IngestionOptions> options) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        switch (exception)
        {
            case StoreUnavailableException:
                LogStoreFailure(logger, exception);
                Problems.SetRetryAfter(httpContext, options.Value.RetryAfterSeconds);
                await Problems.WriteAsync(httpContext, 503, "Service Unavailable", "The store is unavailable; retry later.").ConfigureAwait(false);
                return true;
            case StoreOverloadedException:
                Problems.SetRetryAfter(httpContext, options.Value.RetryAfterSeconds);
                await Problems.WriteAsync(httpContext, 429, "Too Many Requests", exception.Message).ConfigureAwait(false);
                return true;
            case BadHttpRequestException bad:
                await Problems.WriteAsync(httpContext, bad.StatusCode, bad.StatusCode == 413 ? "Payload Too Large" : "Bad Request", bad.Message).ConfigureAwait(false);
                return true;
            default:
                return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Store failure answered 503")]
    private static partial void LogStoreFailure(ILogger logger, Exception exception);
}
