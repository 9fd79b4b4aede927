using System.Collections.Concurrent;
using DestinationKit.Automation;
using DestinationKit.Automation.Driver;
using DestinationKit.Model.Configuration;

namespace DestinationKit.Automation.Tests;

/// <summary>A driver that records every call, in order, as one line ("up ci-…"), keeps stacks in memory and fails
/// or blocks where a test tells it to.</summary>
internal sealed class FakeDriver : IStackDriver
{
    public List<string> Calls { get; } = [];

    public ConcurrentDictionary<string, FakeStackState> Stacks { get; } = new(StringComparer.Ordinal);

    /// <summary>Per operation name ("up", "destroy", "remove", ...): thrown instead of doing it.</summary>
    public Dictionary<string, Exception> Failures { get; } = new(StringComparer.Ordinal);

    /// <summary>Per operation name: awaited before doing it (with the call's token), to block or observe cancellation.</summary>
    public Dictionary<string, Func<CancellationToken, Task>> Hooks { get; } = new(StringComparer.Ordinal);

    /// <summary>Outputs an up leaves on a stack.</summary>
    public Func<string, Dictionary<string, StackOutputValue>> OutputsAfterUp { get; set; } = Outputs.Dlz;

    public List<StackInfo> Listed { get; } = [];

    public Dictionary<string, CancellationToken> Tokens { get; } = new(StringComparer.Ordinal);

    public async Task<IDriverStack> OpenAsync(string stackName, StackConfiguration? program, bool create, CancellationToken cancellationToken)
    {
        await Step(create ? "create-or-select" : "select", stackName, cancellationToken);
        if (!Stacks.TryGetValue(stackName, out var state))
        {
            if (!create) throw new StackMissingException(stackName);
            state = Stacks[stackName] = new FakeStackState();
        }
        state.Program = program ?? state.Program;
        return new FakeStack(this, stackName, state);
    }

    public async Task<IReadOnlyList<StackInfo>> ListStacksAsync(CancellationToken cancellationToken)
    {
        await Step("list", "", cancellationToken);
        return Listed;
    }

    public async Task RemoveStackAsync(string stackName, CancellationToken cancellationToken)
    {
        await Step("remove", stackName, cancellationToken);
        if (!Stacks.TryRemove(stackName, out var state)) throw new StackMissingException(stackName);
        if (state.Outputs.Count > 0) throw new InvalidOperationException($"stack {stackName} still has resources");
    }

    internal async Task Step(string operation, string stack, CancellationToken cancellationToken)
    {
        lock (Calls) Calls.Add($"{operation} {stack}".TrimEnd());
        Tokens[operation] = cancellationToken;
        if (Hooks.TryGetValue(operation, out var hook)) await hook(cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
        if (Failures.TryGetValue(operation, out var failure)) throw failure;
    }

    /// <summary>The operations alone, without stack names.</summary>
    public IReadOnlyList<string> Operations => Calls.Select(c => c.Split(' ')[0]).ToList();
}

internal sealed class FakeStackState
{
    public StackConfiguration? Program { get; set; }

    public IReadOnlyDictionary<string, StackConfigValue> Config { get; set; } = new Dictionary<string, StackConfigValue>();

    public List<ProviderPlugin> Plugins { get; } = [];

    public Dictionary<string, StackOutputValue> Outputs { get; set; } = [];
}

internal sealed class FakeStack(FakeDriver driver, string name, FakeStackState state) : IDriverStack
{
    public string Name => name;

    public async Task InstallPluginAsync(ProviderPlugin plugin, CancellationToken cancellationToken)
    {
        await driver.Step($"plugin:{plugin.Name}@{plugin.Version}", name, cancellationToken);
        state.Plugins.Add(plugin);
    }

    public async Task SetAllConfigAsync(IReadOnlyDictionary<string, StackConfigValue> config, CancellationToken cancellationToken)
    {
        await driver.Step("config", name, cancellationToken);
        state.Config = config;
    }

