using System.Collections;
using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using DestinationKit.Streaming;

namespace DestinationKit.Infra.Tests.Security;

/// <summary>What one invariant checks on a resource: a message for each breach, none when it holds.</summary>
internal delegate IEnumerable<string> Check(RecordedResource resource, StackGraph graph);

/// <summary>The security invariants every stack must keep, over what the engine was asked to create (the mocks'
/// record of every resource's inputs) and what the stack exports:
/// <list type="bullet">
/// <item>no public storage (S3 public access blocked and ACLs off, Azure accounts without anonymous access and every
/// container private, Cloud Storage with public access prevention and uniform access, nothing granted to
/// <c>allUsers</c>, <c>allAuthenticatedUsers</c> or <c>*</c>);</item>
/// <item>no wildcard IAM grant (every Allow statement of every AWS policy document names its actions and resources,
/// only Deny statements use wildcards; Google custom roles list their permissions; built-in roles are known
/// narrow ones, granted on a single resource);</item>
/// <item>TLS wherever the stack can enforce it (S3 bucket policies deny requests without TLS, Azure accounts and web
/// apps take HTTPS with TLS 1.2 or later, gateways expose HTTPS only, Transfer Family runs a current security policy,
/// every URL the stack exports is https);</item>
/// <item>every credential a secret (the credential outputs are Pulumi secrets; no secret value in play, from the
/// providers' secret outputs, the secret-bearing data sources or the secret configuration, is in a non-secret output
/// or a non-secret resource input; where a provider has its own notion of a secret value, it is used).</item>
/// </list>
/// Every provider resource type the stacks create must be in <see cref="Known"/>, with the checks that apply to it or
/// why none does, so a component cannot add a resource that escapes the walk.</summary>
internal static class SecurityInvariants
{
    public static ImmutableArray<string> Violations(StackGraph graph)
    {
        var violations = new List<string>();
        foreach (var resource in graph.Resources)
        {
            if (IsComponent(resource.Type)) continue;
            var where = $"{resource.Type} {resource.Name}";
            if (!Known.TryGetValue(resource.Type, out var rule))
            {
                violations.Add($"{where}: a resource type the security walk does not know; add it to SecurityInvariants.Known with its checks or why none applies");
                continue;
            }
            var breaches = rule.Checks.SelectMany(check => check(resource, graph))
                .Concat(NoPublicPrincipal(resource))
                .Concat(PolicyDocuments(resource).SelectMany(d => AllowStatements(d.Path, d.Document)))
                .Concat(NoPlainSecret(resource, graph));
            violations.AddRange(breaches.Select(b => $"{where}: {b}"));
        }
        violations.AddRange(graph.Invokes.Where(token => !StackGraph.KnownInvokes.ContainsKey(token)).Distinct()
            .Select(token => $"data source {token}: the security walk does not know whether its answer holds secrets; add it to StackGraph.KnownInvokes"));
        violations.AddRange(OutputViolations(graph));
        return [.. violations.Select(v => $"[{graph.Variant}] {v}")];
    }

    /// <summary>Our component resources: they create nothing in a cloud themselves; their children are walked.</summary>
    public static bool IsComponent(string type) => type.StartsWith("destinationkit:", StringComparison.Ordinal);

    /// <summary>A resource type's checks, or (with none) why no storage, IAM or TLS invariant applies to it. The secret
    /// walk and the scans for public principals and policy documents run on every type.</summary>
    internal sealed record TypeRule(string Why, params Check[] Checks);

