using DestinationKit.Automation.Cli;
using DestinationKit.Simulator.Terminal;

namespace DestinationKit.Automation.Tests;

/// <summary>How the deployment commands show a deployment's events: live bars per engine operation on a terminal,
/// one line per event otherwise, warnings and errors only with <c>--progress none</c>.</summary>
public sealed class ProgressTests
{
    private static readonly DeploymentEvent[] Deployment =
    [
        new("prod", DeploymentStage.Validated, "target gcp-gcs"),
        new("prod", DeploymentStage.OperationStarted, "up"),
        new("prod", DeploymentStage.Resource, "create gcp:storage/bucket:Bucket urn:pulumi:prod::destinationkit::gcp:storage/bucket:Bucket::landing"),
        new("prod", DeploymentStage.Resource, "create gcp:storage/hmacKey:HmacKey urn:pulumi:prod::destinationkit::gcp:storage/hmacKey:HmacKey::acme"),
        new("prod", DeploymentStage.ResourceDone, "create gcp:storage/bucket:Bucket urn:pulumi:prod::destinationkit::gcp:storage/bucket:Bucket::landing"),
        new("prod", DeploymentStage.Output, "Updating (prod)"),
        new("prod", DeploymentStage.Diagnostic, "warning: the HMAC key is a long-lived credential"),
        new("prod", DeploymentStage.ResourceDone, "create gcp:storage/hmacKey:HmacKey urn:pulumi:prod::destinationkit::gcp:storage/hmacKey:HmacKey::acme"),
        new("prod", DeploymentStage.OperationFinished, "up: create=2"),
    ];

    private static async Task<string> ShowAsync(ProgressMode mode, Action<TextWriter>? between = null)
    {
        var error = new StringWriter();
        await using (var progress = new DeploymentProgress(ProgressDisplay.Create(mode, error), error))
        {
            foreach (var e in Deployment)
            {
                progress.On(e);
                if (e.Stage == DeploymentStage.Resource) await Task.Delay(150); // let the live region draw
            }
            between?.Invoke(error);
            progress.On(new DeploymentEvent("prod", DeploymentStage.StackRemoved, "removed"));
        }
        return error.ToString();
    }

    [Fact]
    public async Task Lines_give_one_plain_line_per_event_but_finished_steps()
    {
        var lines = (await ShowAsync(ProgressMode.Lines)).Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(8, lines.Length); // nine events, the two ResourceDone left out, StackRemoved added
        Assert.Matches(@"^\[00:0\d\] Resource          create gcp:storage/bucket:Bucket urn:pulumi:", lines[2]);
        Assert.Matches(@"^\[00:0\d\] OperationFinished up: create=2$", lines[6]);
        Assert.DoesNotContain(lines, l => l.Contains('\u001b', StringComparison.Ordinal));
    }

    [Fact]
    public async Task Bars_show_resources_finished_of_started_and_end_with_the_operation()
    {
        var text = await ShowAsync(ProgressMode.Bars, between: w => w.WriteLine("the ephemeral stack's test writes here"));
        Assert.Contains("\u001b[", text, StringComparison.Ordinal);
        Assert.Matches("up: create (Bucket|HmacKey)", text); // the step under way, as the bar was redrawn
        Assert.Contains("prod: up: create=2", text, StringComparison.Ordinal);
        Assert.Contains("2/2 resources", text, StringComparison.Ordinal);
        Assert.Contains("warning: the HMAC key is a long-lived credential", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Updating (prod)", text, StringComparison.Ordinal); // the engine's own rendering is left out
        // The live region ended with the operation: what follows is plain text after it.
        var after = text[text.IndexOf("the ephemeral stack's test writes here", StringComparison.Ordinal)..];
        Assert.Matches(@"^the ephemeral stack's test writes here\r?\n\[00:0\d\] StackRemoved      removed", after);
        Assert.DoesNotContain('\u001b', after);
    }

    [Fact]
    public async Task None_shows_warnings_and_errors_only()
    {
        var text = await ShowAsync(ProgressMode.None);
        Assert.Matches(@"^\[00:0\d\] Diagnostic        warning: the HMAC key is a long-lived credential\s*$", text);
    }
}
