namespace DestinationKit.Model.Configuration;

/// <summary>Every key the template reads. Order is the order of docs/configuration.md.</summary>
public static class ConfigKeys
{
    public static readonly ConfigKey Mode = new("mode", "string", "(required)", "all",
        "`batch` (AEP exports files into landing storage) or `streaming` (AEP calls an HTTPS endpoint).");

    public static readonly ConfigKey Target = new("target", "string", "(required)", "all",
        "Batch: `aws-s3`, `azure-blob`, `azure-adls`, `sftp`, `gcp-gcs`, `dlz`. Streaming: `aws`, `azure`, `gcp` "
        + "(the cloud that runs the gateway and the ingestion app).");

    public static readonly ConfigKey Cloud = new("cloud", "string", "from `target`", "all",
        "`aws`, `azure` or `gcp`. Required for `sftp` (`aws`: Transfer Family; `azure`: Azure Storage SFTP); "
        + "for every other target it follows from the target and, if given, must agree with it.");

    public static readonly ConfigKey Region = new("region", "string", "(required)", "all but `dlz`",
        "Where resources are created: an AWS region (`eu-west-1`), an Azure location (`westeurope`) or a "
        + "Google Cloud region (`europe-west1`).");

    public static readonly ConfigKey NamePrefix = new("namePrefix", "string", "`aep`", "all",
        "Start of every generated resource name: 3–10 characters, lowercase letters and digits, starting with a "
        + "letter; not `sthree` on AWS, and not starting with `goog` or containing `google` on Google Cloud (bucket "
        + "name rules). Names are the prefix, a purpose or tenant, and a stable 8-character hash of project, stack, "
        + "target and region: deterministic, valid for each cloud, and distinct between stacks.");

    public static readonly ConfigKey Tenants = new("tenants", "JSON list", "(required)", "all",
        "The AEP customers this destination serves, 1–100. Each item is a tenant id or an object "
        + "`{\"id\": \"acme\", \"name\": \"Acme Corp\"}`. Ids: 3–32 characters, lowercase letters, digits and single "
        + "hyphens, starting and ending with a letter or digit; unique. Each tenant gets its own prefix, container "
        + "or folder and its own credentials. On `aws` streaming with generated credentials, all of them travel to "
        + "the app in one SSM parameter of at most 8192 bytes: about 40 tenants with 8-character ids and a rotation "
        + "in progress for each (the parser checks).",
        Fields:
        [
            new("id", "string", "(required)", "The tenant id."),
            new("name", "string", "the id", "A display name, up to 100 characters."),
            new("servicePrincipalObjectId", "GUID", "(required for `azure-adls`)",
                "Object id of the service principal that AEP uses for this tenant; it is granted Storage Blob Data "
                + "Contributor on the tenant's filesystem. `azure-adls` only."),
            new("servicePrincipalClientId", "GUID", "(required for `azure-adls`)",
                "Application (client) id of that service principal, which the customer enters in AEP. `azure-adls` only."),
        ]);

    public static readonly ConfigKey DlzSasUris = new("dlzSasUris", "JSON object", "`{}`", "`dlz`",
        "Tenant id → the SAS URI of that customer's Data Landing Zone container (from AEP's "
        + "`GET /data/foundation/connectors/landingzone/credentials?type=dlz_destination`), which the ingestion "
        + "app reads exports through. An `https://<account>.blob.core.windows.net/<container>?...` URI with a "
        + "signature (`sig`) and an expiry (`se`).",
        IsSecret: true);

    public static readonly ConfigKey Auth = new("auth", "string", "`api-key`", "streaming",
        "`api-key`: each tenant gets API keys that AEP sends as `Authorization: Bearer <key>` (authType `BEARER`). "
        + "`oauth2`: OAuth 2.0 client credentials (authType `OAUTH2`), configured by `oauth2`.");

