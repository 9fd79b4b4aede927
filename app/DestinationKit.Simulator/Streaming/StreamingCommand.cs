using System.CommandLine;
using DestinationKit.Simulator.Simulate;
using DestinationKit.Simulator.Terminal;

namespace DestinationKit.Simulator.Streaming;

/// <summary><c>simulate streaming</c>: sample profiles through the destination's template, aggregation, auth and retries.</summary>
public static class StreamingCommand
{
    public static Command Build()
    {
        var destination = new DestinationOptions();
        var profiles = new Option<int>("--profiles") { Description = "How many profiles to send.", DefaultValueFactory = _ => 100 };
        var audiences = new Option<int>("--audiences") { Description = "How many audiences the profiles belong to.", DefaultValueFactory = _ => 3 };
        var seed = new Option<int>("--seed") { Description = "Seed of the profile generator.", DefaultValueFactory = _ => 1 };
        var timeScale = new Option<double>("--time-scale")
        {
            Description = "Real seconds per simulated second: 1 is real time; 0.001 turns AEP's 15 s retry delay into 15 ms.",
            DefaultValueFactory = _ => 1.0,
        };
        var rate = new Option<double>("--rate") { Description = "Simulated profiles per second (0: all at once).", DefaultValueFactory = _ => 0 };
        var concurrency = new Option<int>("--concurrency") { Description = "Requests in flight at once.", DefaultValueFactory = _ => 4 };
        var noAudienceSync = new Option<bool>("--no-audience-sync") { Description = "Do not create the audiences through the audience template first." };
        var runId = new Option<string?>("--run-id") { Description = "Marks this run's profile and audience ids (default: random)." };
        var progress = ProgressModes.CreateOption();

        var command = new Command("streaming", "Send generated profiles as AEP's streaming delivery would, and report what was accepted.");
        destination.AddTo(command);
        foreach (var option in new Option[] { profiles, audiences, seed, timeScale, rate, concurrency, noAudienceSync, runId, progress }) command.Options.Add(option);
        command.SetAction((result, cancellationToken) => DestinationOptions.GuardAsync(result, async () =>
        {
            var output = result.InvocationConfiguration.Output;
            // Checked here rather than in a validator: a validator does not see the options' defaults.
            if (result.GetValue(profiles) < 0) throw new InvalidDataException("--profiles must be 0 or more");
            if (result.GetValue(timeScale) <= 0) throw new InvalidDataException("--time-scale must be greater than 0");
            if (result.GetValue(concurrency) < 1) throw new InvalidDataException("--concurrency must be at least 1");
            var aep = destination.LoadDestination(result);
            var credentials = destination.LoadCredentials(result);
            using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
            var simulator = new StreamingSimulator(aep, credentials, http, output);
            await using var display = ProgressModes.Display(result, progress);
            var run = await simulator.RunAsync(new StreamingOptions
            {
                Profiles = result.GetValue(profiles),
                Audiences = result.GetValue(audiences),
                Seed = result.GetValue(seed),
                TimeScale = result.GetValue(timeScale),
                ProfilesPerSecond = result.GetValue(rate),
                Concurrency = result.GetValue(concurrency),
                SyncAudiences = !result.GetValue(noAudienceSync),
                RunId = result.GetValue(runId),
            }, cancellationToken, display).ConfigureAwait(false);
            run.Print(output);
            destination.WriteSummary(result, run.ToSummary(), output);
            return run.Ok ? DestinationOptions.ExitOk : DestinationOptions.ExitNotOk;
        }));
        return command;
    }
}