    public static readonly ImmutableSortedDictionary<string, TypeRule> Known = new Dictionary<string, TypeRule>
    {
        // AWS: the landing and sink buckets (S3LandingBucket).
        ["aws:s3/bucket:Bucket"] = new("exports and the app's data: blocked for the public, ACLs off, TLS only", S3BucketBlocksPublicAccess, S3BucketRefusesPlainHttp),
        ["aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"] = new("all four settings on", AllPublicAccessBlocked),
        ["aws:s3/bucketOwnershipControls:BucketOwnershipControls"] = new("bucket owner enforced: ACLs cannot grant anything", Requires("rule.objectOwnership", "BucketOwnerEnforced")),
        ["aws:s3/bucketPolicy:BucketPolicy"] = new("a policy document (scanned for grants; the TLS denial is checked on its bucket)", Requires("policy")),
        ["aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"] = new("encryption at rest: grants nothing, exposes nothing"),
        ["aws:s3/bucketVersioning:BucketVersioning"] = new("keeps overwritten versions: grants nothing, exposes nothing"),
        ["aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"] = new("expiry rules: grant nothing, expose nothing"),
        ["aws:s3/bucketObject:BucketObject"] = new("the app's package in the private sink bucket, without an ACL of its own", NoObjectAcl),
        ["aws:kms/key:Key"] = new("a key (its policy, if any, is scanned as a document); reached only over AWS's TLS APIs"),
        ["aws:kms/alias:Alias"] = new("a name for a key: no data, no permissions, no endpoint"),
        ["aws:iam/user:User"] = new("a principal: what it may do is its inline policy, scanned as a document"),
        ["aws:iam/userPolicy:UserPolicy"] = new("a policy document", Requires("policy")),
        ["aws:iam/accessKey:AccessKey"] = new("a credential: its secret goes through the secret walk"),
        ["aws:iam/role:Role"] = new("its trust policy is a document; the principal must be named", Requires("assumeRolePolicy")),
        ["aws:iam/rolePolicy:RolePolicy"] = new("a policy document", Requires("policy")),
        ["aws:iam/rolePolicyAttachment:RolePolicyAttachment"] = new("an AWS managed policy, which cannot be read here: only known narrow ones", KnownManagedPolicy),
        // AWS: Transfer Family (sftp on aws).
        ["aws:transfer/server:Server"] = new("SFTP only, with a current security policy, service-managed users", TransferServerIsHardened),
        ["aws:transfer/user:User"] = new("locked into its logical home directory", Requires("homeDirectoryType", "LOGICAL"), Requires("homeDirectoryMappings")),
        ["aws:transfer/sshKey:SshKey"] = new("a public key: nothing secret, grants nothing beyond its user"),
        // AWS: the streaming endpoint.
        ["aws:apigatewayv2/api:Api"] = new("an HTTP API: execute-api endpoints serve HTTPS only (TLS 1.2); its exported URL is checked", Requires("protocolType", "HTTP")),
        ["aws:apigatewayv2/stage:Stage"] = new("throttling and access logs of the API: no endpoint of its own"),
        ["aws:apigatewayv2/integration:Integration"] = new("the API's call to the function inside AWS"),
        ["aws:apigatewayv2/route:Route"] = new("a route of the API; which routes are open is the endpoint tests' concern"),
        ["aws:apigatewayv2/authorizer:Authorizer"] = new("the JWT check of the data route; its issuer must be https", HttpsIssuer),
        ["aws:cloudwatch/logGroup:LogGroup"] = new("logs private to the account, no resource policy"),
        ["aws:ssm/parameter:Parameter"] = new("holding a secret, a SecureString", KeptSecretByTheProvider("type", "SecureString")),
        ["aws:lambda/function:Function"] = new("no function URL: reached only through the API; its environment goes through the secret walk"),
        ["aws:lambda/permission:Permission"] = new("who may invoke the function: one service, from one source", InvokedByOneServiceFromOneSource),
        ["aws:cognito/userPool:UserPool"] = new("machine clients only: nobody signs up", Requires("adminCreateUserConfig.allowAdminCreateUserOnly", true)),
        ["aws:cognito/userPoolDomain:UserPoolDomain"] = new("Cognito's hosted domain serves HTTPS only"),
        ["aws:cognito/resourceServer:ResourceServer"] = new("the scopes tokens may carry: grants nothing by itself"),
        ["aws:cognito/userPoolClient:UserPoolClient"] = new("a confidential client of the client-credentials grant only",
            Requires("generateSecret", true), Requires("allowedOauthFlows", new object[] { "client_credentials" })),
        // Azure: the landing accounts and the streaming endpoint.
        ["azure-native:resources:ResourceGroup"] = new("a container of resources: no data, no endpoint"),
        ["azure-native:storage:StorageAccount"] = new("exports and the app's data: no anonymous access, HTTPS with TLS 1.2 or later",
            Requires("allowBlobPublicAccess", false), Requires("allowCrossTenantReplication", false),
            Requires("enableHttpsTrafficOnly", true), Requires("minimumTlsVersion", "TLS1_2")),
        ["azure-native:storage:BlobContainer"] = new("private", Requires("publicAccess", "None")),
        ["azure-native:storage:ManagementPolicy"] = new("expiry rules: grant nothing, expose nothing"),
        ["azure-native:storage:LocalUser"] = new("an SFTP user with its key only, on its own container", LocalUserIsKeyOnlyOnItsContainer),
        ["azure-native:storage:Blob"] = new("the app's package, private through its container and account (checked there)"),
        ["azure-native:authorization:RoleAssignment"] = new("a known narrow role on one resource", KnownAzureRoleOnOneResource),
        ["azure-native:web:AppServicePlan"] = new("compute capacity: no data, no endpoint"),
        ["azure-native:web:WebApp"] = new("HTTPS only, TLS 1.2 for the site and its SCM site, no FTP",
            Requires("httpsOnly", true), Requires("siteConfig.minTlsVersion", "1.2"), Requires("siteConfig.scmMinTlsVersion", "1.2"),
            Requires("siteConfig.ftpsState", "Disabled")),
        ["azure-native:web:WebAppApplicationSettings"] = new("the app's settings: secrets only as Key Vault references or Pulumi secrets (the secret walk)"),
        ["azure-native:keyvault:Vault"] = new("access by Azure RBAC only (the role assignments are checked); Key Vault serves HTTPS only",
            Requires("properties.enableRbacAuthorization", true), Absent("properties.accessPolicies")),
        ["azure-native:keyvault:Secret"] = new("holds a secret: its value must be a Pulumi secret (the secret walk)"),
        ["azure-native:apimanagement:ApiManagementService"] = new("the gateway: the Consumption tier's TLS configuration cannot be changed "
            + "(docs/azure.md lists what is not confirmed about it); its API is HTTPS only, checked there"),
        ["azure-native:apimanagement:Api"] = new("HTTPS only, to an HTTPS backend", Requires("protocols", new object[] { "https" }), HttpsUrl("serviceUrl")),
        ["azure-native:apimanagement:ApiOperation"] = new("a route of the API"),
        ["azure-native:apimanagement:NamedValue"] = new("holding a secret, a secret named value", KeptSecretByTheProvider("secret", true)),
        ["azure-native:apimanagement:ApiPolicy"] = new("the gateway's checks and limits (the endpoint tests' concern)"),
        ["azure-native:apimanagement:ApiOperationPolicy"] = new("the gateway's checks and limits (the endpoint tests' concern)"),
        // Google Cloud: the landing bucket and the streaming endpoint.
        ["gcp:storage/bucket:Bucket"] = new("exports and the app's data: public access prevention, uniform access (no ACLs); Google's APIs serve HTTPS only",
            Requires("publicAccessPrevention", "enforced"), Requires("uniformBucketLevelAccess", true)),
        ["gcp:serviceaccount/account:Account"] = new("a principal: what it may do is in its bindings, checked there"),
        ["gcp:storage/hmacKey:HmacKey"] = new("a credential: its secret goes through the secret walk"),
        ["gcp:projects/iAMCustomRole:IAMCustomRole"] = new("permissions listed one by one", NoWildcardPermission),
        ["gcp:storage/bucketIAMMember:BucketIAMMember"] = new("a custom or known narrow role for one service account", GoogleGrant),
        ["gcp:kms/keyRing:KeyRing"] = new("a container of keys: no data, no endpoint"),
        ["gcp:kms/cryptoKey:CryptoKey"] = new("a key; who may use it is in its bindings, checked there"),
        ["gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember"] = new("a known narrow role for one service account", GoogleGrant),
        ["gcp:cloudrunv2/service:Service"] = new("invoker IAM on: only the gateway's account may call it (run.app serves HTTPS only)",
            Requires("invokerIamDisabled", false)),
        ["gcp:cloudrunv2/serviceIamMember:ServiceIamMember"] = new("a known narrow role for one service account", GoogleGrant),
        ["gcp:artifactregistry/repository:Repository"] = new("the app's images: private, no binding grants them to anyone"),
        ["gcp:secretmanager/secret:Secret"] = new("holds the credentials document; who may read it is in its bindings, checked there"),
        ["gcp:secretmanager/secretVersion:SecretVersion"] = new("holds a secret: its data must be a Pulumi secret (the secret walk)"),
        ["gcp:secretmanager/secretIamMember:SecretIamMember"] = new("a known narrow role for one service account", GoogleGrant),
        ["gcp:apigateway/api:Api"] = new("a name for the gateway's configurations"),
        ["gcp:apigateway/apiConfig:ApiConfig"] = new("its OpenAPI document serves HTTPS only, to HTTPS backends", OpenApiIsHttpsOnly),
        ["gcp:apigateway/gateway:Gateway"] = new("gateway.dev hosts serve HTTPS only; its exported URL is checked"),
        // What the stacks generate.
        ["random:index/randomPassword:RandomPassword"] = new("exists in the Pulumi state only: its result goes through the secret walk"),
        ["tls:index/privateKey:PrivateKey"] = new("exists in the Pulumi state only: its private key goes through the secret walk"),
    }.ToImmutableSortedDictionary(StringComparer.Ordinal);

