using System.Text.Json.Nodes;
using DestinationKit.Model.Configuration;
using DestinationKit.Model.Naming;
using DestinationKit.Model.Spec;

namespace DestinationKit.Model.Aep;

/// <summary>Builds the Destination SDK configuration (shared/AEP.md §1–§5) from a spec and the facts of its
/// deployment.</summary>
public static class AepConfigurationBuilder
{
    public static AepConfiguration Build(DestinationSpec spec, DeploymentFacts facts)
    {
        var audienceTemplate = spec.IsStreaming && spec.Aep.AudienceMapping == AudienceMapping.Api
            ? AudienceTemplateBuilder.Build(spec, RequireEndpoint(facts))
            : null;
        var server = spec.IsStreaming ? StreamingServer(spec, RequireEndpoint(facts)) : FileServerBuilder.Build(spec, facts);
        return new AepConfiguration(server, DestinationConfiguration(spec, facts), audienceTemplate);
    }

    internal static Uri RequireEndpoint(DeploymentFacts facts) =>
        facts.EndpointUrl ?? throw new ArgumentException("a streaming destination needs the endpoint URL", nameof(facts));

    /// <summary>Joins a path to the endpoint, whether or not the endpoint ends in a slash (API Gateway stage URLs do not).</summary>
    internal static string Url(Uri endpoint, string path) => $"{endpoint.AbsoluteUri.TrimEnd('/')}/{path.TrimStart('/')}";

    private static JsonObject StreamingServer(DestinationSpec spec, Uri endpoint) => new()
    {
        ["name"] = $"{spec.Aep.DestinationName} streaming server",
        ["destinationServerType"] = "URL_BASED",
        ["urlBasedDestination"] = new JsonObject { ["url"] = Templated.Literal(Url(endpoint, "v1/profiles")) },
        ["httpTemplate"] = new JsonObject
        {
            ["httpMethod"] = "POST",
            ["contentType"] = "application/json",
            ["requestBody"] = Templated.Pebble(StreamingTemplate.For(spec)),
        },
    };

    private static JsonObject DestinationConfiguration(DestinationSpec spec, DeploymentFacts facts)
    {
        var aep = spec.Aep;
        var config = new JsonObject
        {
            ["name"] = aep.DestinationName,
            ["description"] = aep.Description,
            ["status"] = "TEST",
        };
        var authentication = Authentication(spec, facts);
        if (authentication is not null) config["customerAuthenticationConfigurations"] = new JsonArray(authentication);
        config["customerDataFields"] = CustomerDataFields(spec);
        config["uiAttributes"] = UiAttributes(spec);
        if (aep.IdentityNamespaces.Length > 0) config["identityNamespaces"] = IdentityNamespaces(aep);
        config["schemaConfig"] = new JsonObject
        {
            ["profileFields"] = new JsonArray([.. aep.ProfileFields.Select(ProfileField)]),
            ["profileRequired"] = aep.ProfileFields.Length > 0,
            ["segmentRequired"] = true,
            ["identityRequired"] = aep.IdentityNamespaces.Length > 0,
        };
        config["segmentMappingConfig"] = SegmentMapping(aep);
        if (spec.Streaming is { } streaming) config["aggregation"] = Aggregation(streaming.Aggregation);
        if (spec.BatchExport is { } batch) config["batchConfig"] = BatchConfig(batch, aep);
        config["destinationDelivery"] = new JsonArray(new JsonObject
        {
            ["authenticationRule"] = authentication is null ? "NONE" : "CUSTOMER_AUTHENTICATION",
            ["destinationServerId"] = Placeholders.DestinationServerId,
        });
        config["backfillHistoricalProfileData"] = aep.BackfillHistoricalProfileData;
        return config;
    }

    /// <summary>Customer authentication per target (shared/AEP.md §2 and §4.2); null for the DLZ, which needs none.</summary>
    private static JsonObject? Authentication(DestinationSpec spec, DeploymentFacts facts) => spec.Target switch
    {
        DestinationTarget.AwsS3 => new JsonObject { ["authType"] = "S3" },
        DestinationTarget.AzureBlob => new JsonObject { ["authType"] = "AZURE_CONNECTION_STRING" },
        DestinationTarget.AzureAdls => new JsonObject { ["authType"] = "AZURE_SERVICE_PRINCIPAL" },
        DestinationTarget.Sftp => new JsonObject { ["authType"] = "SFTP_WITH_SSH_KEY" },
        DestinationTarget.GcpGcs => new JsonObject { ["authType"] = "GOOGLE_CLOUD_STORAGE" },
        DestinationTarget.Dlz => null,
        _ when spec.Streaming!.Auth == StreamingAuth.ApiKey => new JsonObject { ["authType"] = "BEARER" },
        _ => OAuth2(spec.Streaming!.OAuth2!, TokenUrl(spec, facts)),
    };

