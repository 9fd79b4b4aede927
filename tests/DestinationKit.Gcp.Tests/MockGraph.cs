using System.Reflection;
using Pulumi;
using Pulumi.Testing;

namespace DestinationKit.Gcp.Tests;

/// <summary>Reading what a program created under mocks: resources by type, their inputs as maps and lists, and which
/// resource types take labels.</summary>
internal static class MockGraph
{
    public static Dictionary<string, int> Counts(RecordingMocks mocks) =>
        mocks.Created.GroupBy(r => r.Type ?? "").ToDictionary(g => g.Key, g => g.Count());

    public static MockResourceArgs Single(RecordingMocks mocks, string type) => Assert.Single(mocks.OfType(type));

    public static MockResourceArgs Named(RecordingMocks mocks, string type, string name) => Assert.Single(mocks.OfType(type), r => r.Name == name);

    public static IReadOnlyDictionary<string, object> Map(object value) => Assert.IsAssignableFrom<IReadOnlyDictionary<string, object>>(value);

    public static IEnumerable<object> List(object value) => Assert.IsAssignableFrom<IEnumerable<object>>(value);

    /// <summary>Every string anywhere in a resource's inputs, nested maps and lists included.</summary>
    public static IEnumerable<string> Strings(object? value) => value switch
    {
        string s => [s],
        IReadOnlyDictionary<string, object> map => map.Values.SelectMany(Strings),
        IEnumerable<object> list => list.SelectMany(Strings),
        _ => [],
    };

    /// <summary>Whether the provider's resource type has a <c>labels</c> input, read from the SDK itself, so a
    /// resource that gains labels in a later provider version fails the label tests until it is labelled.</summary>
    public static bool TakesLabels(string type)
    {
        var resource = typeof(Pulumi.Gcp.Provider).Assembly.GetTypes()
            .Single(t => t.GetCustomAttribute<ResourceTypeAttribute>()?.Type == type);
        var args = resource.GetConstructors().Single(c => c.GetParameters().Length == 3).GetParameters()[1].ParameterType;
        return args.GetMembers(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance)
            .SelectMany(m => m.GetCustomAttributesData())
            .Any(a => a.AttributeType == typeof(InputAttribute) && (string?)a.ConstructorArguments[0].Value == "labels");
    }
}
