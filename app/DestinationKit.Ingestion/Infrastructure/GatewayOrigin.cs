using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace DestinationKit.Ingestion.Infrastructure;

/// <summary>Settings of section <c>Gateway</c>. Where the app's own URL stays reachable beside its gateway (App Service
/// behind API Management Consumption, which has no fixed outbound addresses to allow-list), the gateway adds a shared
/// secret header to every request it forwards, and the app refuses requests without it: the gateway's rate limit and
/// token checks cannot be bypassed through the app's URL (docs/azure.md, "Streaming").</summary>
public sealed class GatewayOptions
{
    public const string Section = "Gateway";

    public const string DefaultHeaderName = "X-DestinationKit-Gateway";

    /// <summary>The secret the gateway sends; unset (the default) accepts every request.</summary>
    public string? SharedSecret { get; set; }

    public string HeaderName { get; set; } = DefaultHeaderName;
}

/// <summary>Answers 403 to a request that does not carry the gateway's secret header, except the health routes, which
/// the platform's own probes call directly and which reveal nothing. The secret is compared in constant time.</summary>
public static class GatewayOrigin
{
    public static IApplicationBuilder UseGatewayOrigin(this IApplicationBuilder app)
    {
        var options = app.ApplicationServices.GetRequiredService<IOptions<GatewayOptions>>().Value;
        if (string.IsNullOrEmpty(options.SharedSecret)) return app;
        var expected = SHA256.HashData(Encoding.UTF8.GetBytes(options.SharedSecret));
        var header = options.HeaderName;
        return app.Use(async (context, next) =>
        {
            if (context.Request.Path.StartsWithSegments("/health") || Matches(context.Request.Headers[header], expected))
            {
                await next(context).ConfigureAwait(false);
                return;
            }
            await Problems.WriteAsync(context, StatusCodes.Status403Forbidden, "Forbidden",
                "This endpoint accepts requests only through its API gateway.").ConfigureAwait(false);
        });
    }

    private static bool Matches(Microsoft.Extensions.Primitives.StringValues values, byte[] expected) =>
        values.Count == 1 && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(values[0] ?? "")), expected);
}