    public static Uri TokenUrl(DestinationSpec spec, DeploymentFacts facts) => spec.Streaming?.OAuth2?.Issuer switch
    {
        TokenIssuer.External => spec.Streaming.OAuth2.External!.TokenUrl,
        TokenIssuer.Cognito => facts.TokenUrl ?? throw new ArgumentException("Cognito needs the user pool's token URL", nameof(facts)),
        _ => new Uri(Url(RequireEndpoint(facts), "oauth2/token")),
    };

    /// <summary>Client credentials with a client per tenant: the customer enters the client id and secret that
    /// the stack issued for it, and AEP uses them at the token URL.</summary>
    private static JsonObject OAuth2(OAuth2Settings oauth, Uri tokenUrl)
    {
        var config = new JsonObject
        {
            ["authType"] = "OAUTH2",
            ["grant"] = "OAUTH2_CLIENT_CREDENTIALS",
            ["accessTokenUrl"] = tokenUrl.AbsoluteUri,
            ["refreshTokenUrl"] = tokenUrl.AbsoluteUri,
            ["clientId"] = "{{authData.clientId}}",
            ["clientSecret"] = "{{authData.clientSecret}}",
        };
        if (oauth.Scopes.Length > 0) config["scope"] = new JsonArray([.. oauth.Scopes.Select(s => (JsonNode)s)]);
        config["options"] = new JsonObject { ["useBasicAuth"] = oauth.ClientAuthentication == ClientAuthentication.Basic };
        config["authenticationDataFields"] = new JsonArray(
            new JsonObject
            {
                ["name"] = "clientId", ["title"] = "Client ID", ["description"] = "The OAuth 2.0 client id issued for your account.",
                ["type"] = "string", ["isRequired"] = true, ["source"] = "CUSTOMER",
            },
            new JsonObject
            {
                ["name"] = "clientSecret", ["title"] = "Client secret", ["description"] = "The OAuth 2.0 client secret issued for your account.",
                ["type"] = "string", ["format"] = "password", ["isRequired"] = true, ["source"] = "CUSTOMER",
            });
        return config;
    }

    private static JsonArray CustomerDataFields(DestinationSpec spec)
    {
        var fields = new JsonArray();
        if (!spec.IsStreaming)
        {
            fields.Add(new JsonObject
            {
                ["name"] = DestinationSpecParser.TenantIdField,
                ["title"] = "Tenant ID",
                ["description"] = $"Your tenant id at {spec.Aep.DestinationName}; exports go to your own folder or container.",
                ["type"] = "string",
                ["isRequired"] = true,
                ["pattern"] = "^(?!.*--)[a-z0-9][a-z0-9-]{1,30}[a-z0-9]$",
            });
            if (spec.AccountPerTenant)
            {
                fields.Add(new JsonObject
                {
                    ["name"] = FileServerBuilder.StorageAccountField,
                    ["title"] = "Storage account name",
                    ["description"] = "The Azure storage account created for your tenant.",
                    ["type"] = "string",
                    ["isRequired"] = true,
                    ["pattern"] = "^[a-z0-9]{3,24}$",
                });
            }
        }
        foreach (var field in spec.Aep.CustomerDataFields) fields.Add(CustomerDataField(field));
        return fields;
    }

    private static JsonObject CustomerDataField(CustomerDataField field)
    {
        var node = new JsonObject { ["name"] = field.Name, ["title"] = field.Title };
        if (field.Description is not null) node["description"] = field.Description;
        node["type"] = field.Type;
        node["isRequired"] = field.IsRequired;
        if (field.Pattern is not null) node["pattern"] = field.Pattern;
        if (field.Enum.Length > 0) node["enum"] = new JsonArray([.. field.Enum.Select(v => (JsonNode)v)]);
        if (field.Default is not null) node["default"] = field.Default;
        return node;
    }

    private static JsonObject UiAttributes(DestinationSpec spec)
    {
        var node = new JsonObject();
        if (spec.Aep.DocumentationLink is not null) node["documentationLink"] = spec.Aep.DocumentationLink;
        node["category"] = spec.Aep.Category;
        node["connectionType"] = spec.Target switch
        {
            DestinationTarget.AwsS3 => "S3",
            DestinationTarget.AzureBlob => "Azure Blob",
            DestinationTarget.AzureAdls => "Azure Data Lake Storage",
            DestinationTarget.Sftp => "SFTP",
            DestinationTarget.GcpGcs => "Cloud storage",
            DestinationTarget.Dlz => "DLZ",
            _ => "Server-to-server",
        };
        node["frequency"] = spec.IsStreaming ? "Streaming" : "Batch";
        return node;
    }