    /// <summary>Stack outputs, and whether each holds credentials. An output not listed fails the walk until it is.</summary>
    public static readonly ImmutableSortedDictionary<string, bool> KnownOutputs = new Dictionary<string, bool>
    {
        ["aepConfiguration"] = false,
        ["target"] = false,
        ["bucket"] = false,
        ["resourceGroup"] = false,
        ["storageAccount"] = false,
        ["sftpHost"] = false,
        ["endpoint"] = false,
        ["tokenUrl"] = false,
        ["credentials"] = true,
        ["ingestionSources"] = true,
    }.ToImmutableSortedDictionary(StringComparer.Ordinal);

    /// <summary>What a credential looks like even where the walk does not know its value: PEM private keys, Azure
    /// account keys in connection strings, SAS signatures, the stack's generated API keys.</summary>
    private static readonly Regex SecretShapes = new($@"PRIVATE KEY-----|AccountKey=|[?&]sig=|{AppCredentials.ApiKeyPrefix}[A-Za-z0-9]{{16}}", RegexOptions.CultureInvariant);

    // ---- Storage ----

    private static IEnumerable<string> S3BucketBlocksPublicAccess(RecordedResource bucket, StackGraph graph)
    {
        var name = Text(bucket.Inputs, "bucket");
        foreach (var inline in new[] { "acl", "policy", "grants", "website" }.Where(bucket.Inputs.ContainsKey))
            yield return $"sets {inline} inline on the bucket (use the dedicated resources, which the walk checks)";
        if (!graph.OfType("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").Any(b => Text(b.Inputs, "bucket") == name))
            yield return "has no public access block";
        if (!graph.OfType("aws:s3/bucketOwnershipControls:BucketOwnershipControls").Any(b => Text(b.Inputs, "bucket") == name))
            yield return "has no ownership controls (ACLs stay enabled)";
    }