    public static readonly ConfigKey OAuth2 = new("oauth2", "JSON object", "`{}`", "streaming with `auth: oauth2`",
        "How OAuth 2.0 tokens are issued and checked.",
        Fields:
        [
            new("issuer", "string", "`app`", "`app`: the ingestion app's own token endpoint (`/oauth2/token`) issues "
                + "signed JWTs; `external`: trust another issuer (fields below); `cognito`: an Amazon Cognito user "
                + "pool (target `aws` only, commercial regions; the domain is named after `namePrefix`, which must "
                + "then not contain `aws`, `amazon` or `cognito`)."),
            new("tokenLifetimeSeconds", "integer", "`86400`", "Lifetime of issued tokens, 3600–604800 (at most "
                + "86400 with `cognito`). Adobe recommends at least 24 hours. Not used with `external`."),
            new("clientAuthentication", "string", "`body`", "How AEP sends the client secret to the token endpoint: "
                + "`body` (form fields) or `basic` (HTTP Basic; AEP's `useBasicAuth`)."),
            new("scopes", "JSON list", "`[]`", "Scopes AEP requests, up to 10 RFC 6749 scope tokens. With `cognito`: "
                + "`<resource server identifier>/<scope name>`, one identifier for all (the stack creates that resource "
                + "server); without scopes the stack defines `destinationkit/ingest` and AEP requests none."),
            new("issuerUrl", "https URL", "(required for `external`)", "The external issuer (`iss` claim)."),
            new("jwksUri", "https URL", "(required for `external`)", "Where the external issuer publishes its keys."),
            new("tokenUrl", "https URL", "(required for `external`)", "The external issuer's token endpoint, given to AEP."),
            new("audience", "string", "(required for `external`)", "The `aud` claim tokens must carry."),
            new("tenantClaim", "string", "`tenant`", "The claim that names the tenant, with `external`."),
        ]);

    public static readonly ConfigKey App = new("app", "JSON object", "`{}`", "streaming",
        "Settings of the bundled ingestion app and the gateway in front of it.",
        Fields:
        [
            new("sink", "string", "the cloud's object store", "Where accepted requests are stored durably: `s3` on "
                + "`aws`, `blob` on `azure`, `gcs` on `gcp` (the only allowed value on each)."),
            new("maxRequestBodyBytes", "integer", "`4980736` on `aws`, `16777216` elsewhere", "Largest accepted "
                + "request body, 65536 up to the platform's limit: 4980736 on `aws` (what fits Lambda's 6 MB "
                + "invocation payload once API Gateway has wrapped the body, escaped, in its event), "
                + "33554432 on `gcp` (Cloud Run), 67108864 on `azure`. Must fit the largest batch the aggregation "
                + "policy allows."),
            new("maxConcurrentRequests", "integer", "`64`", "Requests the app processes at once, 1–4096; more answer 429."),
            new("rateLimitPerSecond", "integer", "`1000`", "Gateway steady-state rate limit, 1–100000 requests/s; over it the gateway answers 429. Not on `gcp` (Google API Gateway has none for a whole gateway)."),
            new("burstLimit", "integer", "`2000`", "Gateway burst, at least `rateLimitPerSecond`, at most 200000. Not on `gcp`."),
            new("publisherEmail", "e-mail address", "`apim-publisher@example.com`", "Only on `azure`: the mailbox API "
                + "Management requires as its publisher and sends its system notifications to. Set it to one your team reads."),
            new("planSku", "string", "`B1`", "Only on `azure`: the App Service plan the app runs on, one of "
                + "`B1`, `B2`, `B3`, `S1`, `S2`, `S3`, `P0v3`, `P1v3`, `P2v3`, `P3v3` (Basic or higher: Always On keeps "
                + "the app's queryable state warm)."),
        ]);

    public static readonly ConfigKey CredentialRotation = new("credentialRotation", "JSON object", "`{}`",
        "streaming with `auth: api-key`, or `oauth2` with issuer `app`",
        "Tenant id → `{\"current\": <n>, \"previous\": <m>}`: rotating the API key (or OAuth client secret) the stack "
        + "generates for a tenant. Each number (1–1000) names one generated secret; a tenant not listed has generation 1. "
        + "To rotate, set `current` to a new number and `previous` to the old one: both are valid, the `credentials` "
        + "output shows the new one to hand to the customer. Once the customer uses it, remove `previous`: the old "
        + "secret is deleted and stops working. An OAuth client keeps its client id.",
        Fields:
        [
            new("current", "integer", "`1`", "The generation handed out, 1–1000."),
            new("previous", "integer", "none", "A generation still valid beside it, 1–1000, not equal to `current`."),
        ]);

