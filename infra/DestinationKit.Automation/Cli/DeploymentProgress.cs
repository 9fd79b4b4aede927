using System.Diagnostics;
using DestinationKit.Simulator.Terminal;

namespace DestinationKit.Automation.Cli;

/// <summary>
/// Shows a deployment's <see cref="DeploymentEvent"/>s on standard error, as the resolved <c>--progress</c> says:
/// <list type="bullet">
/// <item>lines: one per event, <c>[mm:ss] Stage  message</c> (logs, pipes, CI);</item>
/// <item>bars: a live bar for each engine operation (up, preview, destroy), resources finished of those started, with
/// the other events as lines above it; the live region ends with the operation, so what runs between operations (an
/// ephemeral stack's test) has the terminal to itself;</item>
/// <item>none: warnings and errors only.</item>
/// </list>
/// </summary>
internal sealed class DeploymentProgress(ProgressDisplay display, TextWriter error) : IAsyncDisposable
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Lock _gate = new();
    private IProgressTask? _operation;
    private string _operationName = "";
    private int _started;
    private int _finished;

    public void On(DeploymentEvent e)
    {
        lock (_gate)
        {
            switch (display.Mode)
            {
                case ProgressMode.Bars:
                    OnBars(e);
                    break;
                case ProgressMode.None:
                    if (e.Stage == DeploymentStage.Diagnostic) error.WriteLine(Line(e));
                    break;
                default:
                    // A finished step adds nothing to a log that already has the step and the engine's diagnostics.
                    if (e.Stage != DeploymentStage.ResourceDone) error.WriteLine(Line(e));
                    break;
            }
        }
    }

    private string Line(DeploymentEvent e) => $"[{_clock.Elapsed:mm\\:ss}] {e.Stage,-17} {e.Message}";

    private void OnBars(DeploymentEvent e)
    {
        switch (e.Stage)
        {
            case DeploymentStage.OperationStarted:
                (_started, _finished, _operationName) = (0, 0, e.Message);
                _operation = display.Start(_operationName, null, "resources");
                break;
            case DeploymentStage.Resource when _operation is not null:
                _started++;
                _operation.Max = _started;
                // "create gcp:storage/bucket:Bucket urn:..." → "up: create Bucket"
                var words = e.Message.Split(' ');
                _operation.Description = words.Length < 2 ? _operationName : $"{_operationName}: {words[0]} {words[1][(words[1].LastIndexOf(':') + 1)..]}";
                break;
            case DeploymentStage.ResourceDone when _operation is not null:
                _operation.Value = ++_finished;
                break;
            case DeploymentStage.OperationFinished:
                if (_operation is not null)
                {
                    _operation.Description = e.Stack;
                    _operation.Complete(e.Message); // "acme-prod: up: create=3"
                    _operation = null;
                }
                // Events come on the deployer's thread, which waits for us anyway; stopping takes one redraw.
                display.StopAsync().GetAwaiter().GetResult();
                break;
            case DeploymentStage.Output or DeploymentStage.ResourceDone or DeploymentStage.Resource:
                break; // the engine's own rendering and steps outside an operation: the bar says it
            default:
                display.Log(Line(e));
                break;
        }
    }

    public ValueTask DisposeAsync() => display.DisposeAsync();
}
