using System.CommandLine;
using DestinationKit.Model.Aep;

namespace DestinationKit.Simulator.Publishing;

/// <summary>The Pulumi-free commands of the <c>destinationkit</c> CLI (docs/cli.md): <c>aep-config</c> and <c>publish</c>.</summary>
public static class PublishingCommands
{
    public const string ClientIdVariable = "ADOBE_CLIENT_ID";
    public const string ClientSecretVariable = "ADOBE_CLIENT_SECRET";
    public const string OrgIdVariable = "ADOBE_ORG_ID";
    public const string SandboxVariable = "ADOBE_SANDBOX";

    /// <summary>Both commands; <paramref name="environment"/> reads environment variables (tests pass their own).</summary>
    public static IReadOnlyList<Command> Build(Func<string, string?>? environment = null) =>
        [AepConfig(), Publish(environment ?? Environment.GetEnvironmentVariable)];

    public static Command AepConfig()
    {
        var outputs = new Option<FileInfo?>("--stack-outputs")
        {
            Description = "The stack's outputs: `pulumi stack output --json` (or the aepConfiguration document itself).",
            HelpName = "file.json",
        };
        var stackFile = new Option<FileInfo?>("--stack-file")
        {
            Description = "A Pulumi.<stack>.yaml: the document is built from its configuration, as the stack would export it.",
            HelpName = "Pulumi.<stack>.yaml",
        };
        var endpoint = new Option<string?>("--endpoint") { Description = "With --stack-file, streaming: the deployed gateway's base URL.", HelpName = "url" };
        var tokenUrl = new Option<string?>("--token-url") { Description = "With --stack-file, OAuth 2.0 from Cognito: the token URL.", HelpName = "url" };
        var sftpHost = new Option<string?>("--sftp-host") { Description = "With --stack-file, sftp on AWS: the Transfer Family server's host name.", HelpName = "host" };
        var output = new Option<string>("--out", "-o")
        {
            Description = "Where to write the JSON (`-`: standard output).",
            DefaultValueFactory = _ => "aep-configuration.json",
            HelpName = "file.json",
        };
        var command = new Command("aep-config",
            "Write a destination's Destination SDK configuration (destination server, audience template, destination) as JSON, "
            + "from a deployed stack's outputs or from a Pulumi.<stack>.yaml. No Pulumi needed.")
        {
            outputs, stackFile, endpoint, tokenUrl, sftpHost, output,
        };
        command.SetAction((result, cancellationToken) => GuardAsync(result, async () =>
        {
            var fromOutputs = result.GetValue(outputs);
            var fromStack = result.GetValue(stackFile);
            if ((fromOutputs is null) == (fromStack is null))
                throw new PublishException("give exactly one of --stack-outputs and --stack-file", PublishExitCodes.InvalidInput);
            string json;
            if (fromOutputs is not null)
            {
                if (result.GetValue(endpoint) is not null || result.GetValue(sftpHost) is not null || result.GetValue(tokenUrl) is not null)
                    throw new PublishException("--endpoint, --token-url and --sftp-host go with --stack-file; the outputs already hold them", PublishExitCodes.InvalidInput);
                json = AepDocument.Parse(await ReadAsync(fromOutputs, cancellationToken).ConfigureAwait(false), fromOutputs.Name).ToJson();
            }
            else
            {
                json = StackFileReader.BuildAepJson(fromStack!.FullName, new DeploymentFacts
                {
                    EndpointUrl = Url(result.GetValue(endpoint), "--endpoint"),
                    TokenUrl = Url(result.GetValue(tokenUrl), "--token-url"),
                    SftpHost = result.GetValue(sftpHost),
                });
            }
            var target = result.GetValue(output)!;
            if (target == "-")
            {
                await result.InvocationConfiguration.Output.WriteAsync(json).ConfigureAwait(false);
            }
            else
            {
                await File.WriteAllTextAsync(target, json, cancellationToken).ConfigureAwait(false);
                await result.InvocationConfiguration.Output.WriteLineAsync($"wrote {target}").ConfigureAwait(false);
            }
            return PublishExitCodes.Ok;
        }));
        return command;
    }

