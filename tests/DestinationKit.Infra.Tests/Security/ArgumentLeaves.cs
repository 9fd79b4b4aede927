using System.Collections;
using System.Collections.Immutable;
using System.Reflection;
using System.Text.Json;
using Pulumi;
using Pulumi.Utilities;

namespace DestinationKit.Infra.Tests.Security;

/// <summary>One string a program handed to a resource, where it sits in the resource's inputs, and whether it was a
/// Pulumi secret there (which the engine mocks cannot tell: they receive the inputs with their secretness removed).</summary>
internal sealed record InputLeaf(string Path, string Value, bool Secret);

/// <summary>Walks the arguments a program built for a resource (as a resource transformation sees them) down to their
/// strings, resolving every <c>Input</c> and <c>Output</c> on the way and remembering whether it was secret.</summary>
internal static class ArgumentLeaves
{
    public static async Task<ImmutableArray<InputLeaf>> OfAsync(ResourceArgs args)
    {
        var leaves = new List<InputLeaf>();
        await WalkAsync(args, "", secret: false, leaves);
        return [.. leaves];
    }

    private static async Task WalkAsync(object? value, string path, bool secret, List<InputLeaf> leaves)
    {
        switch (value)
        {
            case null or bool or int or long or double:
                return;
            case string text:
                leaves.Add(new(path, text, secret));
                return;
            case JsonElement json:
                leaves.Add(new(path, json.GetRawText(), secret));
                return;
            // Local files the provider uploads (the app's package): paths, not values.
            case AssetOrArchive:
                return;
            case InputArgs args:
                foreach (var (name, read) in Members(args.GetType()))
                    await WalkAsync(read(args), Join(path, name), secret, leaves);
                return;
        }
        var type = value.GetType();
        if (Generic(type, typeof(Input<>)) is { } input)
        {
            var (inner, isSecret) = await ResolveAsync(nameof(ResolveInput), input.GetGenericArguments()[0], value);
            await WalkAsync(inner, path, secret || isSecret, leaves);
        }
        else if (Generic(type, typeof(Output<>)) is { } output)
        {
            var (inner, isSecret) = await ResolveAsync(nameof(ResolveOutput), output.GetGenericArguments()[0], value);
            await WalkAsync(inner, path, secret || isSecret, leaves);
        }
        else if (type.IsGenericType && type.Name.StartsWith("Union`", StringComparison.Ordinal) && type.Namespace == "Pulumi")
        {
            await WalkAsync(type.GetProperty("Value")!.GetValue(value), path, secret, leaves);
        }
        else if (type.GetCustomAttribute<EnumTypeAttribute>() is not null)
        {
            leaves.Add(new(path, value.ToString()!, secret));
        }
        else if (value is IDictionary map)
        {
            foreach (DictionaryEntry entry in map) await WalkAsync(entry.Value, Join(path, (string)entry.Key), secret, leaves);
        }
        else if (value is IEnumerable items)
        {
            var index = 0;
            foreach (var item in items) await WalkAsync(item, $"{path}[{index++}]", secret, leaves);
        }
        else
        {
            throw new InvalidOperationException($"{path}: the walk does not know how to read a {type}; teach ArgumentLeaves");
        }
    }

    private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

    /// <summary>The <c>[Input("name")]</c> fields and properties of an arguments class, as Pulumi's serializer reads them.</summary>
    private static IEnumerable<(string Name, Func<object, object?> Read)> Members(Type type)
    {
        const BindingFlags Instance = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance;
        foreach (var field in type.GetFields(Instance))
        {
            if (InputName(field) is { } name) yield return (name, field.GetValue);
        }
        foreach (var property in type.GetProperties(Instance))
        {
            if (InputName(property) is { } name) yield return (name, property.GetValue);
        }
    }

    private static string? InputName(MemberInfo member) => member.GetCustomAttributesData()
        .Where(a => a.AttributeType == typeof(InputAttribute))
        .Select(a => (string?)a.ConstructorArguments[0].Value)
        .FirstOrDefault();

    private static Type? Generic(Type? type, Type definition)
    {
        for (; type is not null; type = type.BaseType)
        {
            if (type.IsGenericType && type.GetGenericTypeDefinition() == definition) return type;
        }
        return null;
    }

    private static Task<(object? Value, bool Secret)> ResolveAsync(string method, Type valueType, object inputOrOutput) =>
        (Task<(object?, bool)>)typeof(ArgumentLeaves).GetMethod(method, BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(valueType).Invoke(null, [inputOrOutput])!;

    private static Task<(object? Value, bool Secret)> ResolveInput<T>(Input<T> input) => ResolveOutput((Output<T>)input);

    private static async Task<(object? Value, bool Secret)> ResolveOutput<T>(Output<T> output) =>
        (await OutputUtilities.GetValueAsync(output), await Output.IsSecretAsync(output));
}
