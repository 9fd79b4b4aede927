using System.Diagnostics;
using System.Globalization;
using Spectre.Console;

namespace DestinationKit.Simulator.Terminal;

/// <summary>One piece of long work being shown: a count (or bytes) towards a total, or indeterminate.</summary>
public interface IProgressTask
{
    string Description { set; }

    /// <summary>The total; null while unknown (shown as indeterminate).</summary>
    double? Max { set; }

    double Value { get; set; }

    void Increment(double amount);

    /// <summary>Marks the task done, with an outcome shown instead of the bar's last state (e.g. "3 files, 12.4 MB").</summary>
    void Complete(string? outcome = null);
}

/// <summary>
/// Shows the progress of long work on standard error as <see cref="ProgressMode"/> says: live bars on a terminal, plain
/// lines a few seconds apart when redirected or in CI, or nothing. Tasks may be updated from any thread. With bars, a
/// live region exists from the first <see cref="Start"/> until <see cref="StopAsync"/>; nothing else may write to the
/// terminal meanwhile except through <see cref="Log"/>, which prints above the bars.
/// </summary>
public abstract class ProgressDisplay : IAsyncDisposable
{
    public const string Bytes = "bytes";

    public abstract ProgressMode Mode { get; }

    /// <param name="max">The total; null when not known yet.</param>
    /// <param name="unit">What is counted: <see cref="Bytes"/> is shown as kB/MB/GB, anything else as a number and the unit.</param>
    public abstract IProgressTask Start(string description, double? max, string unit);

    /// <summary>A line of text between the progress updates (above the bars while they show).</summary>
    public abstract void Log(string line);

