using System.Text.Json;
using DestinationKit.Model.Permissions;

namespace DestinationKit.Model.Tests.Permissions;

/// <summary>The permission documents AEP's exports need (shared/AEP.md §4.2), as data: exactly AEP's actions, scoped to
/// one tenant, in the right partition.</summary>
public class PermissionTests
{
    private const string Bucket = "aep-landing-l5digkdz";

    /// <summary>AEP's documented S3 permissions, no more.</summary>
    private static readonly string[] AepS3Actions =
        ["s3:DeleteObject", "s3:GetBucketLocation", "s3:GetObject", "s3:ListBucket", "s3:ListMultipartUploadParts", "s3:PutObject"];

    [Fact]
    public void The_tenant_policy_grants_exactly_aeps_actions_on_the_tenant_prefix()
    {
        var policy = AwsPolicies.TenantLandingAccess("aws", Bucket, "acme/");

        Assert.All(policy.Statements, s => Assert.Equal("Allow", s.Effect));
        Assert.Equal(AepS3Actions, policy.Statements.SelectMany(s => s.Actions).Order(StringComparer.Ordinal));
        Assert.All(policy.Statements.SelectMany(s => s.Actions), a => Assert.DoesNotContain("*", a, StringComparison.Ordinal));
        Assert.All(policy.Statements, s => Assert.Null(s.Principal));

        var objects = policy.Statements.Single(s => s.Actions.Contains("s3:PutObject"));
        Assert.Equal<string>(["s3:DeleteObject", "s3:GetObject", "s3:ListMultipartUploadParts", "s3:PutObject"], objects.Actions);
        Assert.Equal<string>([$"arn:aws:s3:::{Bucket}/acme/*"], objects.Resources);
        Assert.Null(objects.Condition);

        var location = policy.Statements.Single(s => s.Actions.Contains("s3:GetBucketLocation"));
        Assert.Equal<string>([$"arn:aws:s3:::{Bucket}"], location.Resources);

        var list = policy.Statements.Single(s => s.Actions.Contains("s3:ListBucket"));
        Assert.Equal<string>(["s3:ListBucket"], list.Actions);
        Assert.Equal<string>([$"arn:aws:s3:::{Bucket}"], list.Resources);
        var condition = Assert.Single(list.Condition!);
        Assert.Equal("StringLike", condition.Key);
        var prefix = Assert.Single(condition.Value);
        Assert.Equal("s3:prefix", prefix.Key);
        Assert.Equal<string>(["acme/", "acme/*"], prefix.Value);
    }

    [Fact]
    public void Only_the_tenants_objects_are_reachable()
    {
        var policy = AwsPolicies.TenantLandingAccess("aws", Bucket, "acme/");
        var resources = policy.Statements.SelectMany(s => s.Resources).ToArray();

        // Object resources are under the tenant's prefix; the bucket itself only for location and the prefix-limited listing.
        Assert.All(resources.Where(r => r.Contains('/', StringComparison.Ordinal)), r => Assert.StartsWith($"arn:aws:s3:::{Bucket}/acme/", r, StringComparison.Ordinal));
        Assert.DoesNotContain($"arn:aws:s3:::{Bucket}/*", resources);
        Assert.DoesNotContain(resources, r => r.StartsWith($"arn:aws:s3:::{Bucket}/globex", StringComparison.Ordinal));
    }

    [Fact]
    public void The_tenant_policy_serialises_as_iam_writes_it()
    {
        var json = AwsPolicies.TenantLandingAccess("aws", Bucket, "acme/").ToJson();

        Assert.Equal(
            """{"Version":"2012-10-17","Statement":[{"Sid":"AepObjectsInTenantPrefix","Effect":"Allow","Action":["s3:DeleteObject","s3:GetObject","s3:ListMultipartUploadParts","s3:PutObject"],"Resource":"arn:aws:s3:::aep-landing-l5digkdz/acme/*"},"""
            + """{"Sid":"AepBucketLocation","Effect":"Allow","Action":"s3:GetBucketLocation","Resource":"arn:aws:s3:::aep-landing-l5digkdz"},"""
            + """{"Sid":"AepListTenantPrefix","Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::aep-landing-l5digkdz","Condition":{"StringLike":{"s3:prefix":["acme/","acme/*"]}}}]}""",
            json);
    }

    private const string KeyArn = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