    public async Task<OperationSummary> UpAsync(Action<DeploymentEvent> onEvent, CancellationToken cancellationToken)
    {
        await driver.Step("up", name, cancellationToken);
        onEvent(new DeploymentEvent(name, DeploymentStage.Resource, "create destinationkit:stack"));
        onEvent(new DeploymentEvent(name, DeploymentStage.ResourceDone, "create destinationkit:stack"));
        state.Outputs = driver.OutputsAfterUp(name);
        return new OperationSummary(new Dictionary<string, int> { ["create"] = 3 });
    }

    public async Task<OperationSummary> PreviewAsync(Action<DeploymentEvent> onEvent, CancellationToken cancellationToken)
    {
        await driver.Step("preview", name, cancellationToken);
        return new OperationSummary(new Dictionary<string, int> { ["create"] = 3 });
    }

    public async Task<OperationSummary> DestroyAsync(Action<DeploymentEvent> onEvent, CancellationToken cancellationToken)
    {
        await driver.Step("destroy", name, cancellationToken);
        var count = state.Outputs.Count;
        state.Outputs = [];
        return new OperationSummary(new Dictionary<string, int> { ["delete"] = count });
    }

    public async Task<IReadOnlyDictionary<string, StackOutputValue>> GetOutputsAsync(CancellationToken cancellationToken)
    {
        await driver.Step("outputs", name, cancellationToken);
        return state.Outputs;
    }

    public void Dispose()
    {
        lock (driver.Calls) driver.Calls.Add($"dispose {name}");
    }
}

/// <summary>Stack outputs as DestinationStack exports them.</summary>
internal static class Outputs
{
    public const string AepJson = """{"destinationServer": {}, "destinationConfiguration": {}}""";
    public const string HmacSecret = "hmac-secret-value-0123456789abcdefghijklmn";

    public static Dictionary<string, StackOutputValue> Dlz(string stack) => new(StringComparer.Ordinal)
    {
        ["target"] = new("dlz", false),
        ["aepConfiguration"] = new(AepJson, false),
        ["ingestionSources"] = new("""{"acme": {"type": "dlz", "sasUri": "https://x/y?sig=s"}}""", true),
    };

    public static Dictionary<string, StackOutputValue> Gcs(string stack) => new(StringComparer.Ordinal)
    {
        ["target"] = new("gcp-gcs", false),
        ["aepConfiguration"] = new(AepJson, false),
        ["bucket"] = new("acme-landing-abcdefgh", false),
        ["credentials"] = new($$$"""{"acme": {"accessId": "GOOG1EXAMPLE", "secretAccessKey": "{{{HmacSecret}}}", "prefix": "acme/", "serviceAccount": "sa@p.iam.gserviceaccount.com"}}""", true),
    };
}

/// <summary>Configurations of the two targets this version deploys.</summary>
internal static class Configs
{
    public const string SasUri = "https://dlzacct.blob.core.windows.net/dlz-destination?sv=2023-01-03&se=2030-01-01T00%3A00%3A00Z&sp=rl&sig=c2VjcmV0LXNpZ25hdHVyZQ%3D%3D";

    public static StackConfiguration Dlz(string stack = "dev") => StackConfiguration.From("destinationkit", stack, new Dictionary<string, string>
    {
        ["destination:mode"] = "batch",
        ["destination:target"] = "dlz",
        ["destination:tenants"] = """["acme"]""",
        ["destination:destinationName"] = "Acme Audiences",
        ["destination:dlzSasUris"] = $$"""{"acme": "{{SasUri}}"}""",
    }, ["destination:dlzSasUris"]);

    public static StackConfiguration Gcs(string stack = "dev") => StackConfiguration.From("destinationkit", stack, new Dictionary<string, string>
    {
        ["destination:mode"] = "batch",
        ["destination:target"] = "gcp-gcs",
        ["destination:region"] = "europe-west1",
        ["destination:tenants"] = """["acme"]""",
        ["destination:destinationName"] = "Acme Audiences",
        ["gcp:project"] = "acme-prod",
    });
}
