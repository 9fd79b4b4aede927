using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using DestinationKit.Aws.Streaming;
using DestinationKit.Gcp.Streaming;
using DestinationKit.Model.Configuration;
using DestinationKit.Model.Spec;
using DestinationKit.Streaming;

namespace DestinationKit.Infra.Tests.Security;

/// <summary>Runs <see cref="DestinationStack"/> under the shared mocks for every target and its main variants and
/// checks, over everything the engine was asked to create, the invariants <see cref="SecurityInvariants"/> states: no
/// public storage, no wildcard IAM grant, TLS wherever it can be enforced, every credential a secret and no secret
/// anywhere it would be shown. Tags and labels are not checked here: each component's tests check that every resource
/// that takes them carries them.</summary>
public sealed class SecurityInvariantTests : IDisposable
{
    private const string SasUri = "https://dlzacct.blob.core.windows.net/dlz-destination?sv=2023-01-03&se=2030-01-01T00%3A00%3A00Z&sp=rl&sig=c2VjcmV0LXNpZ25hdHVyZQ%3D%3D";
    private const string OtherSasUri = "https://dlzacct.blob.core.windows.net/dlz-destination?sv=2023-01-03&se=2030-01-01T00%3A00%3A00Z&sp=rl&sig=b3RoZXItc2lnbmF0dXJl";
    private const string AwsKeyArn = "arn:aws:kms:eu-west-1:210987654321:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    private const string GcpKeyName = "projects/key-project/locations/europe-west1/keyRings/landing/cryptoKeys/exports";
    private const string OneTenant = """["acme"]""";
    private const string ThreeTenants = """["acme", {"id": "globex", "name": "Globex Corporation"}, "initech"]""";

    private const string AdlsTenants = """
        [
          {"id": "acme", "servicePrincipalObjectId": "10000000-0000-4000-8000-0000000000a1", "servicePrincipalClientId": "10000000-0000-4000-8000-0000000000c1"},
          {"id": "globex", "servicePrincipalObjectId": "10000000-0000-4000-8000-0000000000a2", "servicePrincipalClientId": "10000000-0000-4000-8000-0000000000c2"},
          {"id": "initech", "servicePrincipalObjectId": "10000000-0000-4000-8000-0000000000a3", "servicePrincipalClientId": "10000000-0000-4000-8000-0000000000c3"}
        ]
        """;

    private const string OneAdlsTenant = """[{"id": "acme", "servicePrincipalObjectId": "10000000-0000-4000-8000-0000000000a1", "servicePrincipalClientId": "10000000-0000-4000-8000-0000000000c1"}]""";

    private static readonly (string, string) OAuth2 = ("auth", "oauth2");

    private static readonly (string, string) ExternalIssuer = ("oauth2", """
        {"issuer": "external", "issuerUrl": "https://login.example.test/tenant/v2.0", "jwksUri": "https://login.example.test/tenant/keys",
         "tokenUrl": "https://login.example.test/tenant/oauth2/token", "audience": "api://acme-ingestion"}
        """);

    private static readonly (string, string) Rotation = ("credentialRotation", """{"globex": {"current": 2, "previous": 1}}""");