    private static IEnumerable<string> AllPublicAccessBlocked(RecordedResource block, StackGraph graph) =>
        new[] { "blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets" }
            .SelectMany(flag => Requires(flag, true)(block, graph));

    private static IEnumerable<string> NoObjectAcl(RecordedResource obj, StackGraph graph)
    {
        if (Value(obj.Inputs, "acl") is { } acl && !Equals(acl, "private")) yield return $"acl is {Show(acl)}";
    }

    private static IEnumerable<string> LocalUserIsKeyOnlyOnItsContainer(RecordedResource user, StackGraph graph)
    {
        foreach (var breach in Requires("hasSshKey", true)(user, graph)
            .Concat(Requires("hasSshPassword", false)(user, graph))
            .Concat(Requires("hasSharedKey", false)(user, graph)))
            yield return breach;
        var home = Text(user.Inputs, "homeDirectory");
        var scopes = List(user.Inputs, "permissionScopes");
        if (scopes.Count == 0) yield return "has no permission scope";
        foreach (var scope in scopes.Cast<IDictionary<string, object>>())
        {
            if (Text(scope, "resourceName") != home) yield return $"may use {Show(Value(scope, "resourceName"))}, beside its home container {Show(home)}";
            // o: ownership, m: permissions: an SFTP user of a landing zone changes neither.
            if (Text(scope, "permissions") is { } permissions && permissions.IndexOfAny(['o', 'm']) >= 0)
                yield return $"may change ownership or permissions ({permissions})";
        }
    }

