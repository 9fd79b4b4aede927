using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using DestinationKit.Ingestion.Auth;

namespace DestinationKit.Reliability;

public sealed record TimingOptions
{
    /// <summary>Measurements per round (each times <see cref="CallsPerMeasurement"/> calls of one input class).</summary>
    public int SamplesPerRound { get; init; } = 10_000;

    /// <summary>Rounds are added until the control's leak is detected clearly, up to this many.</summary>
    public int MaxRounds { get; init; } = 10;

    public int CallsPerMeasurement { get; init; } = 16;

    /// <summary>|t| above this is evidence of a timing difference (the threshold dudect uses).</summary>
    public double Threshold { get; init; } = 4.5;
}

/// <summary>Welch's t of two classes of measurements; |t| beyond the threshold means their timings differ.</summary>
public sealed record TimingComparison(string Name, double T, double MeanA, double MeanB, int Samples);

public sealed record TimingResult(TimingComparison Control, IReadOnlyList<TimingComparison> Key, double Threshold, int Rounds)
{
    /// <summary>The control (a comparison that stops at the first difference) is detected, and the real one is not.</summary>
    public bool Passed => Math.Abs(Control.T) > 2 * Threshold && Key.All(k => Math.Abs(k.T) < Threshold);

    public string Summary => string.Create(CultureInfo.InvariantCulture,
        $"TIMING samples={Control.Samples} rounds={Rounds} threshold={Threshold} control_early_exit_t={Control.T:F1} {string.Join(" ", Key.Select(k => k.Name + "_t=" + k.T.ToString("F2", CultureInfo.InvariantCulture)))} {(Passed ? "PASS" : "FAIL")}");
}

/// <summary>
/// Does checking an API key take a time that depends on the key presented? A dudect-style test ("Dude, is my code
/// constant time?", Reparaz, Balasch, Verbauwhede 2017) on <see cref="CredentialStore.ValidateApiKey"/>, the function the
/// bearer handler calls, for one stored key: measurements of wrong keys that differ from it in the first character, in
/// the last character, or everywhere, taken in random order and compared with Welch's t-test. A key that matched more
/// leading characters must not take longer to reject. A control runs the same way over a comparison that stops at the
/// first different character (what <c>string ==</c> on the secret would do), after the same hashing work: it must be
/// detected, which shows the measurement can see a difference of that size on this machine at all. (Whether a key
/// matches at all is not a secret: the answer says so.)
/// </summary>
public sealed class KeyTiming(TimingOptions options, TextWriter log)
{
    private const int InputsPerClass = 64;

