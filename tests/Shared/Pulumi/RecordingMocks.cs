using System.Collections.Concurrent;
using System.Collections.Immutable;
using Pulumi.Testing;

namespace DestinationKit.PulumiTesting;

/// <summary>What one cloud's provider computes when a resource is created: fills <paramref name="state"/> with the
/// outputs the program reads and returns the resource id, or null when it does not know the type.</summary>
public delegate string? ResourceBehaviour(MockResourceArgs args, ImmutableDictionary<string, object>.Builder state);

/// <summary>What one cloud's provider answers to an invoke (a data source), or null when it does not know the token.</summary>
public delegate object? CallBehaviour(MockCallArgs args);

public sealed record CloudBehaviour(ResourceBehaviour Resources, CallBehaviour Calls);

/// <summary>Pulumi engine mocks shared by every test of the Pulumi layer: echo inputs as outputs, let each cloud's
/// behaviour (GcpBehaviour, AwsBehaviour, AzureBehaviour) add what that cloud computes, and remember every resource,
/// invoke and registered output the program made, so tests can assert on the whole graph.</summary>
public sealed class RecordingMocks(params CloudBehaviour[] clouds) : IMocks
{
    public ConcurrentQueue<MockResourceArgs> Created { get; } = new();

    public ConcurrentQueue<MockCallArgs> Calls { get; } = new();

    public ConcurrentQueue<string> RegisteredOutputs { get; } = new();

    public IReadOnlyList<MockResourceArgs> OfType(string type) => [.. Created.Where(r => r.Type == type)];

    public Task<(string? id, object state)> NewResourceAsync(MockResourceArgs args)
    {
        Created.Enqueue(args);
        var state = args.Inputs.ToBuilder();
        var id = clouds.Select(cloud => cloud.Resources(args, state)).FirstOrDefault(found => found is not null)
            ?? $"{args.Name}-id";
        return Task.FromResult<(string? id, object state)>((id, state.ToImmutable()));
    }

    public Task<object> CallAsync(MockCallArgs args)
    {
        Calls.Enqueue(args);
        var result = clouds.Select(cloud => cloud.Calls(args)).FirstOrDefault(found => found is not null)
            ?? ImmutableDictionary<string, object>.Empty;
        return Task.FromResult(result);
    }

    Task IMocks.RegisterResourceOutputs(MockRegisterResourceOutputsRequest request)
    {
        RegisteredOutputs.Enqueue(request.Urn ?? "");
        return Task.CompletedTask;
    }
}
