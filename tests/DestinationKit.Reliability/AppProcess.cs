using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Reflection;
using System.Text.Json;

namespace DestinationKit.Reliability;

/// <summary>A failure of the harness itself (the app did not start, a service is missing), not a finding about the app.</summary>
public sealed class HarnessException(string message) : Exception(message);

/// <summary>
/// The built ingestion app under <c>dotnet exec</c> on a loopback port of its own, with a data folder that outlives
/// the process: start, SIGKILL, start again on the same folder. Keeps the last lines of its output for diagnostics.
/// </summary>
public sealed class AppProcess : IAsyncDisposable
{
    public const string AdminKey = "reliability-admin-key-0123456789abcdef";
    private const int KeptLines = 200;
    private readonly Queue<string> _output = new();
    private readonly IReadOnlyDictionary<string, string> _settings;
    private Process? _process;

    public AppProcess(string dataDirectory, IReadOnlyDictionary<string, string>? settings = null)
    {
        DataDirectory = dataDirectory;
        _settings = settings ?? new Dictionary<string, string>();
        Directory.CreateDirectory(dataDirectory);
    }

    public string DataDirectory { get; }

    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1:1");

    public int? Pid => _process is { HasExited: false } p ? p.Id : null;

    public bool HasExited => _process is null || _process.HasExited;

    /// <summary>The last lines the app wrote (stdout and stderr).</summary>
    public string OutputTail
    {
        get
        {
            lock (_output)
            {
                return string.Join('\n', _output);
            }
        }
    }

    public static string RepositoryRoot =>
        typeof(AppProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!;

    /// <summary>
    /// The app's own build output, in the configuration this harness was built in (the harness's build builds it), or
    /// the dll named by <c>DK_APP_DLL</c> (another build, e.g. a copy that a concurrent build cannot change mid-run).
    /// </summary>
    public static string AppDll
    {
        get
        {
            if (Environment.GetEnvironmentVariable("DK_APP_DLL") is { Length: > 0 } chosen)
            {
                return File.Exists(chosen) ? chosen : throw new HarnessException($"DK_APP_DLL names {chosen}, which does not exist");
            }
            var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
            var dll = Path.Combine(RepositoryRoot, "app", "DestinationKit.Ingestion", "bin", configuration, "net10.0", "DestinationKit.Ingestion.dll");
            if (!File.Exists(dll))
            {
                throw new HarnessException($"build the app first: {dll} is missing");
            }
            return dll;
        }
    }

    /// <summary>Starts the app on a new free port and waits until <c>/health/ready</c> answers 200.</summary>
    public async Task StartAsync(TimeSpan? readyTimeout = null)
    {
        Launch();
        await WaitReadyAsync(readyTimeout ?? TimeSpan.FromSeconds(120));
    }

    /// <summary>Starts the process on a new free port without waiting for it.</summary>
    public void Launch()
    {
        if (!HasExited)
        {
            throw new HarnessException("the app is already running");
        }
        BaseAddress = new Uri($"http://127.0.0.1:{FreePort()}");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "exec", AppDll, $"--urls={BaseAddress}", $"--Ingestion:DataDirectory={DataDirectory}", $"--Admin:ApiKey={AdminKey}",
                     "--Logging:Console:FormatterName=simple", "--Logging:LogLevel:Default=Warning" })
        {
            psi.ArgumentList.Add(a);
        }
        foreach (var (k, v) in _settings)
        {
            psi.ArgumentList.Add($"--{k}={v}");
        }
        psi.Environment["DOTNET_ENVIRONMENT"] = "Production";
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        psi.Environment["DOTNET_gcServer"] = "0";
        lock (_output)
        {
            _output.Clear();
        }
        _process = Process.Start(psi) ?? throw new HarnessException("dotnet did not start");
        _process.OutputDataReceived += (_, e) => Keep(e.Data);
        _process.ErrorDataReceived += (_, e) => Keep(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>Waits until <c>/health/ready</c> answers 200.</summary>
    public async Task WaitReadyAsync(TimeSpan timeout)
    {
        using var client = Client(timeout: TimeSpan.FromSeconds(5));
        var deadline = DateTime.UtcNow + timeout;
        var last = "no answer";
        while (true)
        {
            if (_process is null || _process.HasExited)
            {
                throw new HarnessException($"the app exited with {_process?.ExitCode}: {OutputTail}");
            }
            try
            {
                using var ready = await client.GetAsync(new Uri("/health/ready", UriKind.Relative));
                if (ready.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
                last = $"{(int)ready.StatusCode} {await ready.Content.ReadAsStringAsync()}";
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new HarnessException($"the app did not become ready in {timeout.TotalSeconds:F0} s (readiness: {last}): {OutputTail}");
            }
            await Task.Delay(50);
        }
    }

    /// <summary>SIGKILL: no shutdown code runs, nothing is flushed after the fact.</summary>
    public async Task KillAsync()
    {
        if (_process is null)
        {
            return;
        }
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
        await _process.WaitForExitAsync();
        _process.Dispose();
        _process = null;
    }

    public HttpClient Client(string? bearer = null, TimeSpan? timeout = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = timeout ?? TimeSpan.FromSeconds(60) };
        if (bearer is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }
        return client;
    }

    /// <summary>A new API key of <paramref name="tenant"/>, through the admin API.</summary>
    public async Task<string> CreateApiKeyAsync(string tenant)
    {
        using var admin = Client(AdminKey);
        using var response = await admin.PostAsync(new Uri($"/admin/tenants/{tenant}/keys", UriKind.Relative), null);
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.Created)
        {
            throw new HarnessException($"creating a key answered {(int)response.StatusCode}: {body}");
        }
        using var doc = JsonDocument.Parse(body);
        return doc.RootElement.GetProperty("secret").GetString()!;
    }

