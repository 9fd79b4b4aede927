using System.Collections.Immutable;
using System.Globalization;
using DestinationKit.Model.Configuration;
using DestinationKit.Model.Naming;
using DestinationKit.Model.Spec;

namespace DestinationKit.Azure.Streaming;

/// <summary>What <see cref="StreamingEndpoint"/> creates, as plain values decided from the spec (docs/azure.md,
/// "Streaming", says why each one).</summary>
public sealed record StreamingEndpointArgs
{
    /// <summary>The container of the sink account that the app writes accepted requests to.</summary>
    public const string SinkContainer = "ingestion";

    /// <summary>The container of the package account that holds the app's zip.</summary>
    public const string PackageContainer = "app-package";

    /// <summary>The stack's whole spec: the app's environment and credentials are derived from it.</summary>
    public required DestinationSpec Spec { get; init; }

    public required string ResourceGroupName { get; init; }

    public required string Location { get; init; }

    /// <summary>The account of the Blob sink; it allows no shared-key access (the app uses its managed identity).</summary>
    public required string SinkAccountName { get; init; }

    /// <summary>The account holding the app's zip package, read with a time-bound SAS.</summary>
    public required string PackageAccountName { get; init; }

    /// <summary>Days after their last change that stored requests are deleted from the sink.</summary>
    public required int RetentionDays { get; init; }

    public required bool InfrastructureEncryption { get; init; }

    public required string PlanName { get; init; }

    /// <summary>From <c>app.planSku</c>; B1 is the smallest plan with Always On (the app keeps its queryable state warm).</summary>
    public required string PlanSku { get; init; }

    public required string WebAppName { get; init; }

    public required string ApiManagementName { get; init; }

    /// <summary>From <c>app.publisherEmail</c>: API Management requires one and sends its notifications there.</summary>
    public required string PublisherEmail { get; init; }

    public required string PublisherName { get; init; }

    /// <summary>The folder of the published app (<c>DestinationKit.Streaming.AppPackage.Publish</c>); zipped by Pulumi.</summary>
    public required string AppFolder { get; init; }

    /// <summary>Validity of the package SAS (ISO 8601, UTC).</summary>
    public required PackageSasWindow PackageSas { get; init; }

    /// <summary>The gateway's rate limit: <see cref="RateLimit.Calls"/> per <see cref="RateLimit.RenewalPeriodSeconds"/>.</summary>
    public required RateLimit RateLimit { get; init; }

    public required ImmutableSortedDictionary<string, string> Tags { get; init; }

    /// <summary>Everything from the spec; <paramref name="appFolder"/> is the published app, <paramref name="now"/> dates the package SAS.</summary>
    public static StreamingEndpointArgs FromSpec(DestinationSpec spec, string appFolder, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Target != DestinationTarget.Azure || spec.Streaming is not { } streaming)
            throw new ArgumentException($"the Azure streaming endpoint is built for target azure, not {DestinationSpecParser.TargetName(spec.Target)}", nameof(spec));
        var names = new ResourceNames(spec);
        return new StreamingEndpointArgs
        {
            Spec = spec,
            ResourceGroupName = names.ResourceGroup,
            Location = spec.Region ?? throw new ArgumentException("the Azure streaming endpoint needs a region", nameof(spec)),
            SinkAccountName = names.StorageAccount,
            PackageAccountName = names.AppPackageStorageAccount,
            RetentionDays = spec.RetentionDays,
            InfrastructureEncryption = spec.Encryption.InfrastructureEncryption,
            PlanName = names.AppServicePlan,
            PlanSku = streaming.App.PlanSku ?? DestinationSpecParser.DefaultPlanSku,
            PublisherEmail = streaming.App.PublisherEmail ?? DestinationSpecParser.DefaultPublisherEmail,
            WebAppName = names.WebApp,
            ApiManagementName = names.ApiManagement,
            PublisherName = spec.Aep.DestinationName.Length <= 100 ? spec.Aep.DestinationName : spec.Aep.DestinationName[..100],
            AppFolder = appFolder,
            PackageSas = PackageSasWindow.For(now),
            RateLimit = RateLimit.For(streaming.App),
            Tags = ResourceTags.For(spec),
        };
    }
}

/// <summary>From the start of the current UTC year to the start of the year after next: the SAS (and so the app's
/// setting) stays the same for every <c>pulumi up</c> within a calendar year, is renewed by the first one of a new
/// year, and is valid for at least one more year after any deployment.</summary>
public sealed record PackageSasWindow(string Start, string Expiry)
{
    public static PackageSasWindow For(DateTimeOffset now)
    {
        var year = now.ToUniversalTime().Year;
        return new PackageSasWindow(YearStart(year), YearStart(year + 2));
    }

    private static string YearStart(int year) => new DateTime(year, 1, 1, 0, 0, 0, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}

/// <summary>API Management's <c>rate-limit</c> counts calls in a sliding window of 1–300 s. The window is the burst
/// divided by the steady rate, so that <c>rateLimitPerSecond</c> holds on average and at most about <c>burstLimit</c>
/// calls pass at once.</summary>
public sealed record RateLimit(int Calls, int RenewalPeriodSeconds)
{
    public const int MaxRenewalPeriodSeconds = 300;

    public static RateLimit For(AppSettings app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var period = Math.Clamp((int)Math.Round((double)app.BurstLimit / app.RateLimitPerSecond), 1, MaxRenewalPeriodSeconds);
        return new RateLimit(app.RateLimitPerSecond * period, period);
    }
}