    /// <summary>Ends the live region, leaving the tasks as they are; a later <see cref="Start"/> begins a new one.</summary>
    public abstract Task StopAsync();

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }

    /// <param name="lineInterval">With <see cref="ProgressMode.Lines"/>: the least time between two lines of one task.</param>
    public static ProgressDisplay Create(ProgressMode mode, TextWriter writer, TimeSpan? lineInterval = null) => mode switch
    {
        ProgressMode.Bars => new BarsDisplay(writer),
        ProgressMode.Lines => new LinesDisplay(writer, lineInterval ?? TimeSpan.FromSeconds(5)),
        ProgressMode.None => new NoDisplay(),
        _ => throw new ArgumentException("resolve Auto first (ProgressModes.Resolve)", nameof(mode)),
    };

    /// <summary>A value with its unit: <c>1,234 rows</c>, <c>12.3 MB</c>.</summary>
    public static string Format(double value, string unit) => unit == Bytes
        ? value switch
        {
            < 1e3 => string.Create(CultureInfo.InvariantCulture, $"{value:F0} B"),
            < 1e6 => string.Create(CultureInfo.InvariantCulture, $"{value / 1e3:F1} kB"),
            < 1e9 => string.Create(CultureInfo.InvariantCulture, $"{value / 1e6:F1} MB"),
            _ => string.Create(CultureInfo.InvariantCulture, $"{value / 1e9:F2} GB"),
        }
        : string.Create(CultureInfo.InvariantCulture, $"{value:N0} {unit}");

    private sealed class NoDisplay : ProgressDisplay
    {
        public override ProgressMode Mode => ProgressMode.None;

        public override IProgressTask Start(string description, double? max, string unit) => new NoTask();

        public override void Log(string line)
        {
        }

        public override Task StopAsync() => Task.CompletedTask;

        private sealed class NoTask : IProgressTask
        {
            private readonly Lock _gate = new();
            private double _value;

            public string Description { set { } }

            public double? Max { set { } }

            public double Value
            {
                get
                {
                    lock (_gate) return _value;
                }
                set
                {
                    lock (_gate) _value = value;
                }
            }

            public void Increment(double amount)
            {
                lock (_gate) _value += amount;
            }

            public void Complete(string? outcome = null)
            {
            }
        }
    }

    /// <summary>Lines such as <c>[00:12] audience 1: 40,000 of 100,000 profiles (40%)</c>, each task at most once an
    /// interval, and one line when it completes.</summary>
    private sealed class LinesDisplay(TextWriter writer, TimeSpan interval) : ProgressDisplay
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly Lock _gate = new();

        public override ProgressMode Mode => ProgressMode.Lines;

        public override IProgressTask Start(string description, double? max, string unit) => new LineTask(this, interval, description, max, unit);

        public override void Log(string line)
        {
            lock (_gate)
            {
                writer.WriteLine(line);
            }
        }

        public override Task StopAsync() => Task.CompletedTask;

        private void Write(string text)
        {
            lock (_gate)
            {
                writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{_clock.Elapsed:mm\\:ss}] {text}"));
            }
        }

        private sealed class LineTask(LinesDisplay display, TimeSpan interval, string description, double? max, string unit) : IProgressTask
        {
            private readonly Lock _gate = new();
            private readonly Stopwatch _elapsed = Stopwatch.StartNew();
            private TimeSpan _lastLine = TimeSpan.Zero;
            private double _value;
            private bool _done;

            public string Description
            {
                set
                {
                    lock (_gate) description = value;
                }
            }

            public double? Max
            {
                set
                {
                    lock (_gate) max = value;
                }
            }

            public double Value
            {
                get
                {
                    lock (_gate) return _value;
                }
                set => Update(() => _value = value);
            }

            public void Increment(double amount) => Update(() => _value += amount);

            private void Update(Action change)
            {
                string? line = null;
                lock (_gate)
                {
                    change();
                    if (!_done && _elapsed.Elapsed - _lastLine >= interval)
                    {
                        _lastLine = _elapsed.Elapsed;
                        line = max is { } m && m > 0
                            ? string.Create(CultureInfo.InvariantCulture, $"{description}: {Format(_value, unit)} of {Format(m, unit)} ({Math.Min(100, _value / m * 100):F0}%)")
                            : $"{description}: {Format(_value, unit)}";
                    }
                }
                if (line is not null) display.Write(line);
            }

            public void Complete(string? outcome = null)
            {
                string line;
                lock (_gate)
                {
                    if (_done) return;
                    _done = true;
                    var amount = outcome is null ? Format(_value, unit) : $"{outcome} ({Format(_value, unit)})";
                    line = string.Create(CultureInfo.InvariantCulture, $"{description}: {amount} in {_elapsed.Elapsed.TotalSeconds:F1} s");
                }
                display.Write(line);
            }
        }
    }

    /// <summary>Spectre.Console's live progress, within 80 columns: description, bar (animated while the total is open), percentage, amount.</summary>
    private sealed class BarsDisplay(TextWriter writer) : ProgressDisplay
    {
        private readonly IAnsiConsole _console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = AnsiSupport.Yes,
            ColorSystem = ColorSystemSupport.Detect,
            Interactive = InteractionSupport.Yes,
        });

        private readonly Lock _gate = new();
        private ProgressContext? _context;
        private TaskCompletionSource? _stop;
        private Task? _live;

        public override ProgressMode Mode => ProgressMode.Bars;

        public override IProgressTask Start(string description, double? max, string unit)
        {
            var task = Context().AddTask(Shown(description), autoStart: true, maxValue: max ?? Open);
            task.IsIndeterminate = max is null;
            task.Tag = unit;
            return new BarTask(task, Shown);
        }

        public override void Log(string line)
        {
            lock (_gate)
            {
                // Through the same console: a live region re-renders below it.
                _console.WriteLine(line);
            }
        }

        /// <summary>A description as markup-free text short enough to leave the bar (15), the percentage (4) and the
        /// amount (up to 24) on one line of the terminal; the end, where an outcome goes, is kept.</summary>
        private string Shown(string description)
        {
            var room = Math.Max(24, _console.Profile.Width - 46);
            return Markup.Escape(description.Length <= room ? description : description[..10] + "…" + description[^(room - 11)..]);
        }

        /// <summary>The maximum of a task whose total is not known: Spectre caps the value at it.</summary>
        private const double Open = double.MaxValue;

        /// <summary>The live region, started on first use: Spectre runs it for as long as its callback runs.</summary>
        private ProgressContext Context()
        {
            lock (_gate)
            {
                if (_context is not null) return _context;
                var ready = new TaskCompletionSource<ProgressContext>(TaskCreationOptions.RunContinuationsAsynchronously);
                var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                var live = Task.Run(() => _console.Progress()
                    .AutoClear(false)
                    .HideCompleted(false)
                    .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn { Width = 15 }, new PercentColumn(), new AmountColumn())
                    .StartAsync(async context =>
                    {
                        ready.SetResult(context);
                        await stop.Task.ConfigureAwait(false);
                        context.Refresh();
                    }));
                if (Task.WaitAny(ready.Task, live) == 1)
                {
                    live.GetAwaiter().GetResult(); // the display could not start: its exception, not a hang
                }
                (_context, _stop, _live) = (ready.Task.Result, stop, live);
                return _context;
            }
        }

        public override async Task StopAsync()
        {
            Task? live;
            lock (_gate)
            {
                live = _live;
                _stop?.TrySetResult();
                (_context, _stop, _live) = (null, null, null);
            }
            if (live is not null) await live.ConfigureAwait(false);
        }

        private sealed class BarTask(ProgressTask task, Func<string, string> shown) : IProgressTask
        {
            public string Description { set => task.Description = shown(value); }

            public double? Max
            {
                set
                {
                    task.IsIndeterminate = value is null;
                    task.MaxValue = value is { } max ? Math.Max(max, 1e-9) : Open;
                }
            }

            public double Value { get => task.Value; set => task.Value = value; }

            public void Increment(double amount) => task.Increment(amount);

            public void Complete(string? outcome = null)
            {
                if (task.IsIndeterminate)
                {
                    task.IsIndeterminate = false;
                    task.MaxValue = Math.Max(task.Value, 1);
                }
                task.Value = task.MaxValue;
                if (outcome is not null) task.Description = shown($"{Markup.Remove(task.Description)}: {outcome}");
                task.StopTask();
            }
        }

        /// <summary>Spectre's percentage, left empty while the total is open.</summary>
        private sealed class PercentColumn : ProgressColumn
        {
            private readonly PercentageColumn _percentage = new();

            public override Spectre.Console.Rendering.IRenderable Render(Spectre.Console.Rendering.RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
                task.IsIndeterminate ? new Text("    ") : _percentage.Render(options, task, deltaTime);
        }

        /// <summary>"1,234/5,000 rows" or "1.2 MB/4.0 MB", the unit in the task's tag.</summary>
        private sealed class AmountColumn : ProgressColumn
        {
            public override Spectre.Console.Rendering.IRenderable Render(Spectre.Console.Rendering.RenderOptions options, ProgressTask task, TimeSpan deltaTime)
            {
                var unit = task.Tag as string ?? "";
                if (task.IsIndeterminate) return new Text(Format(task.Value, unit));
                return new Text(unit == Bytes
                    ? $"{Format(task.Value, unit)}/{Format(task.MaxValue, unit)}"
                    : string.Create(CultureInfo.InvariantCulture, $"{task.Value:N0}/{task.MaxValue:N0} {unit}"));
            }
        }
    }
}
