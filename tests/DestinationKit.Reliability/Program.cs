using System.Globalization;

namespace DestinationKit.Reliability;

// The long versions of the reliability checks (docs/reliability.md); scripts/reliability.sh runs them all.
// Each command prints progress, then one summary line, and exits 0 when the check passed, 1 when it found a problem.
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        const string Usage = """
            usage: DestinationKit.Reliability <command> [options]
              crash   [--sink sqlite|s3] [--cycles 100] [--writers 8] [--profiles 10] [--max-load-seconds 1.5] [--seed N]
              faults  [--modes stop,reset,blackhole,slow,errors] [--seconds 6]
              hostile [--cases 100000] [--concurrency 8] [--slow-connections 200] [--memory-limit-mb 1536] [--seed N]
              auth    [--guesses 200] [--limit 20] [--window-seconds 60]
              timing  [--samples 20000]      (per round; rounds are added until the control is detected, up to 10)
            """;
        if (args.Length == 0 || args[0] is "help" or "--help" or "-h")
        {
            Console.WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 1; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                Console.Error.WriteLine($"unexpected argument '{args[i]}'\n{Usage}");
                return 2;
            }
            options[args[i][2..]] = args[++i];
        }
        string Opt(string name, string fallback) => options.TryGetValue(name, out var v) ? v : fallback;
        int Int(string name, int fallback) => int.Parse(Opt(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
        double Dbl(string name, double fallback) => double.Parse(Opt(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

        var log = Console.Out;
        try
        {
            switch (args[0])
            {
                case "crash":
                    var crash = await new CrashHarness(new CrashOptions
                    {
                        Sink = Opt("sink", "sqlite"),
                        Cycles = Int("cycles", 100),
                        Writers = Int("writers", 8),
                        ProfilesPerRequest = Int("profiles", 10),
                        MaxLoadSeconds = Dbl("max-load-seconds", 1.5),
                        Seed = Int("seed", Environment.TickCount),
                    }, log).RunAsync();
                    foreach (var p in crash.Problems)
                    {
                        log.WriteLine("problem: " + p);
                    }
                    return crash.Passed ? 0 : 1;
                case "faults":
                    var faults = await new FaultHarness(new FaultOptions
                    {
                        Modes = Opt("modes", "stop,reset,blackhole,slow,errors").Split(',').Select(m => Enum.Parse<FaultMode>(m, ignoreCase: true)).ToList(),
                        FaultSeconds = Dbl("seconds", 6),
                    }, log).RunAsync();
                    foreach (var p in faults.Problems)
                    {
                        log.WriteLine("problem: " + p);
                    }
                    return faults.Passed ? 0 : 1;
                case "hostile":
                    var hostile = await new HostileHarness(new HostileOptions
                    {
                        Cases = Int("cases", 100_000),
                        Concurrency = Int("concurrency", 8),
                        Seed = Int("seed", Environment.TickCount),
                        MemoryLimitMb = Int("memory-limit-mb", 1536),
                        SlowConnections = Int("slow-connections", 200),
                    }, log).RunAsync();
                    foreach (var p in hostile.Problems)
                    {
                        log.WriteLine("problem: " + p);
                    }
                    return hostile.Passed ? 0 : 1;
                case "auth":
                    var auth = await new AuthAbuse(new AuthAbuseOptions
                    {
                        Guesses = Int("guesses", 200),
                        FailedAuthLimit = Int("limit", 20),
                        FailedAuthWindowSeconds = Int("window-seconds", 60),
                    }, log).RunAsync();
                    foreach (var p in auth.Problems)
                    {
                        log.WriteLine("problem: " + p);
                    }
                    return auth.Passed ? 0 : 1;
                case "timing":
                    var timing = new KeyTiming(new TimingOptions { SamplesPerRound = Int("samples", 20_000) }, log).Run();
                    return timing.Passed ? 0 : 1;
                default:
                    Console.Error.WriteLine($"unknown command '{args[0]}'\n{Usage}");
                    return 2;
            }
        }
        catch (HarnessException ex)
        {
            Console.Error.WriteLine("harness: " + ex.Message);
            return 3;
        }
    }
}