    [Fact]
    public void With_sse_kms_the_tenant_may_use_the_bucket_key_only_through_requests_for_this_bucket()
    {
        var policy = AwsPolicies.TenantLandingAccess("aws", Bucket, "acme/", KeyArn);

        Assert.Equal(AepS3Actions, policy.Statements.Where(s => s.Sid != "AepUseBucketKey").SelectMany(s => s.Actions).Order(StringComparer.Ordinal));
        var key = policy.Statements.Single(s => s.Sid == "AepUseBucketKey");
        Assert.Equal<string>(["kms:Decrypt", "kms:GenerateDataKey"], key.Actions);
        Assert.Equal(
            """{"Sid":"AepUseBucketKey","Effect":"Allow","Action":["kms:Decrypt","kms:GenerateDataKey"],"Resource":"arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab","Condition":{"StringEquals":{"kms:EncryptionContext:aws:s3:arn":"arn:aws:s3:::aep-landing-l5digkdz"}}}""",
            key.ToJsonNode().ToJsonString());
    }

    [Fact]
    public void A_key_given_by_alias_is_matched_through_the_alias()
    {
        var statement = AwsPolicies.BucketKeyUse("aws-us-gov", Bucket, "arn:aws-us-gov:kms:us-gov-west-1:123456789012:alias/landing/exports");

        Assert.Equal<string>(["arn:aws-us-gov:kms:us-gov-west-1:123456789012:key/*"], statement.Resources);
        Assert.Equal(
            """{"ForAnyValue:StringEquals":{"kms:ResourceAliases":"alias/landing/exports"},"StringEquals":{"kms:EncryptionContext:aws:s3:arn":"arn:aws-us-gov:s3:::aep-landing-l5digkdz"}}""",
            statement.ToJsonNode()["Condition"]!.ToJsonString());
    }

    [Fact]
    public void Without_sse_kms_there_is_no_key_statement()
    {
        Assert.DoesNotContain(AwsPolicies.TenantLandingAccess("aws", Bucket, "acme/").Statements.SelectMany(s => s.Actions),
            a => a.StartsWith("kms:", StringComparison.Ordinal));
        Assert.Throws<ArgumentException>(() => AwsPolicies.BucketKeyUse("aws", Bucket, "1234abcd-12ab-34cd-56ef-1234567890ab"));
    }

    [Fact]
    public void Transfer_may_assume_a_tenant_role_only_for_users_of_this_server_in_this_account()
    {
        var policy = AwsPolicies.TransferUserTrust("arn:aws:transfer:eu-west-1:123456789012:server/s-1234567890abcdef0");

        Assert.Equal(
            """{"Version":"2012-10-17","Statement":[{"Sid":"TransferAssumesRoleForServerUsers","Effect":"Allow","Principal":{"Service":"transfer.amazonaws.com"},"Action":"sts:AssumeRole","Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:transfer:eu-west-1:123456789012:user/s-1234567890abcdef0/*"},"StringEquals":{"aws:SourceAccount":"123456789012"}}}]}""",
            policy.ToJson());
        Assert.Throws<ArgumentException>(() => AwsPolicies.TransferUserTrust("arn:aws:transfer:eu-west-1:123456789012:user/s-1/acme"));
    }

    [Fact]
    public void Transfer_writes_server_logs_with_awss_managed_logging_policy()
    {
        Assert.Equal(
            """{"Version":"2012-10-17","Statement":[{"Sid":"TransferWritesServerLogs","Effect":"Allow","Principal":{"Service":"transfer.amazonaws.com"},"Action":"sts:AssumeRole"}]}""",
            AwsPolicies.TransferLoggingTrust().ToJson());
        Assert.Equal("arn:aws-cn:iam::aws:policy/service-role/AWSTransferLoggingAccess", AwsPolicies.TransferLoggingPolicyArn("aws-cn"));
    }

    [Theory]
    [InlineData("eu-west-1", "aws")]
    [InlineData("us-east-1", "aws")]
    [InlineData("ap-southeast-2", "aws")]
    [InlineData("cn-north-1", "aws-cn")]
    [InlineData("cn-northwest-1", "aws-cn")]
    [InlineData("us-gov-west-1", "aws-us-gov")]
    [InlineData("us-gov-east-1", "aws-us-gov")]
    [InlineData("us-iso-east-1", "aws-iso")]
    [InlineData("us-isob-east-1", "aws-iso-b")]
    [InlineData("eu-isoe-west-1", "aws-iso-e")]
    public void Arns_use_the_partition_of_the_region(string region, string partition)
    {
        Assert.Equal(partition, AwsPolicies.Partition(region));

        var policy = AwsPolicies.TenantLandingAccess(AwsPolicies.Partition(region), Bucket, "acme/");
        Assert.All(policy.Statements.SelectMany(s => s.Resources), r => Assert.StartsWith($"arn:{partition}:s3:::{Bucket}", r, StringComparison.Ordinal));
        Assert.All(AwsPolicies.DenyInsecureTransport(partition, Bucket).Statements.SelectMany(s => s.Resources),
            r => Assert.StartsWith($"arn:{partition}:s3:::", r, StringComparison.Ordinal));
    }