    public static readonly ConfigKey Aggregation = new("aggregation", "JSON object",
        "`{\"type\": \"best-effort\", \"maxUsersPerRequest\": 100}`", "streaming",
        "AEP's aggregation policy (how many profiles one request carries).",
        Fields:
        [
            new("type", "string", "`best-effort`", "`best-effort` (BEST_EFFORT) or `configurable` (CONFIGURABLE_AGGREGATION)."),
            new("maxUsersPerRequest", "integer", "`100`", "`best-effort` only: 1–10000 profiles a request."),
            new("splitUserById", "boolean", "`false`", "One identity per namespace a call."),
            new("maxBatchAgeInSecs", "integer", "`1800`", "`configurable` only: 1800–3600 (Adobe's guardrail)."),
            new("maxNumEventsInBatch", "integer", "`5000`", "`configurable` only: 1000–10000."),
            new("aggregationKey", "JSON object", "none", "`configurable` only: `includeSegmentId`, "
                + "`includeSegmentStatus` (needs `includeSegmentId`), `includeIdentity`, `oneIdentityPerGroup`, "
                + "`groups` (lists of identity namespaces from `identityNamespaces`; not with `oneIdentityPerGroup`)."),
        ]);

    public static readonly ConfigKey RetentionDays = new("retentionDays", "integer", "`30`", "all but `dlz`",
        "Days after which landing files (batch) or stored requests (streaming) are deleted, 1–3650. "
        + "On AWS and Google Cloud noncurrent versions expire after the same number of days.");

    public static readonly ConfigKey ForceDestroy = new("forceDestroy", "boolean", "`false`", "all but `dlz`",
        "`true` lets `pulumi destroy` delete buckets that still hold files (S3, Cloud Storage; Azure deletes a storage "
        + "account with its contents either way). Meant for throw-away stacks (`destinationkit ephemeral` sets it); "
        + "leave it off for a destination that holds customers' data.");

    public static readonly ConfigKey Encryption = new("encryption", "string", "`platform`", "all but `dlz`",
        "`platform`: the cloud's own keys (SSE-S3, Microsoft-managed, Google-managed). `customer-managed`: a key "
        + "you control (SSE-KMS, Cloud KMS), created by the stack unless `encryptionKeyId` names one; not yet "
        + "supported on Azure, where `infrastructureEncryption` adds a second layer instead.");

    public static readonly ConfigKey EncryptionKeyId = new("encryptionKeyId", "string", "none",
        "`encryption: customer-managed`",
        "An existing key: a KMS key ARN (`arn:aws:kms:<region>:<account>:key/<id>`) or a Cloud KMS key "
        + "(`projects/<p>/locations/<l>/keyRings/<r>/cryptoKeys/<k>`).");

    public static readonly ConfigKey InfrastructureEncryption = new("infrastructureEncryption", "boolean", "`false`",
        "Azure targets", "Azure Storage's second layer of encryption at the infrastructure level.");

    public static readonly ConfigKey AccountPerTenant = new("accountPerTenant", "boolean", "`false`", "`azure-blob`",
        "AEP's Azure Blob destination takes a connection string with the account key, which grants the whole "
        + "storage account. `false`: one account, a container per tenant (each tenant's key opens every "
        + "container). `true`: one storage account per tenant, so a tenant's key opens only its own data.");

    public static readonly ConfigKey S3Access = new("s3Access", "string", "`iam-user`", "`aws-s3`",
        "`iam-user`: a per-tenant IAM user and access key (authType `S3`). `adobe-role`: per-tenant roles that "
        + "Adobe's AWS account (670664943635) may assume; Adobe documents this for its own S3 destination, "
        + "whether Destination SDK destinations offer it is unconfirmed.");

