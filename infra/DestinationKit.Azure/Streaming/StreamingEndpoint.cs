using System.Collections.Immutable;
using DestinationKit.Model.Permissions;
using DestinationKit.Streaming;
using Pulumi;
using Pulumi.AzureNative.ApiManagement;
using Pulumi.AzureNative.ApiManagement.Inputs;
using Pulumi.AzureNative.Authorization;
using Pulumi.AzureNative.KeyVault;
using Pulumi.AzureNative.KeyVault.Inputs;
using Pulumi.AzureNative.Resources;
using Pulumi.AzureNative.Storage;
using Pulumi.AzureNative.Storage.Inputs;
using Pulumi.AzureNative.Web;
using Pulumi.AzureNative.Web.Inputs;
using Pulumi.Random;

namespace DestinationKit.Azure.Streaming;

/// <summary>The <c>azure</c> streaming target: the bundled ingestion app on a Linux App Service, run from a zip package
/// that <c>pulumi up</c> uploads, writing to a Blob sink with its managed identity, with its credentials in Key Vault
/// (Key Vault references, never plain settings), behind API Management (Consumption) that rate-limits every call and
/// checks the caller on every data operation. The app refuses requests that do not come through the gateway.
/// docs/azure.md, "Streaming", explains each choice.</summary>
public sealed class StreamingEndpoint : ComponentResource
{
    public const string TypeToken = "destinationkit:azure:StreamingEndpoint";

    /// <summary>The App Service stack the framework-dependent app runs on.</summary>
    public const string LinuxFxVersion = "DOTNETCORE|10.0";

    public const string StartupCommand = "dotnet DestinationKit.Ingestion.dll";

    public const string ApiId = "destinationkit-ingestion";

    public const string DocumentSecretName = "provisioned-credentials";

    public const string OriginSecretName = "gateway-origin-secret";

    /// <summary>Soft-deleted secrets and the vault are kept this many days (the minimum) after a destroy.</summary>
    public const int VaultSoftDeleteDays = 7;

    /// <summary>Length of the gateway's secret for the app (letters and digits: about 380 bits).</summary>
    public const int OriginSecretLength = 64;