    public TimingResult Run()
    {
        var data = Directory.CreateTempSubdirectory("dk-timing-").FullName;
        try
        {
            var store = new CredentialStore(data, TimeSpan.FromHours(1)); // the key's record stays cached: no database in the timed path
            var key = store.CreateApiKey("timing").Secret;
            var secretStart = key.IndexOf('_', 3) + 1; // dk_<key id>_<secret>: the secret itself may contain '_'
            var classes = new[]
            {
                Inputs(key, k => Differ(k, secretStart)),
                Inputs(key, k => Differ(k, k.Length - 1)),
                Inputs(key, k => k[..secretStart] + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_')),
            };
            if (classes.SelectMany(c => c).Any(k => store.ValidateApiKey(k) is not null) || store.ValidateApiKey(key) is null)
            {
                throw new HarnessException("the timing inputs are not what they should be");
            }
            var storedSecret = key[secretStart..];
            bool Control(string presented)
            {
                // The same hashing work, then a comparison of the secret that stops at the first difference.
                _ = SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(presented.AsSpan(secretStart).ToString()));
                var secret = presented.AsSpan(secretStart);
                if (secret.Length != storedSecret.Length)
                {
                    return false;
                }
                for (var i = 0; i < secret.Length; i++)
                {
                    if (secret[i] != storedSecret[i])
                    {
                        return false;
                    }
                }
                return true;
            }
            bool Real(string presented) => store.ValidateApiKey(presented) is not null;

            var control = new Measurements(2);
            var real = new Measurements(3);
            var rounds = 0;
            do
            {
                rounds++;
                Measure(Control, classes, control, 2);
                Measure(Real, classes, real, 3);
            }
            while (rounds < options.MaxRounds && Math.Abs(control.WelchT(0, 1)) <= 2 * options.Threshold);

            var result = new TimingResult(
                new TimingComparison("control_first_vs_last", control.WelchT(0, 1), control.Mean(0), control.Mean(1), control.Count),
                [
                    new TimingComparison("key_first_vs_last", real.WelchT(0, 1), real.Mean(0), real.Mean(1), real.Count),
                    new TimingComparison("key_first_vs_random", real.WelchT(0, 2), real.Mean(0), real.Mean(2), real.Count),
                    new TimingComparison("key_last_vs_random", real.WelchT(1, 2), real.Mean(1), real.Mean(2), real.Count),
                ],
                options.Threshold, rounds);
            log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"control: {result.Control.MeanA:F0} vs {result.Control.MeanB:F0} ticks per measurement; key: {string.Join(", ", result.Key.Select(k => string.Create(CultureInfo.InvariantCulture, $"{k.Name} {k.MeanA:F0} vs {k.MeanB:F0}")))}"));
            log.WriteLine(result.Summary);
            return result;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(data, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static string Differ(string key, int at) => key[..at] + (key[at] == 'A' ? 'B' : 'A') + key[(at + 1)..];

    /// <summary>Distinct string objects of one class, so no class benefits from a string that stays in cache.</summary>
    private static string[] Inputs(string key, Func<string, string> make) =>
        Enumerable.Range(0, InputsPerClass).Select(_ => new string(make(key).AsSpan())).ToArray();

    /// <summary>One round: each measurement times a few calls of a class drawn at random (both sides see the same noise).</summary>
    private void Measure(Func<string, bool> function, string[][] classes, Measurements into, int classCount)
    {
        var random = new Random();
        for (var warm = 0; warm < 2000; warm++)
        {
            function(classes[warm % classCount][warm % InputsPerClass]);
        }
        var sink = 0;
        for (var s = 0; s < options.SamplesPerRound; s++)
        {
            var c = random.Next(classCount);
            var inputs = classes[c];
            var first = random.Next(InputsPerClass);
            var start = Stopwatch.GetTimestamp();
            for (var i = 0; i < options.CallsPerMeasurement; i++)
            {
                sink += function(inputs[(first + i) % InputsPerClass]) ? 1 : 0;
            }
            into.Add(c, Stopwatch.GetTimestamp() - start);
        }
        if (sink != 0)
        {
            throw new HarnessException("a wrong key was accepted during the timing run");
        }
    }

    /// <summary>Timings per class; the slowest 10% of all (preemption, GC) are left out before the t-test, as dudect crops.</summary>
    private sealed class Measurements(int classes)
    {
        private readonly List<long>[] _values = Enumerable.Range(0, classes).Select(_ => new List<long>()).ToArray();

        public int Count => _values.Sum(v => v.Count);

        public void Add(int c, long ticks) => _values[c].Add(ticks);

        private long Cutoff()
        {
            var all = _values.SelectMany(v => v).Order().ToArray();
            return all[(int)(all.Length * 0.9)];
        }

        public double Mean(int c)
        {
            var cut = Cutoff();
            return _values[c].Where(v => v <= cut).Average();
        }

        public double WelchT(int a, int b)
        {
            var cut = Cutoff();
            var x = _values[a].Where(v => v <= cut).Select(v => (double)v).ToArray();
            var y = _values[b].Where(v => v <= cut).Select(v => (double)v).ToArray();
            var (mx, my) = (x.Average(), y.Average());
            var vx = x.Sum(v => (v - mx) * (v - mx)) / (x.Length - 1);
            var vy = y.Sum(v => (v - my) * (v - my)) / (y.Length - 1);
            return (mx - my) / Math.Sqrt((vx / x.Length) + (vy / y.Length));
        }
    }
}
