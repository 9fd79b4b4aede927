using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Reflection;
using System.Text;
using System.Text.Json;

namespace DestinationKit.Testing;

/// <summary>The real ingestion app (its built dll under dotnet exec) on a loopback port, with its own data folder.
/// Shared by the test projects that need the app out of process (linked into each; see their csproj).</summary>
public sealed class RunningApp : IAsyncDisposable
{
    public const string AdminKey = "oop-admin-key-0123456789abcdef";
    private readonly StringBuilder _output = new();
    private Process? _process;

    public RunningApp(string? dataDirectory = null)
    {
        DataDirectory = dataDirectory ?? Path.Combine(Path.GetTempPath(), "dk-ingestion-oop", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(DataDirectory);
    }

    public string DataDirectory { get; }

    /// <summary>Environment variables of the app's process (a deployment's configuration, e.g. Auth__Provisioned__Json).</summary>
    public Dictionary<string, string> Environment { get; } = new(StringComparer.Ordinal);

    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1:1");

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static string AppDll
    {
        get
        {
            var root = typeof(RunningApp).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!;
            var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
            var dll = Path.Combine(root, "app", "DestinationKit.Ingestion", "bin", configuration, "net10.0", "DestinationKit.Ingestion.dll");
            Assert.True(File.Exists(dll), $"build the app first: {dll} is missing");
            return dll;
        }
    }

    private ProcessStartInfo StartInfo(IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("exec");
        psi.ArgumentList.Add(AppDll);
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        psi.Environment["DOTNET_ENVIRONMENT"] = "Production";
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (name, value) in Environment)
        {
            psi.Environment[name] = value;
        }
        return psi;
    }

    /// <summary>Runs a CLI command of the app against this data folder and returns its output.</summary>
    public async Task<string> CliAsync(params string[] args)
    {
        using var process = Process.Start(StartInfo([.. args, $"--Ingestion:DataDirectory={DataDirectory}"]))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(process.ExitCode == 0, $"CLI {string.Join(' ', args)} failed: {await stderr}");
        return await stdout;
    }

    public async Task StartAsync()
    {
        var process = Launch();

        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            Assert.False(process.HasExited, "the app exited: " + Output);
            try
            {
                if ((await client.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            Assert.True(DateTime.UtcNow < deadline, "the app did not become ready: " + Output);
            await Task.Delay(100);
        }
    }

    /// <summary>Starts the app expecting it to stop at startup (a deployment mistake): returns its exit code once it has
    /// exited, its output is in <see cref="Output"/>.</summary>
    public async Task<int> FailToStartAsync()
    {
        var process = Launch();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        process.WaitForExit(); // the redirected output is complete only after this overload returns
        return process.ExitCode;
    }

    private Process Launch()
    {
        var port = FreePort();
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
        var psi = StartInfo([$"--urls={BaseAddress}", $"--Ingestion:DataDirectory={DataDirectory}", $"--Admin:ApiKey={AdminKey}", "--Logging:Console:FormatterName=simple"]);
        _process = Process.Start(psi)!;
        _process.OutputDataReceived += (_, e) => { lock (_output) { _output.AppendLine(e.Data); } };
        _process.ErrorDataReceived += (_, e) => { lock (_output) { _output.AppendLine(e.Data); } };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        return _process;
    }

    /// <summary>SIGKILL: no graceful shutdown, nothing flushed after the fact.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process?.Dispose();
        _process = null;
    }

    public HttpClient Client(string? bearer = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        if (bearer is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }
        return client;
    }

    /// <summary>Polls readiness until the queryable state has applied everything durable.</summary>
    public async Task CaughtUpAsync()
    {
        using var client = Client();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            using var ready = JsonDocument.Parse(await (await client.GetAsync("/health/ready")).Content.ReadAsStringAsync());
            if (ready.RootElement.GetProperty("freshness").GetProperty("pendingRequests").GetInt64() == 0)
            {
                return;
            }
            Assert.True(DateTime.UtcNow < deadline, "the state did not catch up");
            await Task.Delay(50);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
