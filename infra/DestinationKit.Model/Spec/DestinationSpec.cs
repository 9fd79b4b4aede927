using System.Collections.Immutable;

namespace DestinationKit.Model.Spec;

/// <summary>The whole, validated description of one destination. Built only by
/// <see cref="Configuration.DestinationSpecParser"/>, so every instance satisfies every rule.</summary>
public sealed record DestinationSpec
{
    public required string Project { get; init; }
    public required string Stack { get; init; }
    public required DestinationMode Mode { get; init; }
    public required DestinationTarget Target { get; init; }
    /// <summary>The cloud the target runs on; null only for the Data Landing Zone, which is Adobe's.</summary>
    public required CloudProvider? Cloud { get; init; }
    public required string? Region { get; init; }
    public required string NamePrefix { get; init; }
    public required ImmutableArray<Tenant> Tenants { get; init; }
    public required StreamingSettings? Streaming { get; init; }
    public required int RetentionDays { get; init; }
    /// <summary>Buckets may be destroyed with files in them (throw-away stacks).</summary>
    public bool ForceDestroy { get; init; }
    public required EncryptionSettings Encryption { get; init; }
    public required bool AccountPerTenant { get; init; }
    public required S3AccessMode S3Access { get; init; }
    public required ImmutableSortedDictionary<string, string> Tags { get; init; }
    public required AepSettings Aep { get; init; }
    public required FileFormat? FileFormat { get; init; }
    public required BatchExportSettings? BatchExport { get; init; }

    public bool IsStreaming => Mode == DestinationMode.Streaming;
}

/// <summary>An AEP customer of the partner: gets its own prefix or container and its own credentials.</summary>
public sealed record Tenant(string Id, string? DisplayName)
{
    /// <summary>ADLS Gen2 only: the service principal the partner created for this tenant.</summary>
    public ServicePrincipal? ServicePrincipal { get; init; }

    /// <summary>DLZ only: the SAS URI the customer handed over for its Data Landing Zone container.</summary>
    public SecretValue? DlzSasUri { get; init; }

    /// <summary>Streaming with credentials the stack issues: which generations of the tenant's API key or client
    /// secret exist (<c>destination:credentialRotation</c>).</summary>
    public CredentialGenerations Credentials { get; init; } = CredentialGenerations.First;
}

/// <summary>The generation of a tenant's credential that is handed out, and the one still valid beside it during a
/// rotation. A generation names one generated secret: a new number is a new secret, a number dropped deletes it.</summary>
public sealed record CredentialGenerations(int Current, int? Previous)
{
    public static CredentialGenerations First { get; } = new(1, null);
}

public sealed record ServicePrincipal(Guid ObjectId, Guid ClientId);

public sealed record EncryptionSettings(EncryptionKind Kind, string? KeyId, bool InfrastructureEncryption);

public sealed record StreamingSettings(StreamingAuth Auth, OAuth2Settings? OAuth2, AppSettings App, AggregationPolicy Aggregation);

public sealed record OAuth2Settings(
    TokenIssuer Issuer,
    int TokenLifetimeSeconds,
    ClientAuthentication ClientAuthentication,
    ImmutableArray<string> Scopes,
    ExternalIssuer? External);

public sealed record ExternalIssuer(Uri IssuerUrl, Uri JwksUri, Uri TokenUrl, string Audience, string TenantClaim);

/// <summary>Settings of the bundled ingestion app and of the gateway in front of it.</summary>
public sealed record AppSettings(
    string Sink,
    int MaxRequestBodyBytes,
    int MaxConcurrentRequests,
    int RateLimitPerSecond,
    int BurstLimit)
{
    /// <summary>Azure only: API Management's publisher e-mail; null on the other clouds.</summary>
    public string? PublisherEmail { get; init; }

    /// <summary>Azure only: the App Service plan's SKU; null on the other clouds.</summary>
    public string? PlanSku { get; init; }
}

public sealed record AggregationPolicy(
    AggregationType Type,
    int MaxUsersPerRequest,
    bool SplitUserById,
    int MaxBatchAgeInSecs,
    int MaxNumEventsInBatch,
    AggregationKey? Key)
{
    /// <summary>The most profiles AEP may put in one request under this policy.</summary>
    public int MaxProfilesPerRequest => Type == AggregationType.BestEffort ? MaxUsersPerRequest : MaxNumEventsInBatch;
}

public sealed record AggregationKey(
    bool IncludeSegmentId,
    bool IncludeSegmentStatus,
    bool IncludeIdentity,
    bool OneIdentityPerGroup,
    ImmutableArray<ImmutableArray<string>> Groups);

/// <summary>What AEP shows and sends: the catalog entry, identities, fields and audience mapping.</summary>
public sealed record AepSettings(
    string DestinationName,
    string Description,
    string Category,
    string? DocumentationLink,
    ImmutableArray<IdentityNamespace> IdentityNamespaces,
    ImmutableArray<CustomerDataField> CustomerDataFields,
    ImmutableArray<ProfileField> ProfileFields,
    AudienceMapping AudienceMapping,
    bool BackfillHistoricalProfileData);

public sealed record IdentityNamespace(
    string Name,
    bool AcceptsAttributes,
    bool AcceptsCustomNamespaces,
    string? Transformation,
    ImmutableSortedDictionary<string, string?> AcceptedGlobalNamespaces);

public sealed record CustomerDataField(
    string Name,
    string Title,
    string Type,
    string? Description,
    bool IsRequired,
    string? Pattern,
    ImmutableArray<string> Enum,
    string? Default);

public sealed record ProfileField(string Name, string Title, string Type, string? Description, bool IsRequired);

public sealed record FileFormat(FileType FileType, Compression Compression, CsvOptions? Csv, int MaxFileRowCount);

/// <summary>AEP's Spark-style CSV options (shared/AEP.md §4.3).</summary>
public sealed record CsvOptions(
    string Sep,
    string Quote,
    string Escape,
    bool Header,
    string NullValue,
    string EmptyValue,
    bool QuoteAll,
    string DateFormat,
    string TimestampFormat);

public sealed record BatchExportSettings(
    string DefaultExportMode,
    ImmutableArray<string> AllowedExportModes,
    string DefaultFrequency,
    ImmutableArray<string> AllowedFrequencies,
    string DefaultStartTime,
    string DefaultFilename,
    ImmutableArray<string> FilenameAppendOptions,
    ImmutableArray<string> DefaultFilenameAppendOptions);
