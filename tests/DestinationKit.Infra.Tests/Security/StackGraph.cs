using System.Collections;
using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Reflection;
using System.Text.Json;
using Pulumi;
using Pulumi.Testing;
using Pulumi.Utilities;

namespace DestinationKit.Infra.Tests.Security;

/// <summary>One resource of a deployed stack: its inputs as the engine received them (the mocks' record) and its
/// strings as the program built them, with their secretness (<see cref="ArgumentLeaves"/>).</summary>
internal sealed record RecordedResource(string Type, string Name, ImmutableDictionary<string, object> Inputs, ImmutableArray<InputLeaf> Leaves);

internal sealed record StackOutputValue(string Name, string? Value, bool Secret);

/// <summary>Everything one run of <see cref="DestinationStack"/> under the shared mocks produced: every resource and
/// data source the engine was asked for, every stack output, and every secret value in play (what the providers mark
/// secret in their resources' outputs, what the secret-bearing data sources answered, the secret configuration).</summary>
internal sealed record StackGraph(
    string Variant,
    ImmutableArray<RecordedResource> Resources,
    ImmutableArray<string> Invokes,
    ImmutableArray<StackOutputValue> Outputs,
    ImmutableHashSet<string> Secrets)
{
    /// <summary>Shorter values are no evidence of a leak when found inside another string.</summary>
    public const int ShortestSecret = 16;

    public static readonly ImmutableArray<CloudBehaviour> Behaviours =
    [
        GcpBehaviour.Instance, AwsBehaviour.Instance, AzureBehaviour.Instance, AzureStreamingBehaviour.Instance,
        RandomBehaviour.Instance, TlsBehaviour.Instance,
    ];

    public IEnumerable<RecordedResource> OfType(string type) => Resources.Where(r => r.Type == type);

    public static async Task<StackGraph> DeployAsync(string variant, IReadOnlyDictionary<string, string> config, IReadOnlyCollection<string> secretKeys)
    {
        var mocks = new RecordingMocks([.. Behaviours]);
        var arguments = new ConcurrentQueue<(string Type, string Name, ResourceArgs Args)>();
        var options = new StackOptions
        {
            ResourceTransformations =
            {
                args =>
                {
                    arguments.Enqueue((args.Resource.GetResourceType(), args.Resource.GetResourceName(), args.Args));
                    return null;
                },
            },
        };

        var resources = await StackRunner.RunAsync(mocks, config, secretKeys, options);

        var built = arguments.ToLookup(a => (a.Type, a.Name));
        var recorded = ImmutableArray.CreateBuilder<RecordedResource>();
        foreach (var created in mocks.Created)
        {
            var key = (created.Type ?? "", created.Name ?? "");
            var args = built[key].ToList();
            if (args.Count != 1)
                throw new InvalidOperationException($"{key}: {args.Count} resources of this type and name were built; the graph pairs them by type and name");
            recorded.Add(new(key.Item1, key.Item2, created.Inputs, await ArgumentLeaves.OfAsync(args[0].Args)));
        }

        var secrets = new HashSet<string>(StringComparer.Ordinal);
        foreach (var resource in resources.OfType<CustomResource>()) secrets.UnionWith(await SecretOutputsAsync(resource));
        foreach (var call in mocks.Calls) secrets.UnionWith(InvokeSecrets(call));
        foreach (var key in secretKeys) secrets.UnionWith(Strings(ParseOrText(config[key])));
        secrets.RemoveWhere(s => s.Length < ShortestSecret);

        var stack = resources.OfType<DestinationStack>().Single();
        return new StackGraph(variant, recorded.ToImmutable(), [.. mocks.Calls.Select(c => c.Token ?? "")], await OutputsAsync(stack),
            secrets.ToImmutableHashSet(StringComparer.Ordinal));
    }

    /// <summary>The values of the outputs that the resource's provider marks secret (its <c>additionalSecretOutputs</c>,
    /// which the generated SDK sets in each resource's options and the engine, not the mocks, applies).</summary>
    private static async Task<IEnumerable<string>> SecretOutputsAsync(CustomResource resource)
    {
        var type = resource.GetType();
        var makeOptions = type.GetMethod("MakeResourceOptions", BindingFlags.NonPublic | BindingFlags.Static);
        if (makeOptions is null) return [];
        var options = (CustomResourceOptions)makeOptions.Invoke(null, [null, null])!;
        var values = new List<string>();
        foreach (var name in options.AdditionalSecretOutputs)
        {
            var property = type.GetProperties().SingleOrDefault(p => p.GetCustomAttribute<OutputAttribute>()?.Name == name);
            if (property?.GetValue(resource) is { } output) values.AddRange(Strings(await ValueAsync(output)));
        }
        return values;
    }

    /// <summary>Data sources the stacks call, and which parts of their answers are secret. A data source not listed
    /// fails the walk until it is.</summary>
    public static readonly ImmutableDictionary<string, Func<IDictionary<string, object>, IEnumerable<string>>> KnownInvokes =
        new Dictionary<string, Func<IDictionary<string, object>, IEnumerable<string>>>
        {
            ["azure-native:authorization:getClientConfig"] = _ => [],
            ["azure-native:storage:listStorageAccountKeys"] = answer =>
                ((IEnumerable)answer["keys"]).Cast<IDictionary<string, object>>().Select(key => (string)key["value"]),
            ["azure-native:storage:listStorageAccountServiceSAS"] = answer => [(string)answer["serviceSasToken"]],
            ["gcp:storage/getProjectServiceAccount:getProjectServiceAccount"] = _ => [],
            ["gcp:organizations/getClientConfig:getClientConfig"] = answer => [(string)answer["accessToken"]],
        }.ToImmutableDictionary(StringComparer.Ordinal);

    /// <summary>The secret parts of what the mocks answered to <paramref name="call"/>, asked again of the same behaviours.</summary>
    private static IEnumerable<string> InvokeSecrets(MockCallArgs call)
    {
        if (call.Token is null || !KnownInvokes.TryGetValue(call.Token, out var secretParts)) return [];
        var answer = Behaviours.Select(b => b.Calls(call)).FirstOrDefault(a => a is not null) as IDictionary<string, object>;
        return answer is null ? [] : secretParts(answer);
    }

    /// <summary>Every <c>[Output]</c> of the stack, so an output added later is walked too.</summary>
    private static async Task<ImmutableArray<StackOutputValue>> OutputsAsync(DestinationStack stack)
    {
        var outputs = ImmutableArray.CreateBuilder<StackOutputValue>();
        foreach (var property in typeof(DestinationStack).GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly))
        {
            if (property.GetCustomAttribute<OutputAttribute>()?.Name is not { } name) continue;
            var output = (Output<string?>)property.GetValue(stack)!;
            outputs.Add(new(name, await OutputUtilities.GetValueAsync(output), await Output.IsSecretAsync(output)));
        }
        return outputs.ToImmutable();
    }

    private static async Task<object?> ValueAsync(object output) =>
        await (Task<object?>)typeof(StackGraph).GetMethod(nameof(Untyped), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(output.GetType().GetGenericArguments()[0]).Invoke(null, [output])!;

    private static async Task<object?> Untyped<T>(Output<T> output) => await OutputUtilities.GetValueAsync(output);

    private static object ParseOrText(string value)
    {
        try
        {
            return JsonSerializer.Deserialize<JsonElement>(value);
        }
        catch (JsonException)
        {
            return value;
        }
    }

    /// <summary>Every string in a value of the mocks' or the SDK's shapes (dictionaries, lists, JSON).</summary>
    public static IEnumerable<string> Strings(object? value) => value switch
    {
        null => [],
        string text => [text],
        JsonElement { ValueKind: JsonValueKind.String } json => [json.GetString()!],
        JsonElement { ValueKind: JsonValueKind.Object } json => json.EnumerateObject().SelectMany(p => Strings(p.Value)),
        JsonElement { ValueKind: JsonValueKind.Array } json => json.EnumerateArray().SelectMany(e => Strings(e)),
        IDictionary map => map.Values.Cast<object?>().SelectMany(Strings),
        IEnumerable items => items.Cast<object?>().SelectMany(Strings),
        _ => [],
    };
}
