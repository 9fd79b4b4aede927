using System.Text.Json;
using DestinationKit.Model.Naming;
using DestinationKit.Model.Spec;
using static DestinationKit.Model.Tests.Configs;

namespace DestinationKit.Model.Tests.Naming;

/// <summary>Each cloud's naming rules at their boundaries, and the generated names: deterministic, distinct
/// between stacks and tenants, and valid for the most extreme prefixes and tenant ids the parser accepts.</summary>
public class NamingTests
{
    private static readonly Dictionary<string, Func<string, string?>> Rules = new()
    {
        ["S3Bucket"] = NameRules.S3Bucket,
        ["AzureStorageAccount"] = NameRules.AzureStorageAccount,
        ["AzureContainer"] = NameRules.AzureContainer,
        ["AzureResourceGroup"] = NameRules.AzureResourceGroup,
        ["AzureLocalUser"] = NameRules.AzureLocalUser,
        ["GcsBucket"] = NameRules.GcsBucket,
        ["GcpServiceAccountId"] = NameRules.GcpServiceAccountId,
        ["IamUser"] = NameRules.IamUser,
        ["IamRole"] = NameRules.IamRole,
        ["TransferUser"] = NameRules.TransferUser,
    };

    private static string Letters(int length) => new('a', length);

    private const string S3Chars = "may contain only lowercase letters, digits, dots and hyphens, and must start and end with a letter or digit";
    private const string AlnumOnly = "may contain only lowercase letters and digits";
    private const string ContainerChars = "may contain only lowercase letters, digits and hyphens, must start and end with a letter or digit";
    private const string GcsChars = "may contain only lowercase letters, digits, '-', '_' and '.', and must start and end with a letter or digit";
    private const string ServiceAccountChars = "must start with a lowercase letter, contain only lowercase letters, digits and hyphens, and end with a letter or digit";
    private const string IamChars = "may contain only letters, digits and +=,.@_-";
    private const string TransferChars = "must start with a letter, digit or '_' and contain only letters, digits and _@.-";
    private const string ResourceGroupChars = "may contain only letters, digits, '_', '-', '.', '(' and ')' and must not end with '.'";

