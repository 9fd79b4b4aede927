using System.Collections.Immutable;

namespace DestinationKit.Model.Permissions;

/// <summary>What a tenant's service account may do in the GCS landing bucket: a custom role with exactly the
/// object permissions AEP's export needs, bound with an IAM condition that limits it to the tenant's prefix.</summary>
public static class GcsPermissions
{
    public static readonly ImmutableArray<string> TenantRolePermissions =
    [
        "storage.multipartUploads.abort",
        "storage.multipartUploads.create",
        "storage.multipartUploads.listParts",
        "storage.objects.create",
        "storage.objects.delete",
        "storage.objects.get",
        "storage.objects.list",
    ];

    /// <summary>What the streaming app's service account may do in its sink bucket (target <c>gcp</c>), bound on that
    /// bucket only: write request objects, read and list them to rebuild its state, overwrite audience objects (an
    /// overwrite needs delete), and read the bucket itself for its readiness check. Neither Storage Object Creator
    /// with Viewer (no overwrite, no bucket read) nor Storage Object User (also updates, retention, restores and
    /// multipart uploads) is exactly this.</summary>
    public static readonly ImmutableArray<string> AppSinkPermissions =
    [
        "storage.buckets.get",
        "storage.objects.create",
        "storage.objects.delete",
        "storage.objects.get",
        "storage.objects.list",
    ];

    /// <summary>CEL condition: object operations on names under the prefix, and listings asked for that prefix
    /// (a listing's resource is the bucket, so it is matched by the requested prefix instead).</summary>
    public static string TenantCondition(string bucket, string tenantPrefix) =>
        $"resource.name.startsWith(\"projects/_/buckets/{bucket}/objects/{tenantPrefix}\") || "
        + $"(resource.name == \"projects/_/buckets/{bucket}\" && "
        + $"api.getAttribute(\"storage.googleapis.com/objectListPrefix\", \"\").startsWith(\"{tenantPrefix}\"))";
}