    /// <summary>An OAuth client of <paramref name="tenant"/>, through the admin API: (client_id, client_secret).</summary>
    public async Task<(string Id, string Secret)> CreateClientAsync(string tenant)
    {
        using var admin = Client(AdminKey);
        using var response = await admin.PostAsync(new Uri($"/admin/tenants/{tenant}/clients", UriKind.Relative), null);
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.Created)
        {
            throw new HarnessException($"creating a client answered {(int)response.StatusCode}: {body}");
        }
        using var doc = JsonDocument.Parse(body);
        return (doc.RootElement.GetProperty("id").GetString()!, doc.RootElement.GetProperty("secret").GetString()!);
    }

    /// <summary>Waits until the queryable state has applied everything durable (readiness reports no pending request).</summary>
    public async Task WaitCaughtUpAsync(TimeSpan timeout)
    {
        using var client = Client();
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            using (var response = await client.GetAsync(new Uri("/health/ready", UriKind.Relative)))
            {
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                    if (doc.RootElement.GetProperty("freshness").GetProperty("pendingRequests").GetInt64() == 0)
                    {
                        return;
                    }
                }
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new HarnessException("the queryable state did not catch up: " + OutputTail);
            }
            await Task.Delay(50);
        }
    }

    /// <summary>Resident and peak resident memory of the app in MB (Linux /proc), or null when it is not running.</summary>
    public (double RssMb, double PeakMb)? Memory()
    {
        if (Pid is not { } pid)
        {
            return null;
        }
        try
        {
            double rss = 0, peak = 0;
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    rss = Kb(line) / 1024.0;
                }
                else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    peak = Kb(line) / 1024.0;
                }
            }
            return (rss, peak);
        }
        catch (IOException)
        {
            return null;
        }

        static long Kb(string line) => long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            _output.Enqueue(line.Length > 2000 ? line[..2000] : line);
            while (_output.Count > KeptLines)
            {
                _output.Dequeue();
            }
        }
    }

    public async ValueTask DisposeAsync() => await KillAsync();
}