    public static readonly ConfigKey Tags = new("tags", "JSON object", "`{}`", "all but `dlz`",
        "Up to 40 tags (labels on Google Cloud) added to every resource, following the cloud's rules. The "
        + "stack adds `managed-by`, `destination-prefix` and `stack` itself; those keys are reserved.");

    public static readonly ConfigKey DestinationName = new("destinationName", "string", "(required)", "all",
        "The destination's title in AEP's catalog: 3–64 printable characters.");

    public static readonly ConfigKey Description = new("description", "string", "generated", "all",
        "The catalog description, up to 1000 characters (Adobe asks for 4–5 sentences).");

    public static readonly ConfigKey Category = new("category", "string",
        "`streaming` (streaming) or `cloudStorage` (batch)", "all", "AEP's `uiAttributes.category`, one of Adobe's categories.");

    public static readonly ConfigKey DocumentationLink = new("documentationLink", "https URL", "none", "all",
        "AEP's `uiAttributes.documentationLink`; for productized destinations Adobe expects "
        + "`https://www.adobe.com/go/destinations-<name>-en`.");

    public static readonly ConfigKey IdentityNamespaces = new("identityNamespaces", "JSON object",
        "(required for streaming)", "all",
        "Namespace name → options. Names: a letter, then letters, digits or `_`, up to 64. Streaming needs at least "
        + "one (AEP's mapping step needs a target identity); at most 20.",
        Fields:
        [
            new("acceptsAttributes", "boolean", "`true`", "Customers may map attributes to this identity."),
            new("acceptsCustomNamespaces", "boolean", "`true`", "Customers may map custom namespaces to it."),
            new("transformation", "string", "none", "Offered transformation, e.g. `sha256(lower($))`."),
            new("acceptedGlobalNamespaces", "JSON object", "none", "Global namespace → `{\"requiredTransformation\": ...}` (or `{}`)."),
        ]);

    public static readonly ConfigKey CustomerDataFields = new("customerDataFields", "JSON list", "`[]`", "all",
        "Extra fields the customer fills in when connecting (AEP's `customerDataFields`), up to 20. Batch "
        + "destinations always get `tenantId` (the folder or container to write to), which is therefore reserved.",
        Fields:
        [
            new("name", "string", "(required)", "A letter, then letters, digits or `_`, up to 64; unique."),
            new("title", "string", "the name", "Label in the AEP UI, up to 100 characters."),
            new("type", "string", "`string`", "`string`, `integer` or `boolean`."),
            new("description", "string", "none", "Help text, up to 500 characters."),
            new("isRequired", "boolean", "`false`", "The customer must fill it in."),
            new("pattern", "string", "none", "A regular expression the value must match (`string` only)."),
            new("enum", "JSON list", "none", "Allowed values (`string` only), 1–50."),
            new("default", "string", "none", "Default value; must satisfy `pattern` and `enum`."),
        ]);

    public static readonly ConfigKey ProfileFields = new("profileFields", "JSON list", "`[]`", "all",
        "Attributes customers can map (AEP's `schemaConfig.profileFields`), up to 50 (Adobe's guardrail).",
        Fields:
        [
            new("name", "string", "(required)", "A letter, then letters, digits, `_` or `.`, up to 128; unique."),
            new("title", "string", "the name", "Label in the AEP UI."),
            new("type", "string", "`string`", "`string`, `integer`, `number` or `boolean`."),
            new("description", "string", "none", "Help text."),
            new("isRequired", "boolean", "`false`", "The customer must map it."),
        ]);

    public static readonly ConfigKey AudienceMapping = new("audienceMapping", "string",
        "`api` (streaming) or `aep-id` (batch)", "all",
        "`api`: AEP creates, updates and deletes audiences through the app's audience API (an audience template) "
        + "and sends the returned id (streaming only). `aep-id`: AEP's audience ids are used as they are. "
        + "`user-input`: the customer types the partner's audience id when activating.");

    public static readonly ConfigKey BackfillHistoricalProfileData = new("backfillHistoricalProfileData", "boolean",
        "`true`", "all", "Send profiles that qualified before activation too (expect a burst on first activation).");

