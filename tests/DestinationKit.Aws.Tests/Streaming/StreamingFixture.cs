using System.Collections.Immutable;
using DestinationKit.Aws.Streaming;
using DestinationKit.Model.Spec;
using Pulumi;

namespace DestinationKit.Aws.Tests.Streaming;

/// <summary>Target aws specs, built through the parser, and a stand-in for the published app (tests never publish):
/// a folder with the app host and a few files, zipped by the component into a temporary folder.</summary>
public sealed class StreamingFixture : IDisposable
{
    public const string ThreeTenants = """["acme", {"id": "globex", "name": "Globex Corporation"}, "initech"]""";

    public StreamingFixture()
    {
        Root = Directory.CreateTempSubdirectory("dk-aws-streaming-").FullName;
        AppFolder = Path.Combine(Root, "app");
        Directory.CreateDirectory(Path.Combine(AppFolder, "runtimes"));
        File.WriteAllText(Path.Combine(AppFolder, LambdaPackage.AppHost), "#!/bin/sh\necho app host\n");
        File.WriteAllText(Path.Combine(AppFolder, "DestinationKit.Ingestion.dll"), "not really an assembly");
        File.WriteAllText(Path.Combine(AppFolder, "appsettings.json"), "{}");
        File.WriteAllText(Path.Combine(AppFolder, "runtimes", "libe_sqlite3.so"), "native");
        PackageFolder = Path.Combine(Root, "packages");
    }

    public string Root { get; }

    public string AppFolder { get; }

    public string PackageFolder { get; }

    public void Dispose() => Directory.Delete(Root, recursive: true);

    public static DestinationSpec Spec(string tenants = """["acme"]""", params (string Key, string Value)[] extra) =>
        Specs.Parse(tenants, [("mode", "streaming"), ("target", "aws"), ("identityNamespaces", """{"email_lc_sha256": {}}"""), .. extra]);

    public static readonly (string, string)[] AppTokens = [("auth", "oauth2"), ("oauth2", """{"issuer": "app", "clientAuthentication": "basic"}""")];

    public static readonly (string, string)[] CognitoTokens = [("auth", "oauth2"), ("oauth2", """{"issuer": "cognito", "scopes": ["https://ingest.acme.example/profiles.write", "https://ingest.acme.example/audiences.write"]}""")];

    public StreamingEndpointArgs Args(DestinationSpec spec) => StreamingEndpointArgs.FromSpec(spec, AppFolder, PackageFolder);

    public static RecordingMocks NewMocks() => new(AwsBehaviour.Instance, TlsBehaviour.Instance, RandomBehaviour.Instance);

    public Task<(StreamingEndpoint Endpoint, ImmutableArray<Resource> Resources)> RunAsync(RecordingMocks mocks, DestinationSpec spec,
        ComponentResourceOptions? options = null) =>
        ComponentRunner.RunAsync(mocks, () => new StreamingEndpoint("ingest", Args(spec), options));
}
