using System.CommandLine;

namespace DestinationKit.Simulator.Terminal;

/// <summary>How long work shows its progress.</summary>
public enum ProgressMode
{
    /// <summary><see cref="Bars"/> on an interactive terminal, else <see cref="Lines"/> (<see cref="ProgressModes.Resolve"/>).</summary>
    Auto,

    /// <summary>Live progress bars (Spectre.Console), redrawn in place.</summary>
    Bars,

    /// <summary>Plain lines, a few seconds apart: for logs, pipes and CI.</summary>
    Lines,

    /// <summary>Nothing but the final report.</summary>
    None,
}

public static class ProgressModes
{
    /// <summary>Variables whose presence means a CI system runs the command: its log is not a terminal to redraw,
    /// even where it emulates one.</summary>
    private static readonly string[] CiVariables = ["GITHUB_ACTIONS", "TF_BUILD", "GITLAB_CI", "BUILDKITE", "JENKINS_URL", "TEAMCITY_VERSION", "CODEBUILD_BUILD_ID"];

    /// <summary>
    /// <see cref="ProgressMode.Auto"/> becomes <see cref="ProgressMode.Bars"/> only when the progress goes to an
    /// interactive terminal (<paramref name="isTerminal"/>: the process's own standard error, not redirected), no CI
    /// system runs the command (<c>CI</c> set to anything but <c>false</c>/<c>0</c>, or a CI system's own variable)
    /// and the terminal can move the cursor (<c>TERM</c> is not <c>dumb</c>); otherwise <see cref="ProgressMode.Lines"/>.
    /// A mode asked for explicitly is kept.
    /// </summary>
    public static ProgressMode Resolve(ProgressMode requested, bool isTerminal, Func<string, string?> environment)
    {
        if (requested != ProgressMode.Auto)
        {
            return requested;
        }
        if (!isTerminal || IsCi(environment) || string.Equals(environment("TERM"), "dumb", StringComparison.Ordinal))
        {
            return ProgressMode.Lines;
        }
        return ProgressMode.Bars;
    }

    public static bool IsCi(Func<string, string?> environment) =>
        environment("CI") is { Length: > 0 } ci && !ci.Equals("false", StringComparison.OrdinalIgnoreCase) && ci != "0"
        || CiVariables.Any(v => !string.IsNullOrEmpty(environment(v)));

    /// <summary>Whether <paramref name="writer"/> is this process's standard error and that is an interactive terminal.</summary>
    public static bool IsInteractiveStandardError(TextWriter writer) => ReferenceEquals(writer, Console.Error) && !Console.IsErrorRedirected;

    /// <summary>The <c>--progress</c> option of the commands that do long work.</summary>
    public static Option<ProgressMode> CreateOption() => new("--progress")
    {
        HelpName = "auto|bars|lines|none",
        Description = "Progress on standard error: auto (bars on a terminal, plain lines when redirected or in CI), bars, lines or none.",
        DefaultValueFactory = _ => ProgressMode.Auto,
    };

    /// <summary>The progress display a command's <c>--progress</c> asks for, on the invocation's standard error.</summary>
    public static ProgressDisplay Display(ParseResult result, Option<ProgressMode> option) =>
        ProgressDisplay.Create(
            Resolve(result.GetValue(option), IsInteractiveStandardError(result.InvocationConfiguration.Error), Environment.GetEnvironmentVariable),
            result.InvocationConfiguration.Error);
}
