using System.CommandLine;
using DestinationKit.Simulator.Audiences;
using DestinationKit.Simulator.Batch;
using DestinationKit.Simulator.Streaming;

namespace DestinationKit.Simulator.Simulate;

/// <summary><c>simulate</c>: plays AEP against a destination, local or deployed (docs/simulator.md).</summary>
public static class SimulateCommand
{
    public static Command Build() => new("simulate", "Play Adobe Experience Platform against a destination, local or deployed.")
    {
        StreamingCommand.Build(),
        AudiencesCommand.Build(),
        BatchCommand.Build(),
    };
}
