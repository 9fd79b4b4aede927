using System.Collections.Concurrent;
using System.Collections.Immutable;
using Pulumi.Testing;

namespace DestinationKit.Infra.Tests;

/// <summary>Pulumi engine mocks that echo inputs as outputs and remember every resource the program asked for.</summary>
internal sealed class RecordingMocks : IMocks
{
    public ConcurrentQueue<MockResourceArgs> Created { get; } = new();

    public Task<(string? id, object state)> NewResourceAsync(MockResourceArgs args)
    {
        Created.Enqueue(args);
        return Task.FromResult<(string? id, object state)>(($"{args.Name}-id", args.Inputs));
    }

    public Task<object> CallAsync(MockCallArgs args) => Task.FromResult<object>(ImmutableDictionary<string, object>.Empty);
}