    public static Command Publish(Func<string, string?> environment)
    {
        var config = new Option<FileInfo>("--config", "-c")
        {
            Description = "The Destination SDK document: written by aep-config, or `pulumi stack output --json`.",
            Required = true,
            HelpName = "file.json",
        };
        var clientId = new Option<string?>("--client-id") { Description = $"OAuth server-to-server client id (API key) [env: {ClientIdVariable}].", HelpName = "id" };
        var orgId = new Option<string?>("--org-id") { Description = $"IMS organization id, ...@AdobeOrg [env: {OrgIdVariable}].", HelpName = "id" };
        var sandbox = new Option<string?>("--sandbox") { Description = $"Sandbox name [env: {SandboxVariable}; default: prod].", HelpName = "name" };
        var secretFile = new Option<FileInfo?>("--client-secret-file")
        {
            Description = $"File holding the client secret. Without it the secret is read from {ClientSecretVariable}; it is never taken on the command line.",
            HelpName = "file",
        };
        var scopes = new Option<string>("--scopes") { Description = "IMS scopes to request.", DefaultValueFactory = _ => AdobeCredentials.DefaultScopes, HelpName = "list" };
        var imsUrl = new Option<string>("--ims-url") { Description = "IMS token endpoint.", DefaultValueFactory = _ => ImsTokenClient.DefaultTokenUrl.AbsoluteUri, HelpName = "url" };
        var apiUrl = new Option<string>("--api-url") { Description = "Authoring API base URL.", DefaultValueFactory = _ => AuthoringClient.DefaultBaseUrl.AbsoluteUri, HelpName = "url" };

        var command = new Command("publish",
            "Create or update the destination server, audience template and destination configuration at Adobe through the "
            + "Destination SDK authoring API, with an OAuth server-to-server credential. Idempotent: objects that already exist "
            + "(by name) are updated, not duplicated. Exit codes: 0 done, 2 bad input, 3 credentials refused, 4 API error, 1 other.")
        {
            config, clientId, orgId, sandbox, secretFile, scopes, imsUrl, apiUrl,
        };
        command.SetAction((result, cancellationToken) => GuardAsync(result, async () =>
        {
            var file = result.GetValue(config)!;
            var document = AepDocument.Parse(await ReadAsync(file, cancellationToken).ConfigureAwait(false), file.Name);
            var credentials = new AdobeCredentials(
                Required(result.GetValue(clientId) ?? environment(ClientIdVariable), "--client-id", ClientIdVariable),
                await SecretAsync(result.GetValue(secretFile), environment, cancellationToken).ConfigureAwait(false),
                Required(result.GetValue(orgId) ?? environment(OrgIdVariable), "--org-id", OrgIdVariable),
                result.GetValue(sandbox) ?? environment(SandboxVariable) ?? "prod",
                result.GetValue(scopes)!);
            var output = result.InvocationConfiguration.Output;

            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(100) };
            var token = await new ImsTokenClient(http, Url(result.GetValue(imsUrl), "--ims-url")!).GetAccessTokenAsync(credentials, cancellationToken).ConfigureAwait(false);
            await output.WriteLineAsync($"authenticated as client {credentials.ClientId} in org {credentials.OrgId}, sandbox {credentials.Sandbox}").ConfigureAwait(false);
            var client = new AuthoringClient(http, Url(result.GetValue(apiUrl), "--api-url")!, token, credentials);
            var published = await new Publisher(client, line => output.WriteLine(line)).PublishAsync(document, cancellationToken).ConfigureAwait(false);
            await output.WriteLineAsync($"destination instance id: {published[^1].InstanceId}").ConfigureAwait(false);
            return PublishExitCodes.Ok;
        }));
        return command;
    }

    private static Uri? Url(string? value, string option) =>
        value is null ? null
        : Uri.TryCreate(value, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttps || url.Scheme == Uri.UriSchemeHttp) ? url
        : throw new PublishException($"{option}: got \"{value}\"; expected an absolute http(s) URL", PublishExitCodes.InvalidInput);

    private static string Required(string? value, string option, string variable) =>
        string.IsNullOrWhiteSpace(value) ? throw new PublishException($"{option} is required (or set {variable})", PublishExitCodes.InvalidInput) : value;

    private static async Task<string> SecretAsync(FileInfo? file, Func<string, string?> environment, CancellationToken cancellationToken)
    {
        var secret = file is null ? environment(ClientSecretVariable) : (await ReadAsync(file, cancellationToken).ConfigureAwait(false)).Trim();
        return string.IsNullOrWhiteSpace(secret)
            ? throw new PublishException($"the client secret is required: set {ClientSecretVariable} or give --client-secret-file", PublishExitCodes.InvalidInput)
            : secret;
    }

    private static async Task<string> ReadAsync(FileInfo file, CancellationToken cancellationToken)
    {
        try
        {
            return await File.ReadAllTextAsync(file.FullName, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException)
        {
            throw new PublishException($"{file.FullName}: cannot be read ({e.GetType().Name.Replace("Exception", "", StringComparison.Ordinal)})", PublishExitCodes.InvalidInput);
        }
    }

    /// <summary>Turns the known failures into one line on standard error and an exit code; no stack trace, no secret.</summary>
    private static async Task<int> GuardAsync(ParseResult result, Func<Task<int>> run)
    {
        var error = result.InvocationConfiguration.Error;
        try
        {
            return await run().ConfigureAwait(false);
        }
        catch (PublishException e)
        {
            await error.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
            return e.ExitCode;
        }
        catch (InvalidDataException e)
        {
            await error.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
            return PublishExitCodes.InvalidInput;
        }
        catch (OperationCanceledException)
        {
            await error.WriteLineAsync("cancelled").ConfigureAwait(false);
            return PublishExitCodes.Failed;
        }
        catch (HttpRequestException e)
        {
            await error.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
            return PublishExitCodes.Failed;
        }
    }
}