    // ---- IAM ----

    /// <summary>Nothing is granted to everyone: no member <c>allUsers</c> or <c>allAuthenticatedUsers</c> anywhere.</summary>
    private static IEnumerable<string> NoPublicPrincipal(RecordedResource resource) =>
        Leaves(resource.Inputs)
            .Where(leaf => leaf.Value is "allUsers" or "allAuthenticatedUsers")
            .Select(leaf => $"{leaf.Path} grants to {leaf.Value}");

    /// <summary>Every input that is an AWS policy document (a JSON object with <c>Statement</c>).</summary>
    private static IEnumerable<(string Path, JsonElement Document)> PolicyDocuments(RecordedResource resource)
    {
        foreach (var (path, value) in Leaves(resource.Inputs))
        {
            if (!value.TrimStart().StartsWith('{')) continue;
            JsonElement document;
            try
            {
                document = JsonSerializer.Deserialize<JsonElement>(value);
            }
            catch (JsonException)
            {
                continue;
            }
            if (document.ValueKind == JsonValueKind.Object && document.TryGetProperty("Statement", out _)) yield return (path, document);
        }
    }

    /// <summary>Allow statements name their actions and resources: no <c>*</c> in an action (<c>*</c>, <c>s3:*</c>,
    /// <c>s3:Get*</c>), no resource <c>*</c>, no <c>Not…</c> element (which allows everything else), no principal
    /// <c>*</c>. Only Deny statements may use wildcards.</summary>
    public static IEnumerable<string> AllowStatements(string path, JsonElement document)
    {
        foreach (var statement in Statement(document))
        {
            var sid = statement.TryGetProperty("Sid", out var s) ? s.GetString() : "(no Sid)";
            var where = $"{path} statement {sid}";
            var effect = statement.TryGetProperty("Effect", out var e) ? e.GetString() : null;
            if (effect == "Deny") continue;
            if (effect != "Allow")
            {
                yield return $"{where}: Effect is {effect ?? "missing"}";
                continue;
            }
            foreach (var not in new[] { "NotAction", "NotResource", "NotPrincipal" }.Where(n => statement.TryGetProperty(n, out _)))
                yield return $"{where}: Allow with {not} allows everything not listed";
            var actions = Elements(statement, "Action");
            if (actions.Count == 0) yield return $"{where}: Allow without Action";
            foreach (var action in actions.Where(a => a.Contains('*', StringComparison.Ordinal)))
                yield return $"{where}: allows the wildcard action {action}";
            var hasPrincipal = statement.TryGetProperty("Principal", out var principal);
            if (hasPrincipal && Strings(principal).Any(p => p == "*"))
                yield return $"{where}: allows the principal *";
            var resources = Elements(statement, "Resource");
            if (!hasPrincipal && resources.Count == 0) yield return $"{where}: an identity policy's Allow without Resource";
            if (resources.Contains("*")) yield return $"{where}: allows on every resource (*)";
        }
    }

    /// <summary>The AWS managed policies the stacks attach, each checked by hand for its scope.</summary>
    private static readonly ImmutableHashSet<string> KnownManagedPolicies =
        // CreateLogStream, DescribeLogStreams, CreateLogGroup and PutLogEvents under /aws/transfer/* only.
        ["service-role/AWSTransferLoggingAccess"];

    private static IEnumerable<string> KnownManagedPolicy(RecordedResource attachment, StackGraph graph)
    {
        var arn = Text(attachment.Inputs, "policyArn") ?? "";
        var name = arn.Split(":policy/", 2) is [_, var rest] && arn.Contains(":iam::aws:", StringComparison.Ordinal) ? rest : null;
        if (name is null || !KnownManagedPolicies.Contains(name))
            yield return $"attaches {arn}, not one of the AWS managed policies known to be narrow ({string.Join(", ", KnownManagedPolicies)})";
    }

