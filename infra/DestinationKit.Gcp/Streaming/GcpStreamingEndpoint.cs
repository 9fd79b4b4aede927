using System.Collections.Immutable;
using System.Text.Json.Nodes;
using DestinationKit.Model.Permissions;
using DestinationKit.Streaming;
using Pulumi;
using Pulumi.Gcp.ApiGateway;
using Pulumi.Gcp.ApiGateway.Inputs;
using Pulumi.Gcp.ArtifactRegistry;
using Pulumi.Gcp.ArtifactRegistry.Inputs;
using Pulumi.Gcp.CloudRunV2;
using Pulumi.Gcp.CloudRunV2.Inputs;
using Pulumi.Gcp.SecretManager;
using Pulumi.Gcp.SecretManager.Inputs;
using Pulumi.Gcp.ServiceAccount;
using Pulumi.Gcp.Storage;
using Pulumi.Gcp.Storage.Inputs;
using IAMCustomRole = Pulumi.Gcp.Projects.IAMCustomRole;
using IAMCustomRoleArgs = Pulumi.Gcp.Projects.IAMCustomRoleArgs;

namespace DestinationKit.Gcp.Streaming;

/// <summary>The <c>gcp</c> streaming target (docs/gcp.md, "Streaming"): API Gateway in front of the bundled ingestion
/// app on Cloud Run, which stores accepted requests in a private Cloud Storage bucket.
/// <list type="bullet">
/// <item>Only the gateway's service account may invoke the Cloud Run service (<c>roles/run.invoker</c> on that service;
/// no public invoker). The gateway calls it with an identity token of that account in <c>Authorization</c> and passes
/// the caller's header on as <c>X-Forwarded-Authorization</c>, where the app reads it.</item>
/// <item>API keys: the gateway cannot check a bearer API key, so the app checks it before any data route does anything.
/// OAuth 2.0: the gateway checks the token on every data route (issuer, audience, signature) and the app again.</item>
/// <item>The app's own tokens are checked against its signing keys, which a second gateway publishes: a gateway's API
/// config must name the JWKS URL, and the main gateway's host name exists only after its config does.</item>
/// <item>The tenants' API keys or client secrets and the signing key reach the app through one Secret Manager secret,
/// which only the app's service account may read, resolved into <c>Auth__Provisioned__Json</c>.</item>
/// </list></summary>
public sealed class GcpStreamingEndpoint : ComponentResource
{
    public const string TypeToken = "destinationkit:gcp:StreamingEndpoint";

    public const string InvokerRole = "roles/run.invoker";
    public const string SecretAccessorRole = "roles/secretmanager.secretAccessor";

    /// <summary>Where the app keeps accepted requests in the bucket (docs/app.md, "Sinks"); the retention applies there.</summary>
    public const string RequestsPrefix = "requests/";

    /// <summary>The app's published signing keys (<c>GET /.well-known/jwks.json</c>).</summary>
    public const string JwksPath = "/.well-known/jwks.json";

    /// <summary>The app's liveness route: it answers as soon as the app listens.</summary>
    public const string LivePath = "/health/live";

    /// <summary>Seconds Cloud Run lets a request run: more than the gateway's deadline.</summary>
    public const string RequestTimeout = "120s";

    /// <summary>Image versions kept in the repository whatever their age; older ones go after <see cref="ImageMaxAge"/>.</summary>
    public const int ImagesKept = 5;
    public const string ImageMaxAge = "2592000s";