    public static readonly ConfigKey FileFormat = new("fileFormat", "JSON object", "`{\"fileType\": \"csv\"}`", "batch",
        "The export files AEP writes and the ingestion app reads.",
        Fields:
        [
            new("fileType", "string", "`csv`", "`csv`, `json` or `parquet`."),
            new("compression", "string", "`none` (`snappy` for parquet)", "`csv`/`json`: `none` or `gzip`; `parquet`: `none`, `snappy` or `gzip`."),
            new("csv", "JSON object", "Spark's defaults", "`csv` only: `sep` (1–8 characters, default `,`), `quote` "
                + "(one character, default `\"`; `\\u0000` turns quoting off), `escape` (one character, default `\\`), "
                + "`header` (default `true`), `nullValue` and `emptyValue` (default empty), `quoteAll` (default "
                + "`false`), `dateFormat` (default `yyyy-MM-dd`), `timestampFormat` (default "
                + "`yyyy-MM-dd'T'HH:mm:ss[.SSS][XXX]`). `sep` must differ from `quote` and contain no line break."),
            new("maxFileRowCount", "integer", "`5000000`", "Rows a file before AEP splits it (`_2`, `_3`), 1000–5000000."),
        ]);

    public static readonly ConfigKey BatchExport = new("batchExport", "JSON object", "Adobe's defaults", "batch",
        "AEP's `batchConfig`: export modes, schedule and file names.",
        Fields:
        [
            new("defaultExportMode", "string", "`DAILY_FULL_EXPORT`", "`DAILY_FULL_EXPORT` or `FIRST_FULL_THEN_INCREMENTAL`; one of `allowedExportModes`."),
            new("allowedExportModes", "JSON list", "both modes", "A non-empty subset of the two modes."),
            new("defaultFrequency", "string", "`DAILY`", "`ONCE`, `EVERY_3_HOURS`, `EVERY_6_HOURS`, `EVERY_8_HOURS`, `EVERY_12_HOURS` or `DAILY`; one of `allowedFrequencies`."),
            new("allowedFrequencies", "JSON list", "all six", "A non-empty subset of the frequencies."),
            new("defaultStartTime", "string", "`00:00`", "UTC time of day, `HH:mm`."),
            new("defaultFilename", "string", "`%DESTINATION%_%SEGMENT_ID%`", "Macros `%DESTINATION%`, `%SEGMENT_ID%`, "
                + "`%SEGMENT_NAME%`, `%DESTINATION_INSTANCE_ID%`, `%DESTINATION_INSTANCE_NAME%`, `%ORGANIZATION_NAME%`, "
                + "`%SANDBOX_NAME%` and text; must contain `%SEGMENT_ID%` (the reader recovers the audience from it)."),
            new("filenameAppendOptions", "JSON list", "all", "What customers may append: `SEGMENT_NAME`, "
                + "`DESTINATION_INSTANCE_ID`, `DESTINATION_INSTANCE_NAME`, `ORGANIZATION_NAME`, `SANDBOX_NAME`, "
                + "`DATETIME`, `TIMESTAMP`, `CUSTOM_TEXT`."),
            new("defaultFilenameAppendOptions", "JSON list", "`[\"DATETIME\"]`", "A subset of `filenameAppendOptions`; "
                + "not both `DATETIME` and `TIMESTAMP`. Without either, each run overwrites the last file."),
        ]);

    public static IReadOnlyList<ConfigKey> All { get; } =
    [
        Mode, Target, Cloud, Region, NamePrefix, Tenants, DlzSasUris, Auth, OAuth2, App, CredentialRotation, Aggregation, RetentionDays,
        ForceDestroy, Encryption, EncryptionKeyId, InfrastructureEncryption, AccountPerTenant, S3Access, Tags, DestinationName,
        Description, Category, DocumentationLink, IdentityNamespaces, CustomerDataFields, ProfileFields,
        AudienceMapping, BackfillHistoricalProfileData, FileFormat, BatchExport,
    ];
}
