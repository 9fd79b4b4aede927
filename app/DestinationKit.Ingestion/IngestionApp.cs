using System.Threading.RateLimiting;
using DestinationKit.Ingestion.Audiences;
using DestinationKit.Ingestion.Auth;
using DestinationKit.Ingestion.Health;
using DestinationKit.Ingestion.Infrastructure;
using DestinationKit.Ingestion.Profiles;
using DestinationKit.Ingestion.Query;
using DestinationKit.Ingestion.Storage;
using DestinationKit.Ingestion.Storage.Cloud;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace DestinationKit.Ingestion;

/// <summary>Service registration and the request pipeline, shared by Program and the tests.</summary>
public static class IngestionApp
{
    public static WebApplicationBuilder AddIngestion(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.Configure<IngestionOptions>(builder.Configuration.GetSection(IngestionOptions.Section));
        services.Configure<AuthOptions>(builder.Configuration.GetSection(AuthOptions.Section));
        services.Configure<AdminOptions>(builder.Configuration.GetSection(AdminOptions.Section));
        services.Configure<GatewayOptions>(builder.Configuration.GetSection(GatewayOptions.Section));

        var ingestion = builder.Configuration.GetSection(IngestionOptions.Section).Get<IngestionOptions>() ?? new IngestionOptions();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = ingestion.MaxRequestBodyBytes;
            k.AddServerHeader = false;
        });

        services.AddSingleton<SqliteStore>();
        services.AddSingleton<IIngestionStore>(sp => sp.GetRequiredService<SqliteStore>());
        services.AddSingleton<IRequestLog>(sp => sp.GetRequiredService<IIngestionStore>());
        services.AddSingleton<IQueryableState>(sp => sp.GetRequiredService<IIngestionStore>());
        services.AddSingleton<IAudienceStore>(sp => sp.GetRequiredService<IIngestionStore>());
        services.AddSingleton<IStoreHealth>(sp => sp.GetRequiredService<IIngestionStore>());
        services.AddHostedService(sp => sp.GetRequiredService<SqliteStore>());
        services.AddCloudSinks(); // Ingestion:Sink = s3 | blob | gcs: the bucket takes the log, SQLite the projection
        services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<IngestionOptions>>().Value;
            var env = sp.GetRequiredService<IHostEnvironment>();
            var auth = sp.GetRequiredService<IOptions<AuthOptions>>().Value;
            return new CredentialStore(SqliteStore.ResolveDataDirectory(o.DataDirectory, env.ContentRootPath), TimeSpan.FromSeconds(auth.KeyCacheSeconds),
                sp.GetRequiredService<ProvisionedCredentials>());
        });
        services.AddProvisionedCredentials(builder.Configuration); // Auth:Provisioned: the deployment's keys, clients and signing key
        services.AddSingleton<TokenService>();
        services.AddSingleton<BodyBudget>();
        services.AddSingleton<FailedAuthLimiter>();
        services.AddHttpClient("jwks", c => c.Timeout = TimeSpan.FromSeconds(10));

        services.AddAuthentication(BearerAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, BearerAuthenticationHandler>(BearerAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .SetDefaultPolicy(new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder(BearerAuthenticationHandler.SchemeName)
                .RequireAuthenticatedUser().RequireClaim(BearerAuthenticationHandler.TenantClaim).Build());

        services.AddRateLimiter(o =>
        {
            o.AddPolicy(ProfilesEndpoints.IngestRateLimitPolicy, context =>
            {
                var opts = context.RequestServices.GetRequiredService<IOptions<IngestionOptions>>().Value;
                // One limiter for all callers: the bound protects the process, not fairness between tenants.
                return RateLimitPartition.GetConcurrencyLimiter("all", _ => new ConcurrencyLimiterOptions
                {
                    PermitLimit = opts.MaxConcurrentRequests,
                    QueueLimit = opts.MaxQueuedRequests,
                    QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
                });
            });
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = async (ctx, _) =>
            {
                var opts = ctx.HttpContext.RequestServices.GetRequiredService<IOptions<IngestionOptions>>().Value;
                Problems.SetRetryAfter(ctx.HttpContext, opts.RetryAfterSeconds);
                await Problems.WriteAsync(ctx.HttpContext, 429, "Too Many Requests", "Too many requests in flight; retry later.").ConfigureAwait(false);
            };
        });

        services.AddProblemDetails(o => o.CustomizeProblemDetails = ctx =>
        {
            // AEP's audience template reads {{body.error.message}}; give every problem that shape too.
            var p = ctx.ProblemDetails;
            // The OAuth token endpoint sets its own RFC 6749 "error" code, which TryAdd leaves alone.
            p.Extensions.TryAdd("error", new Dictionary<string, string?> { ["message"] = p.Detail ?? p.Title });
        });
        services.AddExceptionHandler<ProblemExceptionHandler>();
        services.AddOpenApi();
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.Never);
        return builder;
    }

    public static WebApplication UseIngestion(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseGatewayOrigin();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();

        app.MapOpenApi().AllowAnonymous();
        app.MapHealth();
        app.MapAuth();
        app.MapProfiles();
        app.MapAudiences();
        app.MapQuery();
        return app;
    }
}
