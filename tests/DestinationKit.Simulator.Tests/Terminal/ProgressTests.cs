using System.CommandLine;
using DestinationKit.Simulator.Terminal;

namespace DestinationKit.Simulator.Tests.Terminal;

/// <summary>When long work shows live bars and when plain lines, and what each writes.</summary>
public sealed class ProgressTests
{
    private static Func<string, string?> Env(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;

    [Theory]
    [InlineData(true, new string[0], ProgressMode.Bars)]
    [InlineData(false, new string[0], ProgressMode.Lines)] // redirected, piped, or not this process's stderr
    [InlineData(true, new[] { "CI=true" }, ProgressMode.Lines)]
    [InlineData(true, new[] { "CI=1" }, ProgressMode.Lines)]
    [InlineData(true, new[] { "CI=false" }, ProgressMode.Bars)]
    [InlineData(true, new[] { "CI=0" }, ProgressMode.Bars)]
    [InlineData(true, new[] { "GITHUB_ACTIONS=true" }, ProgressMode.Lines)]
    [InlineData(true, new[] { "TF_BUILD=True" }, ProgressMode.Lines)]
    [InlineData(true, new[] { "JENKINS_URL=https://ci.example.com/" }, ProgressMode.Lines)]
    [InlineData(true, new[] { "TERM=dumb" }, ProgressMode.Lines)]
    [InlineData(true, new[] { "TERM=xterm-256color" }, ProgressMode.Bars)]
    public void Auto_means_bars_only_on_an_interactive_terminal_outside_CI(bool isTerminal, string[] variables, ProgressMode expected)
    {
        var env = Env([.. variables.Select(v => (v.Split('=')[0], v.Split('=', 2)[1]))]);
        Assert.Equal(expected, ProgressModes.Resolve(ProgressMode.Auto, isTerminal, env));
    }

    [Theory]
    [InlineData(ProgressMode.Bars)]
    [InlineData(ProgressMode.Lines)]
    [InlineData(ProgressMode.None)]
    public void A_mode_asked_for_is_kept(ProgressMode mode)
    {
        Assert.Equal(mode, ProgressModes.Resolve(mode, isTerminal: false, Env(("CI", "true"))));
        Assert.Equal(mode, ProgressModes.Resolve(mode, isTerminal: true, Env()));
    }

    [Fact]
    public void A_writer_other_than_the_processs_standard_error_is_never_a_terminal() =>
        Assert.False(ProgressModes.IsInteractiveStandardError(new StringWriter()));

    [Fact]
    public async Task Lines_are_plain_text_with_the_amount_the_total_and_the_outcome()
    {
        var writer = new StringWriter();
        await using (var display = ProgressDisplay.Create(ProgressMode.Lines, writer, lineInterval: TimeSpan.Zero))
        {
            var rows = display.Start("audience 1/2: writing", 200, "profiles");
            rows.Value = 50;
            rows.Complete("41 rows in 1 file");
            rows.Increment(1); // after completion: no more lines
            var upload = display.Start("audience 1/2: uploading", null, ProgressDisplay.Bytes);
            upload.Value = 2_500_000;
            display.Log("a line of its own");
        }
        var lines = writer.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.DoesNotContain('\u001b', writer.ToString()); // no escape sequences in a log
        Assert.Matches(@"^\[00:00\] audience 1/2: writing: 50 profiles of 200 profiles \(25%\)$", lines[0]);
        Assert.Matches(@"^\[00:00\] audience 1/2: writing: 41 rows in 1 file \(50 profiles\) in \d+\.\d s$", lines[1]);
        Assert.Equal("[00:00] audience 1/2: uploading: 2.5 MB", lines[2]);
        Assert.Equal("a line of its own", lines[3]);
        Assert.Equal(4, lines.Length);
    }

    [Fact]
    public async Task Lines_of_one_task_are_spaced_by_the_interval()
    {
        var writer = new StringWriter();
        await using (var display = ProgressDisplay.Create(ProgressMode.Lines, writer, lineInterval: TimeSpan.FromHours(1)))
        {
            var task = display.Start("sending", 1000, "profiles");
            for (var i = 0; i < 1000; i++) task.Increment(1);
            task.Complete();
        }
        // The first update comes an interval after the start: a quick task prints its outcome only.
        Assert.Matches(@"^\[00:00\] sending: 1,000 profiles in \d+\.\d s\s*$", writer.ToString());
    }

    [Fact]
    public async Task Bars_redraw_in_place_with_escape_sequences_and_end_complete()
    {
        var writer = new StringWriter();
        await using (var display = ProgressDisplay.Create(ProgressMode.Bars, writer))
        {
            var task = display.Start("audience [1/2]: writing", 400, "profiles");
            var other = display.Start("a description far longer than an 80-column terminal leaves room for", null, "requests");
            other.Increment(3);
            task.Increment(100);
            await Task.Delay(250); // Spectre redraws ten times a second
            task.Increment(300);
            display.Log("between the bars");
            task.Complete("400 rows");
            other.Complete();
        }
        var text = writer.ToString();
        Assert.Contains("\u001b[", text, StringComparison.Ordinal); // cursor movement: a live region
        Assert.Contains("audience [1/2]: writing: 400 rows", text, StringComparison.Ordinal); // markup characters shown as they are
        Assert.Contains("100%", text, StringComparison.Ordinal);
        Assert.True(text.Contains("400/400 profiles", StringComparison.Ordinal), text.Replace("\u001b", "ESC", StringComparison.Ordinal));
        Assert.Contains("between the bars", text, StringComparison.Ordinal);
        Assert.Contains("a descript…erminal leaves room for", text, StringComparison.Ordinal);
        Assert.Contains("3/3 requests", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task None_writes_nothing()
    {
        var writer = new StringWriter();
        await using (var display = ProgressDisplay.Create(ProgressMode.None, writer))
        {
            var task = display.Start("x", 10, "rows");
            task.Increment(10);
            Assert.Equal(10, task.Value);
            task.Complete();
        }
        Assert.Equal("", writer.ToString());
    }

    [Fact]
    public async Task A_mistake_in_the_options_is_one_error_line_and_exit_code_2()
    {
        var root = new RootCommand("test") { new Command("run") { new Option<int>("--count") } };
        var (output, error) = (new StringWriter(), new StringWriter());
        var exit = await CommandLineInvocation.InvokeAsync(root, ["run", "--count", "many"], new InvocationConfiguration { Output = output, Error = error });
        Assert.Equal(2, exit);
        Assert.Equal("", output.ToString()); // no help dump
        Assert.StartsWith("error: Cannot parse argument 'many' for option '--count'", error.ToString(), StringComparison.Ordinal);
        Assert.Matches(@"Run '\S+ run --help' for the options.\s*$", error.ToString());
    }
}