    private static IEnumerable<string> InvokedByOneServiceFromOneSource(RecordedResource permission, StackGraph graph)
    {
        var principal = Text(permission.Inputs, "principal") ?? "";
        if (!principal.EndsWith(".amazonaws.com", StringComparison.Ordinal)) yield return $"principal is {Show(principal)}, not an AWS service";
        var source = Text(permission.Inputs, "sourceArn");
        if (source is null || !source.StartsWith("arn:", StringComparison.Ordinal) || source.Split(':').Length < 6 || source.Split(':')[5].StartsWith('*'))
            yield return $"sourceArn is {Show(source)}: any API of any account could invoke the function";
        foreach (var breach in Requires("action", "lambda:InvokeFunction")(permission, graph)) yield return breach;
    }

    private static IEnumerable<string> NoWildcardPermission(RecordedResource role, StackGraph graph)
    {
        var permissions = List(role.Inputs, "permissions");
        if (permissions.Count == 0) yield return "lists no permissions";
        foreach (var permission in permissions.OfType<string>().Where(p => p.Contains('*', StringComparison.Ordinal)))
            yield return $"has the wildcard permission {permission}";
    }

    /// <summary>Predefined Google roles the stacks grant, each narrow: calling one Cloud Run service, reading one
    /// secret, using one key.</summary>
    private static readonly ImmutableHashSet<string> KnownGoogleRoles =
        ["roles/run.invoker", "roles/secretmanager.secretAccessor", "roles/cloudkms.cryptoKeyEncrypterDecrypter"];

    /// <summary>A binding on one resource (its type is a resource-level IAM member) of a custom role or a known narrow
    /// role, to one service account.</summary>
    private static IEnumerable<string> GoogleGrant(RecordedResource member, StackGraph graph)
    {
        var role = Text(member.Inputs, "role") ?? "";
        if (!role.StartsWith("projects/", StringComparison.Ordinal) && !KnownGoogleRoles.Contains(role))
            yield return $"grants {Show(role)}, neither a custom role nor one of the known narrow roles ({string.Join(", ", KnownGoogleRoles)})";
        var who = Text(member.Inputs, "member") ?? "";
        if (!who.StartsWith("serviceAccount:", StringComparison.Ordinal)) yield return $"grants to {Show(who)}, not to a service account";
    }

    /// <summary>Azure built-in roles the stacks assign: data access to blobs, reading Key Vault secrets.</summary>
    private static readonly ImmutableHashSet<string> KnownAzureRoles =
        [Model.Permissions.AzureRoles.StorageBlobDataContributor, Model.Permissions.AzureRoles.KeyVaultSecretsUser];

    private static IEnumerable<string> KnownAzureRoleOnOneResource(RecordedResource assignment, StackGraph graph)
    {
        var role = (Text(assignment.Inputs, "roleDefinitionId") ?? "").Split('/')[^1];
        if (!KnownAzureRoles.Contains(role)) yield return $"assigns role {Show(role)}, not one of the known narrow roles";
        // A subscription or resource group scope has no /providers/ segment: the role would hold for everything in it.
        var scope = Text(assignment.Inputs, "scope") ?? "";
        if (!scope.Contains("/providers/Microsoft.", StringComparison.Ordinal)) yield return $"is scoped to {Show(scope)}, not to one resource";
    }

    // ---- TLS ----

    /// <summary>A bucket policy denies every S3 action on the bucket and its objects to everyone without TLS.</summary>
    private static IEnumerable<string> S3BucketRefusesPlainHttp(RecordedResource bucket, StackGraph graph)
    {
        var name = Text(bucket.Inputs, "bucket");
        var denies = graph.OfType("aws:s3/bucketPolicy:BucketPolicy")
            .Where(p => Text(p.Inputs, "bucket") == name)
            .SelectMany(p => PolicyDocuments(p))
            .SelectMany(d => Statement(d.Document))
            .Any(s => Text(s, "Effect") == "Deny"
                && Elements(s, "Action").Any(a => a is "s3:*" or "*")
                && s.TryGetProperty("Principal", out var principal) && Strings(principal).Contains("*")
                && Elements(s, "Resource").Any(r => r.EndsWith($":::{name}", StringComparison.Ordinal))
                && Elements(s, "Resource").Any(r => r.EndsWith($":::{name}/*", StringComparison.Ordinal))
                && s.TryGetProperty("Condition", out var condition)
                && condition.TryGetProperty("Bool", out var test) && test.TryGetProperty("aws:SecureTransport", out var secure)
                && Strings(secure).SequenceEqual(["false"]));
        if (!denies) yield return "no bucket policy denies s3:* on the bucket and its objects when aws:SecureTransport is false";
    }