    /// <summary>Every target, with one and three tenants, and the settings that change what is created or who may use it.</summary>
    private static readonly ImmutableSortedDictionary<string, Variant> Variants = new Variant[]
    {
        new("dlz, one tenant", Batch("dlz", OneTenant, ("dlzSasUris", $$"""{"acme": "{{SasUri}}"}""")), ["destination:dlzSasUris"]),
        new("dlz, three tenants", Batch("dlz", ThreeTenants, ("dlzSasUris", $$"""{"acme": "{{SasUri}}", "initech": "{{OtherSasUri}}"}""")), ["destination:dlzSasUris"]),
        new("gcp-gcs, one tenant", Batch("gcp-gcs", OneTenant, ("region", "europe-west1"))),
        new("gcp-gcs, three tenants", Batch("gcp-gcs", ThreeTenants, ("region", "europe-west1"))),
        new("gcp-gcs, customer-managed key created", Batch("gcp-gcs", ThreeTenants, ("region", "europe-west1"), ("encryption", "customer-managed"))),
        new("gcp-gcs, customer-managed key given", Batch("gcp-gcs", OneTenant, ("region", "europe-west1"), ("encryption", "customer-managed"), ("encryptionKeyId", GcpKeyName))),
        new("aws-s3, one tenant", Batch("aws-s3", OneTenant, ("region", "eu-west-1"))),
        new("aws-s3, three tenants", Batch("aws-s3", ThreeTenants, ("region", "eu-west-1"))),
        new("aws-s3, customer-managed key created", Batch("aws-s3", ThreeTenants, ("region", "eu-west-1"), ("encryption", "customer-managed"))),
        new("aws-s3, customer-managed key given", Batch("aws-s3", OneTenant, ("region", "eu-west-1"), ("encryption", "customer-managed"), ("encryptionKeyId", AwsKeyArn))),
        new("aws-s3, adobe-role", Batch("aws-s3", ThreeTenants, ("region", "eu-west-1"), ("s3Access", "adobe-role"))),
        new("aws-s3, adobe-role with a customer-managed key", Batch("aws-s3", OneTenant, ("region", "eu-west-1"), ("s3Access", "adobe-role"), ("encryption", "customer-managed"))),
        new("sftp on aws, one tenant", Batch("sftp", OneTenant, ("cloud", "aws"), ("region", "eu-west-1"))),
        new("sftp on aws, three tenants", Batch("sftp", ThreeTenants, ("cloud", "aws"), ("region", "eu-west-1"))),
        new("sftp on aws, customer-managed key created", Batch("sftp", OneTenant, ("cloud", "aws"), ("region", "eu-west-1"), ("encryption", "customer-managed"))),
        new("azure-blob, one tenant", Batch("azure-blob", OneTenant, ("region", "westeurope"))),
        new("azure-blob, three tenants", Batch("azure-blob", ThreeTenants, ("region", "westeurope"), ("infrastructureEncryption", "true"))),
        new("azure-blob, account per tenant", Batch("azure-blob", ThreeTenants, ("region", "westeurope"), ("accountPerTenant", "true"))),
        new("azure-adls, one tenant", Batch("azure-adls", OneAdlsTenant, ("region", "westeurope"))),
        new("azure-adls, three tenants", Batch("azure-adls", AdlsTenants, ("region", "westeurope"))),
        new("sftp on azure, one tenant", Batch("sftp", OneTenant, ("cloud", "azure"), ("region", "westeurope"))),
        new("sftp on azure, three tenants", Batch("sftp", ThreeTenants, ("cloud", "azure"), ("region", "westeurope"))),
        new("aws streaming, api keys, one tenant", Streaming("aws", OneTenant, "eu-west-1")),
        new("aws streaming, api keys, three tenants, a rotation", Streaming("aws", ThreeTenants, "eu-west-1", Rotation)),
        new("aws streaming, oauth2 from the app", Streaming("aws", ThreeTenants, "eu-west-1", OAuth2, Rotation)),
        new("aws streaming, oauth2 from cognito", Streaming("aws", ThreeTenants, "eu-west-1", OAuth2, ("oauth2", """{"issuer": "cognito", "scopes": ["aep/profiles.write"]}"""))),
        new("aws streaming, customer-managed key created", Streaming("aws", OneTenant, "eu-west-1", ("encryption", "customer-managed"))),
        new("aws streaming, customer-managed key given", Streaming("aws", OneTenant, "eu-west-1", OAuth2, ("encryption", "customer-managed"), ("encryptionKeyId", AwsKeyArn))),
        new("azure streaming, api keys, one tenant", Streaming("azure", OneTenant, "westeurope")),
        new("azure streaming, api keys, three tenants, a rotation", Streaming("azure", ThreeTenants, "westeurope", Rotation, ("infrastructureEncryption", "true"))),
        new("azure streaming, oauth2 from the app", Streaming("azure", ThreeTenants, "westeurope", OAuth2)),
        new("azure streaming, oauth2 from an external issuer", Streaming("azure", OneTenant, "westeurope", OAuth2, ExternalIssuer)),
        new("gcp streaming, api keys, one tenant", Streaming("gcp", OneTenant, "europe-west1")),
        new("gcp streaming, api keys, three tenants, a rotation", Streaming("gcp", ThreeTenants, "europe-west1", Rotation)),
        new("gcp streaming, oauth2 from the app", Streaming("gcp", ThreeTenants, "europe-west1", OAuth2, Rotation)),
        new("gcp streaming, oauth2 from an external issuer", Streaming("gcp", OneTenant, "europe-west1", OAuth2, ExternalIssuer)),
        new("gcp streaming, customer-managed key created", Streaming("gcp", OneTenant, "europe-west1", ("encryption", "customer-managed"))),
    }.ToImmutableSortedDictionary(v => v.Name, v => v, StringComparer.Ordinal);

