using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using DestinationKit.Ingestion.Auth;
using DestinationKit.Ingestion.Storage;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace DestinationKit.Ingestion.Tests;

/// <summary>The app in process, on its own temporary data folder, with settings per test class.</summary>
public class TestApp : WebApplicationFactory<Program>
{
    public const string AdminKey = "test-admin-key-0123456789abcdef";

    public string DataDirectory { get; init; } = Path.Combine(Path.GetTempPath(), "dk-ingestion-tests", Guid.NewGuid().ToString("N"));

    /// <summary>Leave the data folder on disposal (a second app opens it: a restart).</summary>
    public bool KeepData { get; init; }

    public Dictionary<string, string?> Settings { get; } = new();

    public Action<IServiceCollection>? TestServices { get; set; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Ingestion:DataDirectory", DataDirectory);
        builder.UseSetting("Admin:ApiKey", AdminKey);
        // Many apps run in parallel here: the state builder gets its fair share of the CPU so waits stay short.
        builder.UseSetting("Ingestion:ApplierNice", "0");
        // In process every request comes from one unknown address: the failed-attempt limit would let the tests that
        // send bad credentials lock out those that follow. RateLimitTests turn it on.
        builder.UseSetting("Auth:FailedAuthLimit", "0");
        builder.UseSetting("Logging:Console:FormatterName", "simple");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        foreach (var (k, v) in Settings)
        {
            builder.UseSetting(k, v);
        }
        if (TestServices is not null)
        {
            builder.ConfigureTestServices(TestServices);
        }
    }

    public SqliteStore Store => base.Services.GetRequiredService<SqliteStore>();

    public CredentialStore Credentials => base.Services.GetRequiredService<CredentialStore>();

    public TokenService Tokens => base.Services.GetRequiredService<TokenService>();

    /// <summary>A client authenticated with a fresh API key of <paramref name="tenant"/>.</summary>
    public HttpClient ClientFor(string tenant)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Credentials.CreateApiKey(tenant).Secret);
        return client;
    }

    public HttpClient ClientWithBearer(string credential)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", credential);
        return client;
    }

    /// <summary>Waits until the queryable state has applied everything acknowledged so far.</summary>
    public Task CaughtUpAsync() => Store.WaitForAppliedAsync(Store.GetFreshness().DurableSequence, TimeSpan.FromSeconds(30));

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (disposing && !KeepData)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}

public static class Json
{
    public static StringContent Body(string json, string contentType = "application/json")
    {
        var content = new StringContent(json, Encoding.UTF8);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return content;
    }

    /// <summary>A contract-v1 request holding the given profile objects.</summary>
    public static StringContent Profiles(params string[] profiles) => Body($$"""{"schemaVersion":1,"profiles":[{{string.Join(",", profiles)}}]}""");

    public static string Profile(string ns, string id, string audiences = "{}", string attributes = "{}") =>
        $$"""{"identities":{"{{ns}}":["{{id}}"]},"audiences":{{audiences}},"attributes":{{attributes}}}""";

    public static string Member(string audience, string status, string? qualifiedAt) =>
        qualifiedAt is null
            ? "{\"ups\":{\"" + audience + "\":{\"status\":\"" + status + "\"}}}"
            : "{\"ups\":{\"" + audience + "\":{\"status\":\"" + status + "\",\"qualifiedAt\":\"" + qualifiedAt + "\"}}}";

    public static async Task<JsonElement> ReadAsync(this HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).Clone();
}
