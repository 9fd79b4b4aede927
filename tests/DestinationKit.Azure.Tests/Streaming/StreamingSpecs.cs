using DestinationKit.Azure.Streaming;
using DestinationKit.Model.Spec;
using Pulumi.Testing;

namespace DestinationKit.Azure.Tests.Streaming;

/// <summary>Specs of the <c>azure</c> streaming target and a run of <see cref="StreamingEndpoint"/> under mocks.</summary>
internal static class StreamingSpecs
{
    /// <summary>What the package SAS is dated from in these tests.</summary>
    public static readonly DateTimeOffset Now = new(2026, 5, 17, 10, 30, 0, TimeSpan.Zero);

    public static DestinationSpec ApiKey(string tenants = """["acme"]""", params (string Key, string Value)[] extra) =>
        Parse(tenants, extra);

    public static DestinationSpec OAuth2App(string tenants = """["acme"]""", params (string Key, string Value)[] extra) =>
        Parse(tenants, [("auth", "oauth2"), .. extra]);

    public static DestinationSpec OAuth2External(params (string Key, string Value)[] extra) =>
        Parse("""["acme"]""", [("auth", "oauth2"), ("oauth2", """
            {"issuer": "external", "issuerUrl": "https://login.example.test/tenant/v2.0", "jwksUri": "https://login.example.test/tenant/discovery/keys",
             "tokenUrl": "https://login.example.test/tenant/oauth2/v2.0/token", "audience": "api://acme-ingestion"}
            """), .. extra]);

    private static DestinationSpec Parse(string tenants, params (string Key, string Value)[] extra)
    {
        var values = new List<(string, string)> { ("mode", "streaming"), ("identityNamespaces", """{"email_lc_sha256": {}}""") };
        values.AddRange(extra);
        return Specs.Parse("azure", tenants, [.. values]);
    }

    /// <summary>A stand-in for the published app: one file, in a folder of its own.</summary>
    public static string AppFolder()
    {
        var folder = Path.Combine(Path.GetTempPath(), "dk-azure-streaming-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "DestinationKit.Ingestion.dll"), "not really an assembly");
        return folder;
    }

    public static RecordingMocks NewMocks() =>
        new(AzureBehaviour.Instance, AzureStreamingBehaviour.Instance, RandomBehaviour.Instance, TlsBehaviour.Instance);

    public static async Task<(StreamingEndpoint Endpoint, RecordingMocks Mocks, StreamingEndpointArgs Args)> Run(DestinationSpec spec)
    {
        var mocks = NewMocks();
        var args = StreamingEndpointArgs.FromSpec(spec, AppFolder(), Now);
        var (endpoint, _) = await ComponentRunner.RunAsync(mocks, () => new StreamingEndpoint("streaming", args));
        return (endpoint, mocks, args);
    }
}