    /// <summary>Rule, name, and the reason it is invalid (null: valid).</summary>
    public static TheoryData<string, string, string?> Boundaries => new()
    {
        { "S3Bucket", "abc", null },
        { "S3Bucket", "ab", "must be 3–63 characters, is 2" },
        { "S3Bucket", Letters(63), null },
        { "S3Bucket", Letters(64), "must be 3–63 characters, is 64" },
        { "S3Bucket", "a.b-c.1", null },
        { "S3Bucket", "Abc", S3Chars },
        { "S3Bucket", "ab_c", S3Chars },
        { "S3Bucket", "-abc", S3Chars },
        { "S3Bucket", "abc.", S3Chars },
        { "S3Bucket", "ab..c", "must not contain two adjacent dots" },
        { "S3Bucket", "192.168.10.1", "must not look like an IP address" },
        { "S3Bucket", "xn--abc", "must not start with xn-- or sthree-" },
        { "S3Bucket", "sthree-abc", "must not start with xn-- or sthree-" },
        { "S3Bucket", "sthreeabc", null },
        { "S3Bucket", "abc-s3alias", "must not end with -s3alias or --ol-s3" },
        { "S3Bucket", "abc--ol-s3", "must not end with -s3alias or --ol-s3" },

        { "AzureStorageAccount", "abc", null },
        { "AzureStorageAccount", "ab", "must be 3–24 characters, is 2" },
        { "AzureStorageAccount", Letters(24), null },
        { "AzureStorageAccount", Letters(25), "must be 3–24 characters, is 25" },
        { "AzureStorageAccount", "abc123", null },
        { "AzureStorageAccount", "abc-123", AlnumOnly },
        { "AzureStorageAccount", "Abc123", AlnumOnly },

        { "AzureContainer", "abc", null },
        { "AzureContainer", "ab", "must be 3–63 characters, is 2" },
        { "AzureContainer", Letters(63), null },
        { "AzureContainer", Letters(64), "must be 3–63 characters, is 64" },
        { "AzureContainer", "a-b-c", null },
        { "AzureContainer", "a--bc", "must not contain two adjacent hyphens" },
        { "AzureContainer", "-abc", ContainerChars },
        { "AzureContainer", "abc-", ContainerChars },
        { "AzureContainer", "aBc", ContainerChars },
        { "AzureContainer", "a.bc", ContainerChars },

        { "AzureResourceGroup", "a", null },
        { "AzureResourceGroup", "", "must be 1–90 characters, is 0" },
        { "AzureResourceGroup", Letters(90), null },
        { "AzureResourceGroup", Letters(91), "must be 1–90 characters, is 91" },
        { "AzureResourceGroup", "My_RG-(1).x", null },
        { "AzureResourceGroup", "rg.", ResourceGroupChars },
        { "AzureResourceGroup", "rg#1", ResourceGroupChars },

        { "AzureLocalUser", "abc", null },
        { "AzureLocalUser", "ab", "must be 3–64 characters, is 2" },
        { "AzureLocalUser", Letters(64), null },
        { "AzureLocalUser", Letters(65), "must be 3–64 characters, is 65" },
        { "AzureLocalUser", "ab-c", AlnumOnly },
        { "AzureLocalUser", "abC", AlnumOnly },

        { "GcsBucket", "abc", null },
        { "GcsBucket", "ab", "must be 3–63 characters, is 2" },
        { "GcsBucket", Letters(63), null },
        { "GcsBucket", Letters(64), "must be 3–63 characters, is 64" },
        { "GcsBucket", "a_b.c-d", null },
        { "GcsBucket", "abc_", GcsChars },
        { "GcsBucket", "Abc", GcsChars },
        { "GcsBucket", "googdata", "must not start with goog or contain google" },
        { "GcsBucket", "my-google-data", "must not start with goog or contain google" },
        { "GcsBucket", "10.0.0.1", "must not look like an IP address" },

        { "GcpServiceAccountId", "abcdef", null },
        { "GcpServiceAccountId", "abcde", "must be 6–30 characters, is 5" },
        { "GcpServiceAccountId", Letters(30), null },
        { "GcpServiceAccountId", Letters(31), "must be 6–30 characters, is 31" },
        { "GcpServiceAccountId", "a-b-c-1", null },
        { "GcpServiceAccountId", "1abcdef", ServiceAccountChars },
        { "GcpServiceAccountId", "abcdef-", ServiceAccountChars },
        { "GcpServiceAccountId", "abc_def", ServiceAccountChars },
        { "GcpServiceAccountId", "Abcdef", ServiceAccountChars },

        { "IamUser", "a", null },
        { "IamUser", "", "must be 1–64 characters, is 0" },
        { "IamUser", Letters(64), null },
        { "IamUser", Letters(65), "must be 1–64 characters, is 65" },
        { "IamUser", "Aa1+=,.@_-", null },
        { "IamUser", "a b", IamChars },
        { "IamUser", "a/b", IamChars },
        { "IamRole", Letters(64), null },
        { "IamRole", Letters(65), "must be 1–64 characters, is 65" },
        { "IamRole", "role:x", IamChars },

        { "TransferUser", "abc", null },
        { "TransferUser", "ab", "must be 3–100 characters, is 2" },
        { "TransferUser", Letters(100), null },
        { "TransferUser", Letters(101), "must be 3–100 characters, is 101" },
        { "TransferUser", "_a.b@c-d", null },
        { "TransferUser", "-abc", TransferChars },
        { "TransferUser", ".abc", TransferChars },
        { "TransferUser", "a bc", TransferChars },
    };

    [Theory]
    [MemberData(nameof(Boundaries))]
    public void Naming_rules_hold_at_their_boundaries(string rule, string name, string? reason)
    {
        Assert.Equal(reason, Rules[rule](name));
    }