    public StreamingEndpoint(string name, StreamingEndpointArgs args, ComponentResourceOptions? options = null)
        : base(TypeToken, name, options)
    {
        ArgumentNullException.ThrowIfNull(args);
        var streaming = args.Spec.Streaming!;
        var child = new CustomResourceOptions { Parent = this };
        var tags = (InputMap<string>)args.Tags.ToImmutableDictionary(StringComparer.Ordinal);
        var client = GetClientConfig.Invoke(new InvokeOptions { Parent = this });

        var group = new ResourceGroup($"{name}-rg", new ResourceGroupArgs
        {
            ResourceGroupName = args.ResourceGroupName,
            Location = args.Location,
            Tags = tags,
        }, child);

        // The sink: the app's durable request log. No shared keys: the app signs in with its managed identity.
        var sink = Account($"{name}-sink", args.SinkAccountName, allowSharedKey: false, args, group, tags, child);
        var sinkContainer = Container($"{name}-sink", StreamingEndpointArgs.SinkContainer, sink, group, child);
        Retention(name, sink, group, args.RetentionDays, child);

        // The app's package, read by App Service through a time-bound, read-only SAS on this one blob.
        var packages = Account($"{name}-package", args.PackageAccountName, allowSharedKey: true, args, group, tags, child);
        var packageContainer = Container($"{name}-package", StreamingEndpointArgs.PackageContainer, packages, group, child);
        // Auto-named: a new package is a new blob, so the app's setting changes and App Service restarts on it.
        var package = new Blob($"{name}-app-zip", new BlobArgs
        {
            AccountName = packages.Name,
            ContainerName = packageContainer.Name,
            ResourceGroupName = group.Name,
            Type = BlobType.Block,
            ContentType = "application/zip",
            Source = new FileArchive(args.AppFolder),
        }, child);
        var sas = ListStorageAccountServiceSAS.Invoke(new ListStorageAccountServiceSASInvokeArgs
        {
            AccountName = packages.Name,
            ResourceGroupName = group.Name,
            CanonicalizedResource = Output.Format($"/blob/{packages.Name}/{packageContainer.Name}/{package.Name}"),
            Resource = SignedResource.B,
            Permissions = Pulumi.AzureNative.Storage.Permissions.R,
            Protocols = HttpProtocol.Https,
            SharedAccessStartTime = args.PackageSas.Start,
            SharedAccessExpiryTime = args.PackageSas.Expiry,
        }, new InvokeOptions { Parent = this });
        var packageUrl = Output.Tuple(package.Url, sas).Apply(v => Output.CreateSecret($"{v.Item1}?{v.Item2.ServiceSasToken}"));

        var plan = new AppServicePlan($"{name}-plan", new AppServicePlanArgs
        {
            Name = args.PlanName,
            ResourceGroupName = group.Name,
            Location = args.Location,
            Kind = "linux",
            Reserved = true,
            Sku = new SkuDescriptionArgs { Name = args.PlanSku, Capacity = 1 },
            Tags = tags,
        }, child);

        var app = new WebApp($"{name}-app", new WebAppArgs
        {
            Name = args.WebAppName,
            ResourceGroupName = group.Name,
            Location = args.Location,
            Kind = "app,linux",
            Reserved = true,
            ServerFarmId = plan.Id,
            HttpsOnly = true,
            ClientAffinityEnabled = false,
            Identity = new Pulumi.AzureNative.Web.Inputs.ManagedServiceIdentityArgs { Type = Pulumi.AzureNative.Web.ManagedServiceIdentityType.SystemAssigned },
            SiteConfig = new SiteConfigArgs
            {
                LinuxFxVersion = LinuxFxVersion,
                AppCommandLine = StartupCommand,
                AlwaysOn = true,
                Http20Enabled = true,
                MinTlsVersion = SupportedTlsVersions.SupportedTlsVersions_1_2,
                ScmMinTlsVersion = SupportedTlsVersions.SupportedTlsVersions_1_2,
                FtpsState = FtpsState.Disabled,
                RemoteDebuggingEnabled = false,
                HealthCheckPath = "/health/ready",
            },
            Tags = tags,
        }, child);
        var principalId = app.Identity.Apply(identity => identity?.PrincipalId
            ?? throw new InvalidOperationException("the web app was created without its system-assigned identity"));

        var sinkAccess = new RoleAssignment($"{name}-app-sink", new RoleAssignmentArgs
        {
            Scope = Output.Tuple(sink.Id, sinkContainer.Name).Apply(v => AzureRoles.ContainerScope(v.Item1, v.Item2)),
            RoleDefinitionId = client.Apply(c => AzureRoles.RoleDefinitionId(c.SubscriptionId, AzureRoles.StorageBlobDataContributor)),
            PrincipalId = principalId,
            PrincipalType = PrincipalType.ServicePrincipal,
            Description = "The streaming app writes accepted requests to its sink container.",
        }, child);

        // Key Vault with RBAC: the app reads its secrets through Key Vault references; nobody else is granted data access.
        // Auto-named: a destroyed vault's name stays reserved while it is soft-deleted.
        var vault = new Vault($"{name}-kv", new VaultArgs
        {
            ResourceGroupName = group.Name,
            Location = args.Location,
            Properties = new VaultPropertiesArgs
            {
                TenantId = client.Apply(c => c.TenantId),
                Sku = new Pulumi.AzureNative.KeyVault.Inputs.SkuArgs { Family = SkuFamily.A, Name = Pulumi.AzureNative.KeyVault.SkuName.Standard },
                EnableRbacAuthorization = true,
                EnableSoftDelete = true,
                SoftDeleteRetentionInDays = VaultSoftDeleteDays,
            },
            Tags = tags,
        }, child);
        var vaultAccess = new RoleAssignment($"{name}-app-vault", new RoleAssignmentArgs
        {
            Scope = vault.Id,
            RoleDefinitionId = client.Apply(c => AzureRoles.RoleDefinitionId(c.SubscriptionId, AzureRoles.KeyVaultSecretsUser)),
            PrincipalId = principalId,
            PrincipalType = PrincipalType.ServicePrincipal,
            Description = "The streaming app resolves the Key Vault references of its settings.",
        }, child);

        var gateway = new ApiManagementService($"{name}-gateway", new ApiManagementServiceArgs
        {
            ServiceName = args.ApiManagementName,
            ResourceGroupName = group.Name,
            Location = args.Location,
            Sku = new ApiManagementServiceSkuPropertiesArgs { Name = SkuType.Consumption, Capacity = 0 },
            PublisherEmail = args.PublisherEmail,
            PublisherName = args.PublisherName,
            Tags = tags,
        }, child);
        var gatewayBaseUrl = gateway.GatewayUrl.Apply(url => url.TrimEnd('/'));
        GatewayBaseUrl = gatewayBaseUrl;
        EndpointUrl = gatewayBaseUrl.Apply(url => url + "/");

        var credentials = new AppCredentials($"{name}-credentials", AppCredentialsArgs.FromSpec(args.Spec, gatewayBaseUrl),
            new ComponentResourceOptions { Parent = this });
        CredentialsJson = credentials.CredentialsJson;
        var originSecret = new RandomPassword($"{name}-origin-secret", new RandomPasswordArgs { Length = OriginSecretLength, Special = false }, child)
            .Result.Apply(Output.CreateSecret);

        var documentSecret = VaultSecret($"{name}-document", DocumentSecretName, credentials.Document, vault, group, tags, child);
        var originVaultSecret = VaultSecret($"{name}-origin", OriginSecretName, originSecret, vault, group, tags, child);

        var settings = AppSettings(args, gatewayBaseUrl, sink, packageUrl, documentSecret, originVaultSecret);
        // Settings are applied once the identity may read the vault and the sink, so the references resolve and the
        // app can write from its first start.
        var appSettings = new WebAppApplicationSettings($"{name}-app-settings", new WebAppApplicationSettingsArgs
        {
            Name = app.Name,
            ResourceGroupName = group.Name,
            Properties = settings,
        }, new CustomResourceOptions { Parent = this, DependsOn = { sinkAccess, vaultAccess }, AdditionalSecretOutputs = { "properties" } });

        var api = new Api($"{name}-api", new ApiArgs
        {
            ApiId = ApiId,
            ServiceName = gateway.Name,
            ResourceGroupName = group.Name,
            DisplayName = $"{args.Spec.Aep.DestinationName} ingestion",
            Path = "",
            Protocols = { Protocol.Https },
            ServiceUrl = app.DefaultHostName.Apply(host => $"https://{host}"),
            SubscriptionRequired = false,
        }, child);
        var originValue = new NamedValue($"{name}-origin-value", new NamedValueArgs
        {
            NamedValueId = GatewayPolicies.OriginSecretNamedValue,
            DisplayName = GatewayPolicies.OriginSecretNamedValue,
            ServiceName = gateway.Name,
            ResourceGroupName = group.Name,
            Secret = true,
            Value = originSecret,
        }, child);
        new ApiPolicy($"{name}-api-policy", new ApiPolicyArgs
        {
            ApiId = api.Name,
            ServiceName = gateway.Name,
            ResourceGroupName = group.Name,
            PolicyId = "policy",
            Format = PolicyContentFormat.Xml,
            Value = GatewayPolicies.Api(args.RateLimit),
        }, new CustomResourceOptions { Parent = this, DependsOn = { originValue, appSettings } });

        foreach (var operation in GatewayOperations.For(streaming))
        {
            var created = new ApiOperation($"{name}-op-{operation.OperationId}", new ApiOperationArgs
            {
                OperationId = operation.OperationId,
                ApiId = api.Name,
                ServiceName = gateway.Name,
                ResourceGroupName = group.Name,
                DisplayName = $"{operation.Method} {operation.UrlTemplate}",
                Method = operation.Method,
                UrlTemplate = operation.UrlTemplate,
                TemplateParameters = operation.TemplateParameters
                    .Select(p => new ParameterContractArgs { Name = p, Type = "string", Required = true }).ToList(),
            }, child);
            if (!operation.IsData) continue;
            new ApiOperationPolicy($"{name}-op-{operation.OperationId}-policy", new ApiOperationPolicyArgs
            {
                ApiId = api.Name,
                OperationId = created.Name,
                ServiceName = gateway.Name,
                ResourceGroupName = group.Name,
                PolicyId = "policy",
                Format = PolicyContentFormat.Xml,
                Value = gatewayBaseUrl.Apply(url => GatewayPolicies.DataOperation(GatewayPolicies.CheckFor(streaming, url))),
            }, child);
        }

        TokenUrl = streaming.OAuth2 switch
        {
            { External: { } external } => Output.Create(external.TokenUrl.AbsoluteUri),
            { } => gatewayBaseUrl.Apply(AppCredentials.TokenUrlFor),
            null => null,
        };
        AppHostName = app.DefaultHostName;
        PackageUrl = packageUrl;
        SinkAccountName = sink.Name;
        VaultName = vault.Name;

        RegisterOutputs(new Dictionary<string, object?>
        {
            ["endpointUrl"] = EndpointUrl,
            ["tokenUrl"] = TokenUrl,
            ["appHostName"] = AppHostName,
            ["sinkAccountName"] = SinkAccountName,
            ["vaultName"] = VaultName,
            ["credentials"] = CredentialsJson,
        });
    }