    public static TheoryData<string> VariantNames => [.. Variants.Keys];

    /// <summary>Each variant is deployed once per test run; the tests of this class share the result.</summary>
    private static readonly Dictionary<string, StackGraph> Deployed = new(StringComparer.Ordinal);

    private readonly string _app = Path.Combine(Path.GetTempPath(), "dk-security-tests", Guid.NewGuid().ToString("N"));

    public SecurityInvariantTests()
    {
        // Stand-ins for the published app (aws and azure) and a prebuilt image (gcp): no test publishes the app.
        Directory.CreateDirectory(_app);
        File.WriteAllText(Path.Combine(_app, LambdaPackage.AppHost), "stand-in");
        File.WriteAllText(Path.Combine(_app, "DestinationKit.Ingestion.dll"), "stand-in");
        Environment.SetEnvironmentVariable(AppPackage.OverrideVariable, _app);
        Environment.SetEnvironmentVariable(ContainerImage.OverrideVariable, "europe-west1-docker.pkg.dev/test-project/prebuilt/ingestion:test");
    }

    public void Dispose()
    {
        Environment.SetEnvironmentVariable(AppPackage.OverrideVariable, null);
        Environment.SetEnvironmentVariable(ContainerImage.OverrideVariable, null);
        Directory.Delete(_app, recursive: true);
    }

    [Theory]
    [MemberData(nameof(VariantNames))]
    public async Task Every_stack_keeps_the_security_invariants(string variant)
    {
        var graph = await DeployAsync(variant);

        var violations = SecurityInvariants.Violations(graph);
        Assert.True(violations.IsEmpty, string.Join(Environment.NewLine, violations));
    }

    [Fact]
    public async Task The_variants_cover_every_target_and_create_every_type_the_walk_knows()
    {
        var graphs = await AllAsync();

        var targets = Variants.Values.Select(v => (v.Config["destination:target"], v.Config.GetValueOrDefault("destination:cloud"))).ToHashSet();
        Assert.All(Enum.GetValues<DestinationTarget>().Select(DestinationSpecParser.TargetName).Where(t => t != "sftp"),
            target => Assert.Contains((target, (string?)null), targets));
        Assert.Contains(("sftp", "aws"), targets);
        Assert.Contains(("sftp", "azure"), targets);
        // A type listed but never created would be a rule nothing tests.
        var created = graphs.SelectMany(g => g.Resources).Select(r => r.Type).Where(t => !SecurityInvariants.IsComponent(t)).Distinct();
        Assert.Equal(SecurityInvariants.Known.Keys, created.Order(StringComparer.Ordinal));
        Assert.Equal(SecurityInvariants.KnownOutputs.Keys,
            graphs.SelectMany(g => g.Outputs).Where(o => o.Value is not null).Select(o => o.Name).Distinct().Order(StringComparer.Ordinal));
    }