    [Fact]
    public void Stable_hash_is_pinned_and_uses_only_name_safe_characters()
    {
        // Changing the hash renames every deployed resource: this value must never change.
        Assert.Equal(PinnedHash, StableHash.Of("destinationkit/dev/AwsS3/eu-west-1/aep/landing", 8));
        Assert.Equal(StableHash.Of("x", 51)[..8], StableHash.Of("x", 8));
        Assert.Matches("^[a-z2-7]{51}$", StableHash.Of("anything", 51));
        Assert.NotEqual(StableHash.Of("a", 8), StableHash.Of("b", 8));
        Assert.Throws<ArgumentOutOfRangeException>(() => StableHash.Of("x", 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => StableHash.Of("x", 52));
    }

    // RFC 4648 base32 (lowercase) of the SHA-256 of the input, checked independently: python3 -c "import hashlib,base64;
    // print(base64.b32encode(hashlib.sha256(b'destinationkit/dev/AwsS3/eu-west-1/aep/landing').digest()).decode().lower()[:8])"
    private const string PinnedHash = "l5digkdz";

    [Fact]
    public void Generated_names_are_pinned()
    {
        var names = new ResourceNames(S3.Parse());

        Assert.Equal($"aep-landing-{PinnedHash}", names.LandingBucket);
        Assert.Equal(PinnedNames, string.Join("|", AllNames(names, "acme")));
    }

    // Computed independently from ResourceNames' documented scheme (prefix, purpose or tenant, base32 SHA-256 of
    // "project/stack/target/region/prefix/purpose[/tenant]").
    private const string PinnedNames =
        "aep-landing-l5digkdz|aep-sink-rzx6cdbs|aep-t4lys6a6-rg|aeplzivobj72z|aepacmesmeo2w5m|aep-acme-cqia3zpg|aep-acme-adobe-35ppv2d3|aep-acme-zgu75z";

    [Fact]
    public void Generated_names_are_deterministic()
    {
        foreach (var (name, values) in ValidCases)
        {
            var first = AllNames(new ResourceNames(values.Parse([DlzSasKey])), "acme");
            var second = AllNames(new ResourceNames(values.Parse([DlzSasKey])), "acme");
            Assert.True(first.SequenceEqual(second), name);
        }
    }

    [Theory]
    [InlineData("stack")]
    [InlineData("project")]
    [InlineData("region")]
    [InlineData("namePrefix")]
    [InlineData("target")]
    public void Generated_names_differ_between_stacks_projects_regions_prefixes_and_targets(string change)
    {
        var baseline = new ResourceNames(Blob.Parse());
        var other = new ResourceNames(change switch
        {
            "stack" => Blob.Parse(stack: "prod"),
            "project" => Blob.Parse(project: "otherproject"),
            "region" => Blob.With(("region", "northeurope")).Parse(),
            "namePrefix" => Blob.With(("namePrefix", "aep2")).Parse(),
            _ => Adls.With(("tenants", $$"""[{"id": "acme", "servicePrincipalObjectId": "{{SpObjectId}}", "servicePrincipalClientId": "{{SpClientId}}"}]""")).Parse(),
        });

        // Names a tenant id makes unique by itself (containers, prefixes, SFTP users) are the same everywhere; every
        // name of an account-wide resource must differ.
        Assert.NotEqual(baseline.LandingBucket, other.LandingBucket);
        Assert.NotEqual(baseline.SinkBucket, other.SinkBucket);
        Assert.NotEqual(baseline.ResourceGroup, other.ResourceGroup);
        Assert.NotEqual(baseline.StorageAccount, other.StorageAccount);
        Assert.NotEqual(baseline.TenantStorageAccount("acme"), other.TenantStorageAccount("acme"));
        Assert.NotEqual(baseline.IamUser("acme"), other.IamUser("acme"));
        Assert.NotEqual(baseline.IamRole("acme", "adobe"), other.IamRole("acme", "adobe"));
        Assert.NotEqual(baseline.TransferLoggingRole, other.TransferLoggingRole);
        Assert.NotEqual(baseline.GcpServiceAccountId("acme"), other.GcpServiceAccountId("acme"));
    }

    [Fact]
    public void Tenants_whose_readable_parts_match_still_get_distinct_names()
    {
        // "a-b-c" and "abc" read the same in an account name; 12+ character ids share the service account's readable part.
        var tenants = new[] { "a-b-c", "abc", "abcdefghijklmnop-1", "abcdefghijklmnop-2" };
        var names = new ResourceNames(Blob.With(("namePrefix", "abcdefghij"), ("tenants", JsonSerializer.Serialize(tenants))).Parse());

        Assert.Equal(tenants.Length, tenants.Select(names.TenantStorageAccount).Distinct().Count());
        Assert.Equal(tenants.Length, tenants.Select(names.GcpServiceAccountId).Distinct().Count());
        Assert.Equal(tenants.Length, tenants.Select(names.IamUser).Distinct().Count());
        Assert.Equal(tenants.Length, tenants.Select(t => names.IamRole(t, "adobe")).Distinct().Count());
        Assert.Equal(names.TenantStorageAccount("a-b-c")[..13], names.TenantStorageAccount("abc")[..13]);
    }

    private static readonly string[] ExtremeTenants =
    [
        "a1b",
        "abc",
        "123",
        new string('z', 32),
        "a-b-c-d-e-f-g-h-i-j-k-l-m-n-o-p1",
        "0-1-2-3-4-5-6-7-8-9-0-1-2-3-4-56",
        "abcdefghijkl-mnopqrstuvwxyz0123",
    ];

    public static TheoryData<string, string> TargetsAndPrefixes
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var target in ValidCases.Keys)
            {
                foreach (var prefix in new[] { "abc", "abcdefghij", "sthreeabc", "z9z" }) data.Add(target, prefix);
            }
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(TargetsAndPrefixes))]
    public void Generated_names_are_valid_for_extreme_prefixes_and_tenant_ids(string target, string prefix)
    {
        // "a-b" would be the Azure SFTP user "ab", too short: the parser rejects it there (see the invalid table).
        var ids = target == "sftp-azure" ? ExtremeTenants : [.. ExtremeTenants, "a-b"];
        var isAzureSftp = target == "sftp-azure";
        var tenants = target == "azure-adls"
            ? JsonSerializer.Serialize(ids.Select(id => new { id, servicePrincipalObjectId = SpObjectId, servicePrincipalClientId = SpClientId }))
            : JsonSerializer.Serialize(ids);
        var values = ValidCases[target].With(("namePrefix", prefix), ("tenants", tenants), ("dlzSasUris", null));
        var spec = values.Parse([DlzSasKey]);
        Assert.Equal(ids, spec.Tenants.Select(t => t.Id));
        var names = new ResourceNames(spec);

        var problems = new List<string>();
        void Check(string rule, string name)
        {
            if (Rules[rule](name) is { } reason) problems.Add($"{rule} \"{name}\": {reason}");
        }
        foreach (var bucket in new[] { names.LandingBucket, names.SinkBucket })
        {
            Check("S3Bucket", bucket);
            Check("GcsBucket", bucket);
        }
        Check("AzureResourceGroup", names.ResourceGroup);
        Check("AzureStorageAccount", names.StorageAccount);
        Check("IamRole", names.TransferLoggingRole);
        foreach (var tenant in spec.Tenants.Select(t => t.Id))
        {
            Check("AzureStorageAccount", names.TenantStorageAccount(tenant));
            Check("AzureContainer", ResourceNames.TenantContainer(tenant));
            Check("IamUser", names.IamUser(tenant));
            foreach (var purpose in new[] { "adobe", "ingestion", "sftp" }) Check("IamRole", names.IamRole(tenant, purpose));
            Check("TransferUser", ResourceNames.TransferUser(tenant));
            if (isAzureSftp) Check("AzureLocalUser", ResourceNames.AzureLocalUser(tenant));
            Check("GcpServiceAccountId", names.GcpServiceAccountId(tenant));
            Check("S3Bucket", $"{names.LandingBucket}/{ResourceNames.TenantPrefix(tenant)}".Split('/')[0]);
            Assert.Equal($"{tenant}/", ResourceNames.TenantPrefix(tenant));
        }
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void Names_keep_readable_parts()
    {
        var names = new ResourceNames(Blob.With(("namePrefix", "acme")).Parse());

        Assert.Matches("^acme-landing-[a-z2-7]{8}$", names.LandingBucket);
        Assert.Matches("^acme-sink-[a-z2-7]{8}$", names.SinkBucket);
        Assert.Matches("^acme-[a-z2-7]{8}-rg$", names.ResourceGroup);
        Assert.Matches("^acmelz[a-z2-7]{8}$", names.StorageAccount);
        Assert.Matches("^acmesk[a-z2-7]{8}$", new ResourceNames(StreamingAzure.With(("namePrefix", "acme")).Parse()).StorageAccount);
        Assert.Matches("^acmeglobexcorp[a-z2-7]{8}$", names.TenantStorageAccount("globex-corp"));
        Assert.Matches("^acmeglobexintern[a-z2-7]{8}$", names.TenantStorageAccount("globex-international"));
        Assert.Matches("^acme-globex-corp-[a-z2-7]{8}$", names.IamUser("globex-corp"));
        Assert.Matches("^acme-globex-corp-adobe-[a-z2-7]{8}$", names.IamRole("globex-corp", "adobe"));
        Assert.Matches("^acme-transfer-logging-[a-z2-7]{8}$", names.TransferLoggingRole);
        Assert.Matches("^acme-globex-corp-[a-z2-7]{6}$", names.GcpServiceAccountId("globex-corp"));
        // The service account id keeps what fits of the tenant id (18 characters here), never ending that part with a hyphen.
        Assert.Matches("^acme-abcdefghijklmnop-q-[a-z2-7]{6}$", names.GcpServiceAccountId("abcdefghijklmnop-qrstu"));
        Assert.Matches("^acme-abcdefghijklmnopq-[a-z2-7]{6}$", names.GcpServiceAccountId("abcdefghijklmnopq-rstu"));
        Assert.Equal("globexcorp", ResourceNames.AzureLocalUser("globex-corp"));
        Assert.Equal("globex-corp", ResourceNames.TransferUser("globex-corp"));
        Assert.Equal("globex-corp", ResourceNames.TenantContainer("globex-corp"));
    }

    private static IEnumerable<string> AllNames(ResourceNames names, string tenant) =>
    [
        names.LandingBucket, names.SinkBucket, names.ResourceGroup, names.StorageAccount, names.TenantStorageAccount(tenant),
        names.IamUser(tenant), names.IamRole(tenant, "adobe"), names.GcpServiceAccountId(tenant),
    ];
}