    public GcpStreamingEndpoint(string name, GcpStreamingEndpointArgs args, ComponentResourceOptions? options = null)
        : base(TypeToken, name, options)
    {
        ArgumentNullException.ThrowIfNull(args);
        var child = new CustomResourceOptions { Parent = this };
        InputMap<string> Labels() => args.Labels.ToImmutableDictionary(StringComparer.Ordinal);

        var appAccount = new Account($"{name}-app-sa", new AccountArgs
        {
            AccountId = args.AppServiceAccountId,
            DisplayName = "DestinationKit ingestion app",
            Description = $"Runs the ingestion app of {args.DisplayName} on Cloud Run: writes its sink bucket, reads its credentials secret.",
        }, child);
        var gatewayAccount = new Account($"{name}-gateway-sa", new AccountArgs
        {
            AccountId = args.GatewayServiceAccountId,
            DisplayName = "DestinationKit API Gateway",
            Description = $"API Gateway of {args.DisplayName} calls the ingestion app's Cloud Run service as this account, and nothing else does.",
        }, child);

        var sinkAccess = Sink(name, args, appAccount, Labels(), child);
        Credentials = new AppCredentials($"{name}-credentials", args.Credentials, new ComponentResourceOptions { Parent = this });
        var (secret, secretVersion, secretAccess) = CredentialsSecret(name, args, Credentials.Document, appAccount, Labels(), child);

        var repository = new Repository($"{name}-images", new RepositoryArgs
        {
            RepositoryId = args.RepositoryId,
            Location = args.Region,
            Format = "DOCKER",
            Description = $"Images of the ingestion app of {args.DisplayName}, built by pulumi up.",
            CleanupPolicies =
            {
                new RepositoryCleanupPolicyArgs
                {
                    Id = "keep-recent",
                    Action = "KEEP",
                    MostRecentVersions = new RepositoryCleanupPolicyMostRecentVersionsArgs { KeepCount = ImagesKept },
                },
                new RepositoryCleanupPolicyArgs
                {
                    Id = "delete-old",
                    Action = "DELETE",
                    Condition = new RepositoryCleanupPolicyConditionArgs { TagState = "ANY", OlderThan = ImageMaxAge },
                },
            },
            Labels = Labels(),
        }, child);
        Image = ContainerImage.For(repository.RegistryUri, () =>
            Pulumi.Gcp.Organizations.GetClientConfig.Invoke(new InvokeOptions { Parent = this }).Apply(config => Output.CreateSecret(config.AccessToken)));

        var service = new Service($"{name}-app", new ServiceArgs
        {
            Name = args.ServiceName,
            Location = args.Region,
            Description = $"The ingestion app of {args.DisplayName}; reachable only through its API Gateway.",
            // The gateway reaches the service at its run.app URL; IAM, not the network, keeps everyone else out.
            Ingress = "INGRESS_TRAFFIC_ALL",
            InvokerIamDisabled = false,
            // The service holds no data (that is in the bucket), so pulumi destroy may delete it.
            DeletionProtection = false,
            Template = new ServiceTemplateArgs
            {
                ServiceAccount = appAccount.Email,
                MaxInstanceRequestConcurrency = args.ContainerConcurrency,
                Timeout = RequestTimeout,
                Scaling = new ServiceTemplateScalingArgs { MinInstanceCount = args.MinInstances, MaxInstanceCount = args.MaxInstances },
                Containers = { Container(args, Image, secret, secretVersion) },
            },
            Labels = Labels(),
        }, new CustomResourceOptions { Parent = this, DependsOn = [sinkAccess, secretAccess] });
        ServiceUri = service.Uri;

        var invoker = new ServiceIamMember($"{name}-gateway-invoker", new ServiceIamMemberArgs
        {
            Name = service.Name,
            Location = service.Location,
            Role = InvokerRole,
            Member = gatewayAccount.Member,
        }, child);

        var api = new Api($"{name}-api", new ApiArgs { ApiId = args.ApiId, DisplayName = args.DisplayName, Labels = Labels() }, child);
        // The gateway calls the service from its first request on.
        var gatewayOptions = new CustomResourceOptions { Parent = this, DependsOn = [invoker] };
        JwksUri = args.TokenCheck switch
        {
            GatewayTokenCheck.AppTokens => Gateway(name, "jwks", args.JwksGatewayId, $"{args.DisplayName} signing keys", args.Region, api, gatewayAccount,
                    service.Uri.Apply(uri => GatewayOpenApi.JwksOnly($"{args.DisplayName} signing keys", uri, JwksPath)), Labels(), gatewayOptions)
                .DefaultHostname.Apply(host => $"https://{host}{JwksPath}"),
            GatewayTokenCheck.ExternalTokens => Output.Create(args.ExternalJwksUri!),
            _ => null,
        };
        var document = JwksUri is null
            ? service.Uri.Apply(uri => GatewayOpenApi.Document(args.DisplayName, uri, null, AppEnvironment.UnauthenticatedRoutes))
            : Output.Tuple(service.Uri, JwksUri).Apply(values => GatewayOpenApi.Document(args.DisplayName, values.Item1,
                new GatewayJwt(args.JwtIssuer!, values.Item2, args.JwtAudience!), AppEnvironment.UnauthenticatedRoutes));
        var gateway = Gateway(name, "main", args.GatewayId, args.DisplayName, args.Region, api, gatewayAccount, document, Labels(), gatewayOptions);

        EndpointUrl = gateway.DefaultHostname.Apply(host => $"https://{host}/");
        CredentialsJson = Output.Tuple(Credentials.CredentialsJson, EndpointUrl)
            .Apply(values => Output.CreateSecret(WithTokenUrl(values.Item1, values.Item2)));
        SinkBucketName = Output.Create(args.SinkBucketName);
        AppServiceAccountEmail = appAccount.Email;
        GatewayServiceAccountEmail = gatewayAccount.Email;

        RegisterOutputs(new Dictionary<string, object?>
        {
            ["endpointUrl"] = EndpointUrl,
            ["serviceUri"] = ServiceUri,
            ["image"] = Image,
            ["jwksUri"] = JwksUri,
            ["sinkBucket"] = SinkBucketName,
            ["appServiceAccount"] = AppServiceAccountEmail,
            ["gatewayServiceAccount"] = GatewayServiceAccountEmail,
            ["credentials"] = CredentialsJson,
        });
    }