    /// <summary>The walk looks for the secrets that are really handed out: every key, password, signature or SAS in a
    /// credential output is one the walk collected from the resources, the data sources or the configuration.</summary>
    [Fact]
    public async Task Every_secret_handed_out_is_one_the_walk_looks_for()
    {
        var secretFields = new[] { "secretAccessKey", "sshKey", "apiKey", "clientSecret", "connectionString", "sasUri" };
        var checkedFields = 0;
        foreach (var graph in await AllAsync())
        {
            foreach (var output in graph.Outputs.Where(o => SecurityInvariants.KnownOutputs[o.Name] && o.Value is not null))
            {
                using var document = JsonDocument.Parse(output.Value!);
                foreach (var field in Fields(document.RootElement).Where(f => secretFields.Contains(f.Name)))
                {
                    Assert.True(SecurityInvariants.ContainsKnownSecret(field.Value, graph),
                        $"[{graph.Variant}] {output.Name}: {field.Name} holds a value the walk does not know as a secret");
                    checkedFields++;
                }
            }
        }
        Assert.True(checkedFields > 50, $"only {checkedFields} secret fields were handed out over all variants");
    }

    public static TheoryData<string> BreachNames => [.. Breaches.Keys];

    /// <summary>Each invariant fails when a deployed stack is changed to break it (changes to what the mocks recorded
    /// and to the outputs, not to the components).</summary>
    [Theory]
    [MemberData(nameof(BreachNames))]
    public async Task A_stack_that_breaks_an_invariant_is_reported(string breach)
    {
        var (variant, change, expected) = Breaches[breach];
        var graph = change(await DeployAsync(variant));

        var violations = SecurityInvariants.Violations(graph);

        Assert.Contains(violations, v => v.Contains(expected, StringComparison.Ordinal));
    }

