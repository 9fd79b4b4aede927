using System.CommandLine;
using System.Reflection;
using DestinationKit.Model.Aep;
using DestinationKit.Simulator.Publishing;

namespace DestinationKit.Simulator.Tests.Publishing;

/// <summary>Runs the publishing commands in process with their own environment, and makes input files.</summary>
internal sealed class PublishingHarness : IDisposable
{
    public static readonly string RepositoryRoot = typeof(PublishingHarness).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!;

    public static readonly Uri Endpoint = new("https://abc123.execute-api.eu-west-1.amazonaws.com/prod");

    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "dk-publishing-" + Guid.NewGuid().ToString("N"));

    public Dictionary<string, string?> Environment { get; } = new(StringComparer.Ordinal);

    public PublishingHarness() => System.IO.Directory.CreateDirectory(Directory);

    public void UseStubCredentials()
    {
        Environment[PublishingCommands.ClientIdVariable] = AdobeStub.ClientId;
        Environment[PublishingCommands.ClientSecretVariable] = AdobeStub.ClientSecret;
        Environment[PublishingCommands.OrgIdVariable] = AdobeStub.OrgId;
        Environment[PublishingCommands.SandboxVariable] = AdobeStub.Sandbox;
    }

    public string File(string name, string text)
    {
        var path = Path.Combine(Directory, name);
        System.IO.File.WriteAllText(path, text);
        return path;
    }

    /// <summary>The repository's example stack (streaming on AWS, API keys, audiences through the API) as its
    /// deployment would export it.</summary>
    public static string StreamingDocument() =>
        StackFileReader.BuildAepJson(Path.Combine(RepositoryRoot, "Pulumi.dev.yaml"), new DeploymentFacts { EndpointUrl = Endpoint });

    public async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        var root = new RootCommand("test");
        foreach (var command in PublishingCommands.Build(name => Environment.GetValueOrDefault(name))) root.Subcommands.Add(command);
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (code, output.ToString(), error.ToString());
    }

    public Task<(int Code, string Output, string Error)> PublishAsync(AdobeStub stub, string documentPath, params string[] more) =>
        RunAsync(["publish", "--config", documentPath, "--ims-url", stub.TokenUrl.AbsoluteUri, "--api-url", stub.AuthoringUrl.AbsoluteUri, .. more]);

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