    /// <summary>The main gateway's base URL, <c>https://&lt;gateway&gt;.&lt;region&gt;.gateway.dev/</c>: what AEP calls.</summary>
    public Output<string> EndpointUrl { get; }

    /// <summary>The Cloud Run service's own URL, which answers only the gateway's service account.</summary>
    public Output<string> ServiceUri { get; }

    /// <summary>The image the service runs.</summary>
    public Output<string> Image { get; }

    /// <summary>Where the gateway reads the keys of the tokens it checks; null with API keys.</summary>
    public Output<string>? JwksUri { get; }

    public Output<string> SinkBucketName { get; }

    public Output<string> AppServiceAccountEmail { get; }

    public Output<string> GatewayServiceAccountEmail { get; }

    /// <summary>SECRET JSON, tenant id → what its AEP customer enters: <c>{"apiKey"}</c> or <c>{"clientId", "clientSecret",
    /// "tokenUrl"}</c> (docs/gcp.md).</summary>
    public Output<string> CredentialsJson { get; }

    /// <summary>The tenants' generated credentials and the token signing key.</summary>
    public AppCredentials Credentials { get; }

    private Resource Sink(string name, GcpStreamingEndpointArgs args, Account appAccount, InputMap<string> labels, CustomResourceOptions child)
    {
        var (kmsKeyName, keyAccess) = args.CustomerManagedEncryption
            ? BucketKey.Create(this, $"{name}-sink", args.Region, args.KmsKeyName, labels)
            : (null, null);
        var bucket = new BucketArgs
        {
            Name = args.SinkBucketName,
            Location = args.Region,
            ForceDestroy = args.ForceDestroy,
            UniformBucketLevelAccess = true,
            PublicAccessPrevention = "enforced",
            // An audience object overwritten or deleted by mistake stays recoverable until the lifecycle removes it.
            Versioning = new BucketVersioningArgs { Enabled = true },
            LifecycleRules =
            {
                new BucketLifecycleRuleArgs
                {
                    Action = new BucketLifecycleRuleActionArgs { Type = "Delete" },
                    Condition = new BucketLifecycleRuleConditionArgs
                    {
                        Age = args.RetentionDays, WithState = "LIVE", MatchesPrefixes = { RequestsPrefix },
                    },
                },
                new BucketLifecycleRuleArgs
                {
                    Action = new BucketLifecycleRuleActionArgs { Type = "Delete" },
                    Condition = new BucketLifecycleRuleConditionArgs { DaysSinceNoncurrentTime = args.RetentionDays, WithState = "ARCHIVED" },
                },
            },
            Labels = labels,
        };
        if (kmsKeyName is not null) bucket.Encryption = new BucketEncryptionArgs { DefaultKmsKeyName = kmsKeyName };
        var sink = new Bucket($"{name}-sink", bucket, new CustomResourceOptions
        {
            Parent = this,
            DependsOn = keyAccess is null ? [] : [keyAccess],
        });

        var role = new IAMCustomRole($"{name}-app-role", new IAMCustomRoleArgs
        {
            RoleId = args.SinkRoleId,
            Title = "DestinationKit ingestion app",
            Description = $"What the ingestion app needs in its sink bucket {args.SinkBucketName}; bound on that bucket only.",
            Permissions = [.. GcsPermissions.AppSinkPermissions],
            Stage = "GA",
        }, child);
        return new BucketIAMMember($"{name}-app-sink-access", new BucketIAMMemberArgs
        {
            Bucket = sink.Name,
            Role = role.Name,
            Member = appAccount.Member,
        }, child);
    }

