using System.Reflection;
using Pulumi;
using Pulumi.Testing;

namespace DestinationKit.Azure.Tests;

/// <summary>Reading what the program registered with the engine.</summary>
internal static class Graph
{
    public const string ResourceGroupType = "azure-native:resources:ResourceGroup";
    public const string AccountType = "azure-native:storage:StorageAccount";
    public const string ContainerType = "azure-native:storage:BlobContainer";
    public const string PolicyType = "azure-native:storage:ManagementPolicy";
    public const string LocalUserType = "azure-native:storage:LocalUser";
    public const string RoleAssignmentType = "azure-native:authorization:RoleAssignment";
    public const string PrivateKeyType = "tls:index/privateKey:PrivateKey";
    public const string ListKeysToken = "azure-native:storage:listStorageAccountKeys";
    public const string ClientConfigToken = "azure-native:authorization:getClientConfig";

    public static Dictionary<string, int> Counts(RecordingMocks mocks) =>
        mocks.Created.GroupBy(r => r.Type ?? "").ToDictionary(g => g.Key, g => g.Count());

    public static MockResourceArgs Single(RecordingMocks mocks, string type) => Assert.Single(mocks.OfType(type));

    public static MockResourceArgs Named(RecordingMocks mocks, string type, string name) => Assert.Single(mocks.OfType(type), r => r.Name == name);

    public static IReadOnlyDictionary<string, object> Map(object value) => Assert.IsAssignableFrom<IReadOnlyDictionary<string, object>>(value);

    public static IReadOnlyList<object> List(object value) => [.. Assert.IsAssignableFrom<IEnumerable<object>>(value)];

    /// <summary>Whether the provider's resource type has a <c>tags</c> input, read from the SDK itself, so a resource
    /// type that takes tags fails a test until it is tagged.</summary>
    public static bool TakesTags(string type)
    {
        var resource = typeof(Pulumi.AzureNative.Storage.StorageAccount).Assembly.GetTypes()
            .Single(t => t.GetCustomAttribute<ResourceTypeAttribute>()?.Type == type);
        var args = resource.GetConstructors().Single(c => c.GetParameters().Length == 3).GetParameters()[1].ParameterType;
        return args.GetMembers(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance)
            .SelectMany(m => m.GetCustomAttributesData())
            .Any(a => a.AttributeType == typeof(InputAttribute) && (string?)a.ConstructorArguments[0].Value == "tags");
    }

    /// <summary>The reserved tags plus <c>team: data-platform</c>, which the tag tests configure.</summary>
    public static Dictionary<string, object> ExpectedTags => new()
    {
        ["destination-prefix"] = "aep",
        ["managed-by"] = "destinationkit",
        ["stack"] = Specs.Stack,
        ["team"] = "data-platform",
    };
}