    private static IEnumerable<string> TransferServerIsHardened(RecordedResource server, StackGraph graph)
    {
        foreach (var breach in Requires("protocols", new object[] { "SFTP" })(server, graph)
            .Concat(Requires("identityProviderType", "SERVICE_MANAGED")(server, graph)))
            yield return breach;
        // Without it, Transfer Family applies TransferSecurityPolicy-2018-11, with SHA-1 and CBC algorithms.
        var policy = Text(server.Inputs, "securityPolicyName");
        if (policy is null || policy.EndsWith("-2018-11", StringComparison.Ordinal))
            yield return $"securityPolicyName is {Show(policy)}: a 2018 policy allows SHA-1 and CBC";
    }

    private static IEnumerable<string> HttpsIssuer(RecordedResource authorizer, StackGraph graph) =>
        HttpsUrl("jwtConfiguration.issuer")(authorizer, graph);

    private static Check HttpsUrl(string path) => (resource, _) =>
        Text(resource.Inputs, path) is { } url && url.StartsWith("https://", StringComparison.Ordinal)
            ? []
            : [$"{path} is {Show(Value(resource.Inputs, path))}, not an https URL"];

    /// <summary>Each OpenAPI document (base64 JSON) allows the https scheme only and calls https backends only.</summary>
    private static IEnumerable<string> OpenApiIsHttpsOnly(RecordedResource config, StackGraph graph)
    {
        var documents = List(config.Inputs, "openapiDocuments");
        if (documents.Count == 0) yield return "has no OpenAPI document";
        foreach (var entry in documents.Cast<IDictionary<string, object>>())
        {
            var path = Text(entry, "document.path");
            using var document = JsonDocument.Parse(Convert.FromBase64String(Text(entry, "document.contents") ?? ""));
            if (!document.RootElement.TryGetProperty("schemes", out var schemes) || !Strings(schemes).SequenceEqual(["https"]))
                yield return $"{path}: schemes must be [\"https\"]";
            foreach (var address in Addresses(document.RootElement).Where(a => !a.StartsWith("https://", StringComparison.Ordinal)))
                yield return $"{path}: backend address {address} is not https";
        }
    }

    private static IEnumerable<string> Addresses(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().SelectMany(p =>
            p.Name is "address" or "x-google-jwks_uri" && p.Value.ValueKind == JsonValueKind.String ? [p.Value.GetString()!] : Addresses(p.Value)),
        JsonValueKind.Array => element.EnumerateArray().SelectMany(Addresses),
        _ => [],
    };

    // ---- Secrets ----

    /// <summary>No input that is not a Pulumi secret holds a secret value (as is, or base64-encoded), or anything shaped
    /// like a credential.</summary>
    private static IEnumerable<string> NoPlainSecret(RecordedResource resource, StackGraph graph) =>
        resource.Leaves.Where(leaf => !leaf.Secret && HoldsSecret(leaf.Value, graph))
            .Select(leaf => $"input {leaf.Path} holds a secret but is not a Pulumi secret");

    public static bool HoldsSecret(string value, StackGraph graph) => SecretShapes.IsMatch(value) || ContainsKnownSecret(value, graph);

    /// <summary>Whether the value holds one of the secrets in play, as is or base64-encoded (how AEP takes SSH keys).</summary>
    public static bool ContainsKnownSecret(string value, StackGraph graph) => graph.Secrets.Any(secret =>
        value.Contains(secret, StringComparison.Ordinal) || value.Contains(Base64(secret), StringComparison.Ordinal));

    private static string Base64(string value) => Convert.ToBase64String(Encoding.UTF8.GetBytes(value));