    /// <summary>The provisioned-credentials document in a secret kept in the region, which only the app's service account may read.</summary>
    private static (Secret Secret, SecretVersion Version, Resource Access) CredentialsSecret(string name, GcpStreamingEndpointArgs args,
        Output<string> document, Account appAccount, InputMap<string> labels, CustomResourceOptions child)
    {
        var secret = new Secret($"{name}-credentials-secret", new SecretArgs
        {
            SecretId = args.SecretId,
            Replication = new SecretReplicationArgs
            {
                UserManaged = new SecretReplicationUserManagedArgs
                {
                    Replicas = { new SecretReplicationUserManagedReplicaArgs { Location = args.Region } },
                },
            },
            Labels = labels,
        }, child);
        var version = new SecretVersion($"{name}-credentials-version", new SecretVersionArgs { Secret = secret.Id, SecretData = document }, child);
        var access = new SecretIamMember($"{name}-app-secret-access", new SecretIamMemberArgs
        {
            SecretId = secret.SecretId,
            Role = SecretAccessorRole,
            Member = appAccount.Member,
        }, child);
        return (secret, version, access);
    }

    /// <summary>The app's container: its settings, the sink bucket, and the credentials document from the secret's
    /// version of this deployment (a new version, after a rotation, rolls out a new revision).</summary>
    private static ServiceTemplateContainerArgs Container(GcpStreamingEndpointArgs args, Output<string> image, Secret secret, SecretVersion version)
    {
        var container = new ServiceTemplateContainerArgs
        {
            Image = image,
            Ports = new ServiceTemplateContainerPortsArgs { ContainerPort = AppEnvironment.Port },
            Resources = new ServiceTemplateContainerResourcesArgs
            {
                Limits = { ["cpu"] = args.Cpu, ["memory"] = args.Memory },
            },
            StartupProbe = new ServiceTemplateContainerStartupProbeArgs
            {
                HttpGet = new ServiceTemplateContainerStartupProbeHttpGetArgs { Path = LivePath },
            },
            LivenessProbe = new ServiceTemplateContainerLivenessProbeArgs
            {
                HttpGet = new ServiceTemplateContainerLivenessProbeHttpGetArgs { Path = LivePath },
            },
        };
        foreach (var (key, value) in args.AppVariables.AddRange(AppEnvironment.GcsSink(args.SinkBucketName)))
            container.Envs.Add(new ServiceTemplateContainerEnvArgs { Name = key, Value = value });
        container.Envs.Add(new ServiceTemplateContainerEnvArgs
        {
            Name = AppEnvironment.ProvisionedJson,
            ValueSource = new ServiceTemplateContainerEnvValueSourceArgs
            {
                SecretKeyRef = new ServiceTemplateContainerEnvValueSourceSecretKeyRefArgs { Secret = secret.SecretId, Version = version.Version },
            },
        });
        return container;
    }

    /// <summary>One API config (an OpenAPI document; configs are immutable, so a changed document is a new config with a
    /// new generated id, created before the gateway moves to it) and the gateway serving it.</summary>
    private Gateway Gateway(string name, string purpose, string gatewayId, string displayName, string region, Api api, Account gatewayAccount,
        Output<string> document, InputMap<string> labels, CustomResourceOptions options)
    {
        var config = new ApiConfig($"{name}-{purpose}-config", new ApiConfigArgs
        {
            Api = api.ApiId,
            ApiConfigIdPrefix = $"{purpose}-",
            DisplayName = $"{displayName} ({purpose}, generated)",
            OpenapiDocuments =
            {
                new ApiConfigOpenapiDocumentArgs
                {
                    Document = new ApiConfigOpenapiDocumentDocumentArgs
                    {
                        Path = GatewayOpenApi.DocumentPath,
                        Contents = document.Apply(GatewayOpenApi.Base64),
                    },
                },
            },
            GatewayConfig = new ApiConfigGatewayConfigArgs
            {
                BackendConfig = new ApiConfigGatewayConfigBackendConfigArgs { GoogleServiceAccount = gatewayAccount.Email },
            },
            Labels = labels,
        }, new CustomResourceOptions { Parent = this });
        return new Gateway($"{name}-{purpose}-gateway", new GatewayArgs
        {
            GatewayId = gatewayId,
            ApiConfig = config.Id,
            DisplayName = displayName,
            Region = region,
            Labels = labels,
        }, options);
    }

    /// <summary>Adds each OAuth client's token URL (the gateway's, known only now) to the credentials handed out.</summary>
    internal static string WithTokenUrl(string credentialsJson, string endpointUrl)
    {
        var credentials = JsonNode.Parse(credentialsJson)!.AsObject();
        foreach (var (_, entry) in credentials)
        {
            if (entry is JsonObject fields && fields.ContainsKey("clientId") && !fields.ContainsKey("tokenUrl"))
                fields["tokenUrl"] = AppCredentials.TokenUrlFor(endpointUrl);
        }
        return credentials.ToJsonString();
    }
}
