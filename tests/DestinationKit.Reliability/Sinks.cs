using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using DestinationKit.Ingestion.Storage.Cloud;
using Microsoft.Data.Sqlite;

namespace DestinationKit.Reliability;

/// <summary>Where the app under test makes requests durable, and how the harness reads back what is there.</summary>
public abstract class SinkUnderTest : IAsyncDisposable
{
    public abstract string Name { get; }

    /// <summary>The app's settings selecting this sink.</summary>
    public abstract IReadOnlyDictionary<string, string> Settings { get; }

    /// <summary>How many durable records hold each identity id of <paramref name="identityNamespace"/> (read with the app stopped or running).</summary>
    public abstract Task<Dictionary<string, int>> CountDurableIdsAsync(string identityNamespace);

    public virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;

    public static async Task<SinkUnderTest> CreateAsync(string name, string dataDirectory) => name switch
    {
        "sqlite" => new SqliteSink(dataDirectory),
        "s3" => new S3Sink(await S3rverProcess.StartAsync()),
        _ => throw new HarnessException($"unknown sink '{name}': sqlite or s3"),
    };

    /// <summary>Adds the identity ids of <paramref name="identityNamespace"/> in a contract-v1 body to <paramref name="counts"/>.</summary>
    public static void CountIds(byte[] body, string identityNamespace, Dictionary<string, int> counts)
    {
        using var doc = JsonDocument.Parse(body);
        foreach (var profile in doc.RootElement.GetProperty("profiles").EnumerateArray())
        {
            if (profile.GetProperty("identities").TryGetProperty(identityNamespace, out var ids))
            {
                foreach (var id in ids.EnumerateArray())
                {
                    var s = id.GetString()!;
                    counts[s] = counts.GetValueOrDefault(s) + 1;
                }
            }
        }
    }
}

/// <summary>The embedded store: the request log is <c>log.db</c> in the app's data folder.</summary>
public sealed class SqliteSink(string dataDirectory) : SinkUnderTest
{
    public override string Name => "sqlite";

    public override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string> { ["Ingestion:Sink"] = "sqlite" };

    public override Task<Dictionary<string, int>> CountDurableIdsAsync(string identityNamespace)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var cs = new SqliteConnectionStringBuilder { DataSource = Path.Combine(dataDirectory, "log.db"), Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString();
        using (var conn = new SqliteConnection(cs))
        {
            conn.Open();
            using var cmd = conn.CreateCommand();
            cmd.CommandText = "SELECT body FROM log ORDER BY seq";
            using var reader = cmd.ExecuteReader();
            while (reader.Read())
            {
                CountIds(reader.GetFieldValue<byte[]>(0), identityNamespace, counts);
            }
        }
        return Task.FromResult(counts);
    }
}

/// <summary>
/// The S3 sink on an s3rver of the harness's own (so a crash run neither disturbs nor depends on the shared one).
/// <see cref="ServiceUrl"/> may point at a proxy in front of it (fault injection).
/// </summary>
public sealed class S3Sink(S3rverProcess server, string? serviceUrl = null) : SinkUnderTest
{
    public string Bucket { get; } = "dk-reliability";

    public S3rverProcess Server => server;

    public string ServiceUrl { get; } = serviceUrl ?? server.Endpoint;

    public override string Name => "s3";

    public override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["Ingestion:Sink"] = "s3",
        ["Ingestion:S3:Bucket"] = Bucket,
        ["Ingestion:S3:ServiceUrl"] = ServiceUrl,
        ["Ingestion:S3:AccessKey"] = S3rverProcess.AccessKey,
        ["Ingestion:S3:SecretKey"] = S3rverProcess.AccessKey,
        ["Ingestion:S3:CreateIfMissing"] = "true",
        ["Ingestion:S3:RequestTimeoutSeconds"] = "5",
        ["Ingestion:S3:MaxRetries"] = "1",
    };

    /// <summary>The bucket read directly (not through any proxy).</summary>
    public S3ObjectStore Direct() => new(new S3SinkOptions
    {
        Bucket = Bucket,
        ServiceUrl = server.Endpoint,
        AccessKey = S3rverProcess.AccessKey,
        SecretKey = S3rverProcess.AccessKey,
    });

    public override async Task<Dictionary<string, int>> CountDurableIdsAsync(string identityNamespace)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        await using var objects = Direct();
        await foreach (var key in objects.ListAsync(ObjectLayout.RequestsRoot(""), CancellationToken.None))
        {
            var content = await objects.GetAsync(key, CancellationToken.None) ?? throw new HarnessException($"{key} was listed but cannot be read");
            foreach (var request in ObjectLayout.Decode(content))
            {
                CountIds(request.Body, identityNamespace, counts);
            }
        }
        return counts;
    }

    public override ValueTask DisposeAsync() => server.DisposeAsync();
}

/// <summary>
/// s3rver (the npm package scripts/services.sh installs) on a free loopback port with a data folder of its own,
/// under <c>--openssl-legacy-provider</c> (its ListObjectsV2 continuation tokens are DES-encrypted).
/// </summary>
public sealed class S3rverProcess : IAsyncDisposable
{
    public const string AccessKey = "S3RVER";
    private readonly Process _process;
    private readonly string _data;

    private S3rverProcess(Process process, string data, int port)
    {
        _process = process;
        _data = data;
        Endpoint = $"http://127.0.0.1:{port}";
    }

    public string Endpoint { get; }

    public static async Task<S3rverProcess> StartAsync()
    {
        var port = AppProcess.FreePort();
        var data = Directory.CreateTempSubdirectory("dk-s3rver-").FullName;
        var psi = new ProcessStartInfo(LocalServices.Require("DK_NODE")) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "--openssl-legacy-provider", LocalServices.Require("DK_S3RVER_JS"), "--directory", data, "--address", "127.0.0.1",
                     "--port", port.ToString(CultureInfo.InvariantCulture), "--silent" })
        {
            psi.ArgumentList.Add(a);
        }
        var process = Process.Start(psi) ?? throw new HarnessException("node did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new S3rverProcess(process, data, port);
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                using var _ = await client.GetAsync(new Uri(server.Endpoint + "/"));
                return server;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                if (process.HasExited || DateTime.UtcNow > deadline)
                {
                    await server.DisposeAsync();
                    throw new HarnessException($"s3rver did not start on port {port}");
                }
                await Task.Delay(100);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
        await _process.WaitForExitAsync();
        _process.Dispose();
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>What scripts/services.sh installed (node, s3rver), through the variables of artifacts/services/env.</summary>
public static class LocalServices
{
    private static readonly Lazy<Dictionary<string, string>> FromFile = new(() =>
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var path = Path.Combine(AppProcess.RepositoryRoot, "artifacts", "services", "env");
        if (File.Exists(path))
        {
            foreach (var line in File.ReadAllLines(path))
            {
                var eq = line.IndexOf('=', StringComparison.Ordinal);
                if (line.StartsWith("export ", StringComparison.Ordinal) && eq > 0)
                {
                    values[line[7..eq]] = line[(eq + 1)..].Trim('\'');
                }
            }
        }
        return values;
    });

    public static string Require(string name)
    {
        var value = Environment.GetEnvironmentVariable(name);
        if (string.IsNullOrEmpty(value))
        {
            FromFile.Value.TryGetValue(name, out value);
        }
        return string.IsNullOrEmpty(value)
            ? throw new HarnessException($"{name} is not set: start the local services with `scripts/services.sh start` (docs/local-services.md)")
            : value;
    }
}