    private static JsonObject IdentityNamespaces(AepSettings aep)
    {
        var node = new JsonObject();
        foreach (var ns in aep.IdentityNamespaces)
        {
            var options = new JsonObject
            {
                ["acceptsAttributes"] = ns.AcceptsAttributes,
                ["acceptsCustomNamespaces"] = ns.AcceptsCustomNamespaces,
            };
            if (ns.Transformation is not null) options["transformation"] = ns.Transformation;
            if (ns.AcceptedGlobalNamespaces.Count > 0)
            {
                options["acceptedGlobalNamespaces"] = new JsonObject(ns.AcceptedGlobalNamespaces.Select(g => KeyValuePair.Create(g.Key,
                    (JsonNode?)(g.Value is null ? new JsonObject() : new JsonObject { ["requiredTransformation"] = g.Value }))));
            }
            node[ns.Name] = options;
        }
        return node;
    }

    private static JsonNode ProfileField(ProfileField field)
    {
        var node = new JsonObject { ["name"] = field.Name, ["title"] = field.Title };
        if (field.Description is not null) node["description"] = field.Description;
        node["type"] = field.Type;
        node["isRequired"] = field.IsRequired;
        node["readOnly"] = false;
        node["hidden"] = false;
        return node;
    }

    private static JsonObject SegmentMapping(AepSettings aep)
    {
        var node = new JsonObject
        {
            ["mapExperiencePlatformSegmentName"] = false,
            ["mapExperiencePlatformSegmentId"] = aep.AudienceMapping == AudienceMapping.AepId,
            ["mapUserInput"] = aep.AudienceMapping == AudienceMapping.UserInput,
        };
        if (aep.AudienceMapping == AudienceMapping.Api) node["audienceTemplateId"] = Placeholders.AudienceTemplateId;
        return node;
    }

    private static JsonObject Aggregation(AggregationPolicy policy)
    {
        if (policy.Type == AggregationType.BestEffort)
        {
            return new JsonObject
            {
                ["aggregationType"] = "BEST_EFFORT",
                ["bestEffortAggregation"] = new JsonObject
                {
                    ["maxUsersPerRequest"] = policy.MaxUsersPerRequest,
                    ["splitUserById"] = policy.SplitUserById,
                },
            };
        }
        var configurable = new JsonObject
        {
            ["splitUserById"] = policy.SplitUserById,
            ["maxBatchAgeInSecs"] = policy.MaxBatchAgeInSecs,
            ["maxNumEventsInBatch"] = policy.MaxNumEventsInBatch,
        };
        if (policy.Key is { } key)
        {
            var keyNode = new JsonObject
            {
                ["includeSegmentId"] = key.IncludeSegmentId,
                ["includeSegmentStatus"] = key.IncludeSegmentStatus,
                ["includeIdentity"] = key.IncludeIdentity,
                ["oneIdentityPerGroup"] = key.OneIdentityPerGroup,
            };
            if (key.Groups.Length > 0)
            {
                keyNode["groups"] = new JsonArray([.. key.Groups.Select(g =>
                    (JsonNode)new JsonObject { ["namespaces"] = new JsonArray([.. g.Select(n => (JsonNode)n)]) })]);
            }
            configurable["aggregationKey"] = keyNode;
        }
        return new JsonObject { ["aggregationType"] = "CONFIGURABLE_AGGREGATION", ["configurableAggregation"] = configurable };
    }

    private static JsonObject BatchConfig(BatchExportSettings batch, AepSettings aep) => new()
    {
        ["allowMandatoryFieldSelection"] = true,
        ["allowDedupeKeyFieldSelection"] = true,
        ["defaultExportMode"] = batch.DefaultExportMode,
        // Adobe's reference table spells it allowedExportModes, its API examples allowedExportMode: the examples win.
        ["allowedExportMode"] = Strings(batch.AllowedExportModes),
        ["allowedScheduleFrequency"] = Strings(batch.AllowedFrequencies),
        ["defaultFrequency"] = batch.DefaultFrequency,
        ["defaultStartTime"] = batch.DefaultStartTime,
        ["filenameConfig"] = new JsonObject
        {
            ["allowedFilenameAppendOptions"] = Strings(batch.FilenameAppendOptions),
            ["defaultFilenameAppendOptions"] = Strings(batch.DefaultFilenameAppendOptions),
            ["defaultFilename"] = batch.DefaultFilename,
        },
        ["backfillHistoricalProfileData"] = aep.BackfillHistoricalProfileData,
    };

    private static JsonArray Strings(IEnumerable<string> values) => new([.. values.Select(v => (JsonNode)v)]);

    internal static string TenantPathTemplate => $"{{{{customerData.{DestinationSpecParser.TenantIdField}}}}}";

    internal static string TenantPrefixTemplate => $"{TenantPathTemplate}/";

    internal static ResourceNames Names(DestinationSpec spec) => new(spec);
}