    private static IEnumerable<string> OutputViolations(StackGraph graph)
    {
        foreach (var output in graph.Outputs)
        {
            if (!KnownOutputs.TryGetValue(output.Name, out var credential))
            {
                yield return $"output {output.Name}: the security walk does not know whether it holds credentials; add it to SecurityInvariants.KnownOutputs";
                continue;
            }
            if (output.Value is null) continue;
            if (credential && !output.Secret) yield return $"output {output.Name}: holds credentials but is not a Pulumi secret";
            if (!output.Secret && HoldsSecret(output.Value, graph)) yield return $"output {output.Name}: holds a secret but is not a Pulumi secret";
            if (output.Value.Contains("http://", StringComparison.OrdinalIgnoreCase)) yield return $"output {output.Name}: has a plain http:// URL";
        }
    }

    /// <summary>Where the provider has its own notion of a secret value, a resource holding a secret uses it.</summary>
    private static Check KeptSecretByTheProvider(string path, object expected) => (resource, graph) =>
        resource.Leaves.Any(leaf => HoldsSecret(leaf.Value, graph)) ? Requires(path, expected)(resource, graph) : [];

    // ---- Reading the mocks' inputs ----

    /// <summary>The input at a dotted path must exist (and equal <paramref name="expected"/> when given).</summary>
    private static Check Requires(string path, object? expected = null) => (resource, _) =>
    {
        var actual = Value(resource.Inputs, path);
        if (actual is null) return [$"{path} is not set{(expected is null ? "" : $"; it must be {Show(expected)}")}"];
        return expected is null || Same(actual, expected) ? [] : [$"{path} is {Show(actual)}; it must be {Show(expected)}"];
    };

    private static Check Absent(string path) => (resource, _) =>
        Value(resource.Inputs, path) is { } value && !(value is IEnumerable items and not string && !items.Cast<object>().Any())
            ? [$"{path} is set ({Show(value)}); it must not be"]
            : [];

    private static bool Same(object actual, object expected) => expected is object[] list
        ? actual is IEnumerable items and not string && items.Cast<object>().SequenceEqual(list)
        : Equals(actual, expected);

    private static object? Value(IDictionary<string, object> inputs, string path)
    {
        object? current = inputs;
        foreach (var key in path.Split('.'))
        {
            if (current is not IDictionary<string, object> map || !map.TryGetValue(key, out current)) return null;
        }
        return current;
    }

    private static string? Text(IDictionary<string, object> inputs, string path) => Value(inputs, path) as string;

    private static IReadOnlyList<object> List(IDictionary<string, object> inputs, string path) =>
        Value(inputs, path) is IEnumerable items and not string ? [.. items.Cast<object>()] : [];

    /// <summary>Every string in the inputs, with its dotted path.</summary>
    private static IEnumerable<(string Path, string Value)> Leaves(object? value, string path = "") => value switch
    {
        string text => [(path, text)],
        IDictionary<string, object> map => map.SelectMany(p => Leaves(p.Value, path.Length == 0 ? p.Key : $"{path}.{p.Key}")),
        IEnumerable items => items.Cast<object>().SelectMany((item, i) => Leaves(item, $"{path}[{i}]")),
        _ => [],
    };

    private static IEnumerable<JsonElement> Statement(JsonElement document) =>
        document.GetProperty("Statement") is { ValueKind: JsonValueKind.Array } list ? [.. list.EnumerateArray()] : [document.GetProperty("Statement")];

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static IReadOnlyList<string> Elements(JsonElement statement, string name) =>
        statement.TryGetProperty(name, out var value) ? [.. Strings(value)] : [];

    private static IEnumerable<string> Strings(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => [element.GetString()!],
        JsonValueKind.Array => element.EnumerateArray().SelectMany(Strings),
        JsonValueKind.Object => element.EnumerateObject().SelectMany(p => Strings(p.Value)),
        _ => [],
    };

    private static string Show(object? value) => value switch
    {
        null => "missing",
        string text => $"\"{text}\"",
        bool flag => flag ? "true" : "false",
        IEnumerable items => $"[{string.Join(", ", items.Cast<object>().Select(Show))}]",
        _ => value.ToString() ?? "",
    };
}
