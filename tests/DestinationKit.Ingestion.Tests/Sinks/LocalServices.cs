using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Text;

namespace DestinationKit.Ingestion.Tests.Sinks;

/// <summary>
/// The local services of scripts/services.sh, found through the variables of artifacts/services/env (from the
/// environment, else read from that file). A test that needs one and finds nothing fails and says how to start them.
/// </summary>
public static class LocalServices
{
    private static readonly Lazy<Dictionary<string, string>> FromFile = new(ReadEnvFile);

    public static string RepositoryRoot =>
        typeof(LocalServices).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!;

    /// <summary>The value of a variable of artifacts/services/env; fails the test when the services were never started.</summary>
    public static string Require(string name)
    {
        var value = Environment.GetEnvironmentVariable(name);
        if (string.IsNullOrEmpty(value))
        {
            FromFile.Value.TryGetValue(name, out value);
        }
        if (string.IsNullOrEmpty(value))
        {
            Assert.Fail($"{name} is not set: this test needs the local services. Run `scripts/services.sh start` "
                + "(docs/local-services.md); scripts/test.sh does it for you.");
        }
        return value!;
    }

    public static string S3Endpoint => Require("DK_S3_ENDPOINT");
    public static string S3AccessKey => Require("DK_S3_ACCESS_KEY");
    public static string S3SecretKey => Require("DK_S3_SECRET_KEY");
    public static string AzuriteConnectionString => Require("DK_AZURITE_CONNECTION_STRING");

    private static Dictionary<string, string> ReadEnvFile()
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var path = Path.Combine(RepositoryRoot, "artifacts", "services", "env");
        if (!File.Exists(path))
        {
            return values;
        }
        foreach (var line in File.ReadAllLines(path))
        {
            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (!line.StartsWith("export ", StringComparison.Ordinal) || eq < 0)
            {
                continue;
            }
            values[line[7..eq]] = line[(eq + 1)..].Trim('\'');
        }
        return values;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A bucket or container name of its own for each test (3-63 lowercase letters, digits and dashes).</summary>
    public static string UniqueBucket(string purpose) => $"dk-{purpose}-{Guid.NewGuid():N}"[..Math.Min(63, purpose.Length + 24)];
}

/// <summary>
/// An Azurite process of a test's own, on a free port, with its data on disk: it can be stopped in the middle of a run
/// and started again on the same port with the same data.
/// </summary>
public sealed class NodeServer : IAsyncDisposable
{
    private readonly string[] _arguments;
    private readonly StringBuilder _output = new();
    private Process? _process;

    private NodeServer(string name, int port, string dataDirectory, string[] arguments)
    {
        Name = name;
        Port = port;
        DataDirectory = dataDirectory;
        _arguments = arguments;
    }

    public string Name { get; }

    public int Port { get; }

    public string DataDirectory { get; }

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

    public static async Task<NodeServer> StartAzuriteAsync()
    {
        var port = LocalServices.FreePort();
        var data = Directory.CreateTempSubdirectory("dk-azurite-").FullName;
        var server = new NodeServer("azurite", port, data,
            [LocalServices.Require("DK_AZURITE_BLOB_JS"), "--blobHost", "127.0.0.1", "--blobPort", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
             "--location", data, "--skipApiVersionCheck", "--loose", "--silent", "--disableTelemetry"]);
        await server.StartAsync();
        return server;
    }

    public string AzuriteConnectionString =>
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + LocalServices.Require("DK_AZURITE_ACCOUNT_KEY")
        + $";BlobEndpoint=http://127.0.0.1:{Port}/devstoreaccount1;";

    public string Endpoint => $"http://127.0.0.1:{Port}";

    public async Task StartAsync()
    {
        var psi = new ProcessStartInfo(LocalServices.Require("DK_NODE")) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = DataDirectory };
        foreach (var a in _arguments)
        {
            psi.ArgumentList.Add(a);
        }
        var process = Process.Start(psi)!;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
                await Task.Delay(50);
            }
            catch (SocketException)
            {
                Assert.Fail($"{Name} did not start on port {Port}: {Output}");
            }
        }
    }

    /// <summary>Stops the server with SIGTERM, as a platform stops a service (Azurite saves its metadata on the way out).</summary>
    public async Task StopAsync()
    {
        if (_process is null)
        {
            return;
        }
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }
        if (!await WaitForExitAsync(_process, TimeSpan.FromSeconds(20)))
        {
            _process.Kill(entireProcessTree: true);
        }
        await _process.WaitForExitAsync();
        _process.Dispose();
        _process = null;
    }

    private static async Task<bool> WaitForExitAsync(Process process, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