    private static readonly ImmutableSortedDictionary<string, (string Variant, Func<StackGraph, StackGraph> Change, string Expected)> Breaches =
        new Dictionary<string, (string, Func<StackGraph, StackGraph>, string)>
        {
            ["s3: one public access setting off"] = ("aws-s3, one tenant",
                g => SetInput(g, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "restrictPublicBuckets", false),
                "restrictPublicBuckets is false; it must be true"),
            ["s3: no public access block"] = ("aws-s3, one tenant",
                g => Without(g, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"), "has no public access block"),
            ["s3: an ACL on the bucket"] = ("aws-s3, one tenant",
                g => SetInput(g, "aws:s3/bucket:Bucket", "acl", "public-read"), "sets acl inline on the bucket"),
            ["s3: no TLS-only bucket policy"] = ("sftp on aws, one tenant",
                g => Without(g, "aws:s3/bucketPolicy:BucketPolicy"), "no bucket policy denies s3:*"),
            ["s3: the TLS condition inverted"] = ("aws streaming, api keys, one tenant",
                g => SetInput(g, "aws:s3/bucketPolicy:BucketPolicy", "policy", ((string)Input(g, "aws:s3/bucketPolicy:BucketPolicy", "policy")).Replace("\"false\"", "\"true\"", StringComparison.Ordinal)),
                "no bucket policy denies s3:*"),
            ["iam: a wildcard action"] = ("aws-s3, three tenants",
                g => SetInput(g, "aws:iam/userPolicy:UserPolicy", "policy", """{"Version":"2012-10-17","Statement":[{"Sid":"All","Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/acme/*"}]}"""),
                "allows the wildcard action s3:*"),
            ["iam: every resource"] = ("aws streaming, oauth2 from cognito",
                g => SetInput(g, "aws:iam/rolePolicy:RolePolicy", "policy", """{"Statement":{"Effect":"Allow","Action":["ssm:GetParameter"],"Resource":"*"}}"""),
                "allows on every resource (*)"),
            ["iam: NotAction"] = ("aws-s3, one tenant",
                g => SetInput(g, "aws:iam/userPolicy:UserPolicy", "policy", """{"Statement":[{"Effect":"Allow","NotAction":"iam:*","Resource":"arn:aws:s3:::b"}]}"""),
                "Allow with NotAction allows everything not listed"),
            ["iam: a trust policy open to everyone"] = ("aws-s3, adobe-role",
                g => SetInput(g, "aws:iam/role:Role", "assumeRolePolicy", """{"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}"""),
                "allows the principal *"),
            ["iam: an unknown managed policy"] = ("sftp on aws, one tenant",
                g => SetInput(g, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "policyArn", "arn:aws:iam::aws:policy/AmazonS3FullAccess"),
                "attaches arn:aws:iam::aws:policy/AmazonS3FullAccess"),
            ["lambda: invokable by anyone"] = ("aws streaming, api keys, one tenant",
                g => SetInput(g, "aws:lambda/permission:Permission", "principal", "*"), "principal is \"*\", not an AWS service"),
            ["transfer: the default security policy"] = ("sftp on aws, one tenant",
                g => SetInput(g, "aws:transfer/server:Server", "securityPolicyName", null), "securityPolicyName is missing"),
            ["transfer: plain FTP"] = ("sftp on aws, one tenant",
                g => SetInput(g, "aws:transfer/server:Server", "protocols", ImmutableArray.Create<object>("SFTP", "FTP")), "protocols is [\"SFTP\", \"FTP\"]"),
            ["gcs: public access prevention inherited"] = ("gcp-gcs, one tenant",
                g => SetInput(g, "gcp:storage/bucket:Bucket", "publicAccessPrevention", "inherited"), "publicAccessPrevention is \"inherited\""),
            ["gcs: fine-grained ACLs"] = ("gcp streaming, api keys, one tenant",
                g => SetInput(g, "gcp:storage/bucket:Bucket", "uniformBucketLevelAccess", null), "uniformBucketLevelAccess is not set"),
            ["gcp: a binding to allUsers"] = ("gcp-gcs, one tenant",
                g => SetInput(g, "gcp:storage/bucketIAMMember:BucketIAMMember", "member", "allUsers"), "member grants to allUsers"),
            ["gcp: a public Cloud Run service"] = ("gcp streaming, api keys, one tenant",
                g => SetInput(g, "gcp:cloudrunv2/service:Service", "invokerIamDisabled", true), "invokerIamDisabled is true"),
            ["gcp: a wildcard permission"] = ("gcp-gcs, one tenant",
                g => SetInput(g, "gcp:projects/iAMCustomRole:IAMCustomRole", "permissions", ImmutableArray.Create<object>("storage.objects.*")),
                "has the wildcard permission storage.objects.*"),
            ["gcp: a broad predefined role"] = ("gcp streaming, api keys, one tenant",
                g => SetInput(g, "gcp:secretmanager/secretIamMember:SecretIamMember", "role", "roles/editor"), "grants \"roles/editor\""),
            ["gcp: a gateway backend over http"] = ("gcp streaming, oauth2 from the app", BackendOverHttp, "is not https"),
            ["azure: a public container"] = ("azure-blob, one tenant",
                g => SetInput(g, "azure-native:storage:BlobContainer", "publicAccess", "Blob"), "publicAccess is \"Blob\"; it must be \"None\""),
            ["azure: anonymous blob access allowed"] = ("sftp on azure, one tenant",
                g => SetInput(g, "azure-native:storage:StorageAccount", "allowBlobPublicAccess", true), "allowBlobPublicAccess is true"),
            ["azure: TLS 1.0"] = ("azure-adls, one tenant",
                g => SetInput(g, "azure-native:storage:StorageAccount", "minimumTlsVersion", "TLS1_0"), "minimumTlsVersion is \"TLS1_0\""),
            ["azure: plain HTTP to storage"] = ("azure streaming, api keys, one tenant",
                g => SetInput(g, "azure-native:storage:StorageAccount", "enableHttpsTrafficOnly", null), "enableHttpsTrafficOnly is not set"),
            ["azure: a web app without its TLS minimum"] = ("azure streaming, api keys, one tenant",
                g => SetInput(g, "azure-native:web:WebApp", "siteConfig.minTlsVersion", null), "siteConfig.minTlsVersion is not set"),
            ["azure: an API over http"] = ("azure streaming, oauth2 from the app",
                g => SetInput(g, "azure-native:apimanagement:Api", "protocols", ImmutableArray.Create<object>("http", "https")), "protocols is [\"http\", \"https\"]"),
            ["ssm: credentials in a plain String parameter"] = ("aws streaming, oauth2 from the app",
                g => SetInput(g, "aws:ssm/parameter:Parameter", "type", "String"), "type is \"String\"; it must be \"SecureString\""),
            ["azure: a gateway secret kept in plain"] = ("azure streaming, api keys, one tenant",
                g => SetInput(g, "azure-native:apimanagement:NamedValue", "secret", false), "secret is false"),
            ["azure: a role for the whole resource group"] = ("azure-adls, one tenant",
                g => SetInput(g, "azure-native:authorization:RoleAssignment", "scope", "/subscriptions/s/resourceGroups/rg"), "not to one resource"),
            ["azure: Owner"] = ("azure streaming, api keys, one tenant",
                g => SetInput(g, "azure-native:authorization:RoleAssignment", "roleDefinitionId",
                    "/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635"), "not one of the known narrow roles"),
            ["azure: an SFTP user with a password"] = ("sftp on azure, one tenant",
                g => SetInput(g, "azure-native:storage:LocalUser", "hasSshPassword", true), "hasSshPassword is true"),
            ["secret: an API key in the function's environment"] = ("aws streaming, api keys, one tenant",
                g => WithLeaf(g, "aws:lambda/function:Function", "environment.variables.LEAKED", g.Secrets.First(s => s.Length == 48)),
                "input environment.variables.LEAKED holds a secret but is not a Pulumi secret"),
            ["secret: a private key, base64, in a tag"] = ("sftp on azure, one tenant",
                g => WithLeaf(g, "azure-native:storage:StorageAccount", "tags.key", Convert.ToBase64String(Encoding.UTF8.GetBytes(g.Secrets.First(s => s.Contains("PRIVATE KEY", StringComparison.Ordinal))))),
                "input tags.key holds a secret but is not a Pulumi secret"),
            ["secret: a connection string in an output"] = ("azure-blob, one tenant",
                g => WithOutput(g, "storageAccount", o => o with { Value = o.Value + ";AccountKey=" + g.Secrets.First() }), "output storageAccount: holds a secret"),
            ["secret: a SAS URI in the AEP configuration"] = ("dlz, one tenant",
                g => WithOutput(g, "aepConfiguration", o => o with { Value = o.Value + SasUri }), "output aepConfiguration: holds a secret"),
            ["secret: credentials in plain"] = ("gcp-gcs, one tenant",
                g => WithOutput(g, "credentials", o => o with { Secret = false }), "output credentials: holds credentials but is not a Pulumi secret"),
            ["secret: ingestion sources in plain"] = ("dlz, three tenants",
                g => WithOutput(g, "ingestionSources", o => o with { Secret = false }), "output ingestionSources: holds credentials but is not a Pulumi secret"),
            ["tls: an http endpoint"] = ("gcp streaming, api keys, one tenant",
                g => WithOutput(g, "endpoint", o => o with { Value = o.Value!.Replace("https://", "http://", StringComparison.Ordinal) }), "output endpoint: has a plain http:// URL"),
            ["walk: a resource type it does not know"] = ("aws-s3, one tenant",
                g => g with { Resources = g.Resources.Add(new("aws:s3/bucketAcl:BucketAcl", "acl", ImmutableDictionary<string, object>.Empty, [])) },
                "aws:s3/bucketAcl:BucketAcl acl: a resource type the security walk does not know"),
            ["walk: a data source it does not know"] = ("gcp-gcs, one tenant",
                g => g with { Invokes = g.Invokes.Add("gcp:secretmanager/getSecretVersion:getSecretVersion") }, "data source gcp:secretmanager/getSecretVersion:getSecretVersion"),
            ["walk: an output it does not know"] = ("aws-s3, one tenant",
                g => g with { Outputs = g.Outputs.Add(new("adminPassword", "x", Secret: false)) }, "output adminPassword: the security walk does not know"),
        }.ToImmutableSortedDictionary(StringComparer.Ordinal);

    private static object Input(StackGraph graph, string type, string path) => graph.OfType(type).First().Inputs[path];

    /// <summary>The graph with <paramref name="path"/> of every resource of <paramref name="type"/> set (or removed, with null).</summary>
    private static StackGraph SetInput(StackGraph graph, string type, string path, object? value) => graph with
    {
        Resources = [.. graph.Resources.Select(r => r.Type == type ? r with { Inputs = Set(r.Inputs, path, value) } : r)],
    };

    private static ImmutableDictionary<string, object> Set(ImmutableDictionary<string, object> inputs, string path, object? value)
    {
        var dot = path.IndexOf('.', StringComparison.Ordinal);
        if (dot < 0) return value is null ? inputs.Remove(path) : inputs.SetItem(path, value);
        var key = path[..dot];
        return inputs.SetItem(key, Set((ImmutableDictionary<string, object>)inputs[key], path[(dot + 1)..], value));
    }

    private static StackGraph Without(StackGraph graph, string type) => graph with { Resources = graph.Resources.RemoveAll(r => r.Type == type) };

    private static StackGraph WithLeaf(StackGraph graph, string type, string path, string value) => graph with
    {
        Resources = [.. graph.Resources.Select(r => r.Type == type ? r with { Leaves = r.Leaves.Add(new(path, value, Secret: false)) } : r)],
    };

    private static StackGraph WithOutput(StackGraph graph, string name, Func<StackOutputValue, StackOutputValue> change) => graph with
    {
        Outputs = [.. graph.Outputs.Select(o => o.Name == name ? change(o) : o)],
    };

    /// <summary>The gateway's OpenAPI documents, with their backend called over plain HTTP.</summary>
    private static StackGraph BackendOverHttp(StackGraph graph)
    {
        var documents = ((IEnumerable<object>)Input(graph, "gcp:apigateway/apiConfig:ApiConfig", "openapiDocuments"))
            .Cast<ImmutableDictionary<string, object>>()
            .Select(entry =>
            {
                var contents = Encoding.UTF8.GetString(Convert.FromBase64String((string)((IDictionary<string, object>)entry["document"])["contents"]));
                var http = Convert.ToBase64String(Encoding.UTF8.GetBytes(contents.Replace("\"https://", "\"http://", StringComparison.Ordinal)));
                return (object)Set(entry, "document.contents", http);
            });
        return SetInput(graph, "gcp:apigateway/apiConfig:ApiConfig", "openapiDocuments", documents.ToImmutableArray());
    }

    private static IEnumerable<(string Name, string Value)> Fields(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().SelectMany(p =>
            p.Value.ValueKind == JsonValueKind.String ? [(p.Name, p.Value.GetString()!)] : Fields(p.Value)),
        JsonValueKind.Array => element.EnumerateArray().SelectMany(Fields),
        _ => [],
    };

    private static async Task<IReadOnlyList<StackGraph>> AllAsync()
    {
        var graphs = new List<StackGraph>();
        foreach (var name in Variants.Keys) graphs.Add(await DeployAsync(name));
        return graphs;
    }

    private static async Task<StackGraph> DeployAsync(string name)
    {
        if (Deployed.TryGetValue(name, out var graph)) return graph;
        var variant = Variants[name];
        graph = await StackGraph.DeployAsync(name, variant.Config, variant.SecretKeys ?? []);
        Deployed[name] = graph;
        return graph;
    }

    private static Dictionary<string, string> Batch(string target, string tenants, params (string Key, string Value)[] settings) =>
        Config([("mode", "batch"), ("target", target), ("tenants", tenants), .. settings]);

    private static Dictionary<string, string> Streaming(string target, string tenants, string region, params (string Key, string Value)[] settings) =>
        Config([("mode", "streaming"), ("target", target), ("region", region), ("tenants", tenants),
            ("identityNamespaces", """{"email_lc_sha256": {}}"""), .. settings]);

    private static Dictionary<string, string> Config((string Key, string Value)[] settings)
    {
        var config = StackRunner.Config(("destinationName", "Acme Audiences"));
        foreach (var (key, value) in settings) config[$"destination:{key}"] = value;
        return config;
    }

    private sealed record Variant(string Name, Dictionary<string, string> Config, string[]? SecretKeys = null);
}