    [Fact]
    public void The_bucket_policy_denies_every_request_without_tls()
    {
        var policy = AwsPolicies.DenyInsecureTransport("aws-us-gov", Bucket);

        var statement = Assert.Single(policy.Statements);
        Assert.Equal("Deny", statement.Effect);
        Assert.Equal<string>(["s3:*"], statement.Actions);
        Assert.Equal<string>([$"arn:aws-us-gov:s3:::{Bucket}", $"arn:aws-us-gov:s3:::{Bucket}/*"], statement.Resources);
        Assert.Equal(
            """{"Version":"2012-10-17","Statement":[{"Sid":"DenyInsecureTransport","Effect":"Deny","Principal":{"AWS":"*"},"Action":"s3:*","Resource":"""
            + """["arn:aws-us-gov:s3:::aep-landing-l5digkdz","arn:aws-us-gov:s3:::aep-landing-l5digkdz/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}""",
            policy.ToJson());
    }

    [Fact]
    public void Adobe_may_assume_the_tenant_role_without_an_external_id()
    {
        var policy = AwsPolicies.AdobeTrust("aws");

        var statement = Assert.Single(policy.Statements);
        Assert.Equal(("Allow", "670664943635"), (statement.Effect, AwsPolicies.AdobeAccountId));
        Assert.Equal<string>(["sts:AssumeRole"], statement.Actions);
        Assert.Empty(statement.Resources);
        Assert.Null(statement.Condition);
        Assert.Equal(
            """{"Version":"2012-10-17","Statement":[{"Sid":"AdobeAssumesRole","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::670664943635:root"},"Action":"sts:AssumeRole"}]}""",
            policy.ToJson());
    }

    [Fact]
    public void Serialising_a_policy_does_not_share_or_change_its_principal()
    {
        var policy = AwsPolicies.AdobeTrust("aws");
        var first = policy.ToJson();

        Assert.Equal(first, policy.ToJson());
        using var document = JsonDocument.Parse(first);
        Assert.Equal("arn:aws:iam::670664943635:root", document.RootElement.GetProperty("Statement")[0].GetProperty("Principal").GetProperty("AWS").GetString());
    }

    [Fact]
    public void The_gcs_condition_limits_objects_and_listings_to_the_tenant_prefix()
    {
        Assert.Equal(
            "resource.name.startsWith(\"projects/_/buckets/aep-landing-l5digkdz/objects/acme/\") || "
            + "(resource.name == \"projects/_/buckets/aep-landing-l5digkdz\" && "
            + "api.getAttribute(\"storage.googleapis.com/objectListPrefix\", \"\").startsWith(\"acme/\"))",
            GcsPermissions.TenantCondition(Bucket, "acme/"));
    }

    [Fact]
    public void The_gcs_role_has_only_object_and_upload_permissions()
    {
        Assert.Equal<string>(
            ["storage.multipartUploads.abort", "storage.multipartUploads.create", "storage.multipartUploads.listParts",
             "storage.objects.create", "storage.objects.delete", "storage.objects.get", "storage.objects.list"],
            GcsPermissions.TenantRolePermissions);
        Assert.All(GcsPermissions.TenantRolePermissions, p => Assert.DoesNotContain("*", p, StringComparison.Ordinal));
        Assert.DoesNotContain(GcsPermissions.TenantRolePermissions, p => p.StartsWith("storage.buckets.", StringComparison.Ordinal));
    }

    [Fact]
    public void The_azure_role_is_storage_blob_data_contributor_on_one_container()
    {
        const string account = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/aep-t4lys6a6-rg/providers/Microsoft.Storage/storageAccounts/aeplzivobj72z";

        Assert.Equal("ba92f5b4-2d11-453d-a403-e96b0029c9fe", AzureRoles.StorageBlobDataContributor);
        Assert.Equal("/subscriptions/00000000-0000-0000-0000-000000000001/providers/Microsoft.Authorization/roleDefinitions/ba92f5b4-2d11-453d-a403-e96b0029c9fe",
            AzureRoles.RoleDefinitionId("00000000-0000-0000-0000-000000000001", AzureRoles.StorageBlobDataContributor));
        Assert.Equal($"{account}/blobServices/default/containers/acme", AzureRoles.ContainerScope(account, "acme"));
    }
}