    /// <summary>The gateway's public URL with a trailing slash: what AEP calls.</summary>
    public Output<string> EndpointUrl { get; }

    /// <summary>The gateway's URL without trailing slash: the app's public base URL and the issuer of its tokens.</summary>
    public Output<string> GatewayBaseUrl { get; }

    /// <summary>Where AEP gets OAuth 2.0 tokens; null with API keys.</summary>
    public Output<string>? TokenUrl { get; }

    /// <summary>SECRET JSON, per tenant: what its AEP customer enters (<c>AppCredentials.CredentialsJson</c>).</summary>
    public Output<string> CredentialsJson { get; }

    /// <summary>The app's own host, reachable only with the gateway's secret header (health routes aside).</summary>
    public Output<string> AppHostName { get; }

    /// <summary>SECRET: the package blob's URL with its read-only SAS (the app's <c>WEBSITE_RUN_FROM_PACKAGE</c>).</summary>
    public Output<string> PackageUrl { get; }

    public Output<string> SinkAccountName { get; }

    public Output<string> VaultName { get; }

    /// <summary>Every setting of the app: the common environment, the Blob sink, the package, and the two secrets as Key
    /// Vault references to their current version (a new secret version changes the setting, so the app restarts on it).</summary>
    private static InputMap<string> AppSettings(StreamingEndpointArgs args, Output<string> gatewayBaseUrl, StorageAccount sink,
        Output<string> packageUrl, Secret document, Secret originSecret)
    {
        var settings = new InputMap<string>();
        foreach (var (key, value) in AppEnvironment.Common(args.Spec, gatewayBaseUrl)) settings.Add(key, value);
        var serviceUri = sink.Name.Apply(account => StorageEndpoints.BlobEndpoint(account).TrimEnd('/'));
        foreach (var (key, value) in AppEnvironment.BlobSink(serviceUri, StreamingEndpointArgs.SinkContainer)) settings.Add(key, value);
        settings.Add(AppEnvironment.ProvisionedJson, KeyVaultReference(document));
        settings.Add("Gateway__SharedSecret", KeyVaultReference(originSecret));
        settings.Add("Gateway__HeaderName", GatewayPolicies.OriginSecretHeader);
        settings.Add("WEBSITE_RUN_FROM_PACKAGE", packageUrl);
        settings.Add("WEBSITES_PORT", AppEnvironment.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return settings;
    }

    public static string KeyVaultReferenceTo(string secretUriWithVersion) => $"@Microsoft.KeyVault(SecretUri={secretUriWithVersion})";

    private static Output<string> KeyVaultReference(Secret secret) =>
        secret.Properties.Apply(p => KeyVaultReferenceTo(p.SecretUriWithVersion));

    private static Secret VaultSecret(string resourceName, string secretName, Output<string> value, Vault vault, ResourceGroup group,
        InputMap<string> tags, CustomResourceOptions child) =>
        new(resourceName, new SecretArgs
        {
            SecretName = secretName,
            VaultName = vault.Name,
            ResourceGroupName = group.Name,
            Properties = new SecretPropertiesArgs { Value = value, ContentType = "text/plain" },
            Tags = tags,
        }, child);

    /// <summary>A StorageV2 account that takes HTTPS with TLS 1.2 or later only and never serves anonymous reads.</summary>
    private static StorageAccount Account(string resourceName, string accountName, bool allowSharedKey, StreamingEndpointArgs args,
        ResourceGroup group, InputMap<string> tags, CustomResourceOptions child) =>
        new(resourceName, new StorageAccountArgs
        {
            AccountName = accountName,
            ResourceGroupName = group.Name,
            Location = args.Location,
            Kind = Kind.StorageV2,
            Sku = new Pulumi.AzureNative.Storage.Inputs.SkuArgs { Name = Pulumi.AzureNative.Storage.SkuName.Standard_LRS },
            AccessTier = AccessTier.Hot,
            EnableHttpsTrafficOnly = true,
            MinimumTlsVersion = MinimumTlsVersion.TLS1_2,
            AllowBlobPublicAccess = false,
            AllowCrossTenantReplication = false,
            AllowSharedKeyAccess = allowSharedKey,
            Encryption = new EncryptionArgs
            {
                KeySource = KeySource.Microsoft_Storage,
                RequireInfrastructureEncryption = args.InfrastructureEncryption,
            },
            Tags = tags,
        }, child);

    private static BlobContainer Container(string resourceName, string containerName, StorageAccount account, ResourceGroup group,
        CustomResourceOptions child) =>
        new($"{resourceName}-container", new BlobContainerArgs
        {
            ContainerName = containerName,
            AccountName = account.Name,
            ResourceGroupName = group.Name,
            PublicAccess = PublicAccess.None,
        }, child);

    /// <summary>Stored requests are deleted <c>retentionDays</c> after they were written (docs/configuration.md).</summary>
    private static void Retention(string name, StorageAccount sink, ResourceGroup group, int days, CustomResourceOptions child) =>
        new ManagementPolicy($"{name}-sink-retention", new ManagementPolicyArgs
        {
            AccountName = sink.Name,
            ResourceGroupName = group.Name,
            ManagementPolicyName = "default",
            Policy = new ManagementPolicySchemaArgs
            {
                Rules =
                {
                    new ManagementPolicyRuleArgs
                    {
                        Name = "deleteafterretention",
                        Enabled = true,
                        Type = RuleType.Lifecycle,
                        Definition = new ManagementPolicyDefinitionArgs
                        {
                            Filters = new ManagementPolicyFilterArgs { BlobTypes = { "blockBlob" } },
                            Actions = new ManagementPolicyActionArgs
                            {
                                BaseBlob = new ManagementPolicyBaseBlobArgs
                                {
                                    Delete = new DateAfterModificationArgs { DaysAfterModificationGreaterThan = days },
                                },
                            },
                        },
                    },
                },
            },
        }, child);
}
