using System.CommandLine;
using System.Text.Json.Nodes;
using DestinationKit.Simulator.Profiles;
using DestinationKit.Simulator.Simulate;
using DestinationKit.Simulator.Streaming;

namespace DestinationKit.Simulator.Audiences;

/// <summary><c>simulate audiences</c>: the audience template's create (twice), update and delete calls.</summary>
public static class AudiencesCommand
{
    public static Command Build()
    {
        var destination = new DestinationOptions();
        var count = new Option<int>("--audiences") { Description = "How many audiences to create.", DefaultValueFactory = _ => 3 };
        var keep = new Option<bool>("--keep") { Description = "Do not delete the audiences at the end." };
        var runId = new Option<string?>("--run-id") { Description = "Marks this run's audience ids (default: random)." };

        var command = new Command("audiences", "Drive the audience template's create, update and delete calls; check that a repeated create returns the same externalAudienceId.");
        destination.AddTo(command);
        command.Options.Add(count);
        command.Options.Add(keep);
        command.Options.Add(runId);
        command.SetAction((result, cancellationToken) => DestinationOptions.GuardAsync(result, async () =>
        {
            var output = result.InvocationConfiguration.Output;
            var aep = destination.LoadDestination(result);
            if (aep.AudienceTemplate is null)
            {
                throw new InvalidDataException($"{aep.Name} has no audience template (audienceMapping is not api): AEP makes no audience calls");
            }
            var credentials = destination.LoadCredentials(result);
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
            var authenticator = new AepAuthenticator(aep.Auth, credentials, http);
            var audiences = ProfileGenerator.Audiences(result.GetValue(count), result.GetValue(runId) ?? Guid.NewGuid().ToString("N")[..8]);
            var report = await new AudienceSync(aep, credentials, authenticator, http)
                .RunAsync(audiences, repeatCreate: true, update: true, delete: !result.GetValue(keep), cancellationToken).ConfigureAwait(false);
            output.WriteLine($"{aep.Name}: audience template");
            AudienceSummary.Print(report, output);
            output.WriteLine(report.Ok ? "OK" : "NOT OK");
            var summary = AudienceSummary.ToJson(report);
            summary.Insert(0, "command", "simulate audiences");
            summary.Insert(1, "destination", aep.Name);
            summary["tokenRequests"] = authenticator.TokenRequests;
            destination.WriteSummary(result, summary, output);
            return report.Ok ? DestinationOptions.ExitOk : DestinationOptions.ExitNotOk;
        }));
        return command;
    }

    internal static JsonObject Describe(AudienceReport report) => AudienceSummary.ToJson(report);
}
