using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using DestinationKit.Simulator.Configuration;

namespace DestinationKit.Simulator.Simulate;

/// <summary>The options every <c>simulate</c> command shares: which destination (its AEP configuration), the customer's
/// credentials and tenant, and where the JSON summary goes.</summary>
public sealed class DestinationOptions
{
    public const int ExitOk = 0;
    public const int ExitNotOk = 1;
    public const int ExitUsage = 2;

    public Option<FileInfo?> AepConfig { get; } = new("--aep-config")
    {
        Description = "The destination's AEP configuration: the aepConfiguration stack output (or `pulumi stack output --json`).",
    };

    public Option<FileInfo?> StackConfig { get; } = new("--stack-config")
    {
        Description = "A Pulumi.<stack>.yaml; the AEP configuration is built from it through the model (needs --endpoint for streaming).",
    };

    public Option<string?> Endpoint { get; } = new("--endpoint")
    {
        Description = "With --stack-config: the base URL the destination serves, e.g. http://127.0.0.1:5080/.",
    };

    public Option<FileInfo?> Credentials { get; } = new("--credentials")
    {
        Description = "JSON with the customer's credentials: {\"apiKey\"} or {\"clientId\", \"clientSecret\"} (optionally keyed by tenant, with customerData).",
    };

    public Option<string?> Tenant { get; } = new("--tenant")
    {
        Description = "The tenant (customerData.tenantId; selects the entry of a credentials file keyed by tenant).",
    };

    public Option<string?> ApiKey { get; } = new("--api-key")
    {
        Description = "The bearer key (instead of --credentials; the environment variable DK_SIMULATOR_API_KEY works too).",
    };

    public Option<FileInfo?> Summary { get; } = new("--summary")
    {
        Description = "Write the machine-readable JSON summary here.",
    };

    /// <param name="streaming">Also the options only a streaming destination needs (<c>--endpoint</c>, <c>--api-key</c>).</param>
    public void AddTo(Command command, bool streaming = true)
    {
        if (!streaming)
        {
            StackConfig.Description = "A Pulumi.<stack>.yaml; the AEP configuration is built from it through the model.";
            Credentials.Description = "JSON with what the customer enters to connect (access key pair, connectionString, sasUri, service principal, "
                + "username with privateKey or password; optionally keyed by tenant, with customerData) [default: the stack outputs' credentials].";
        }
        Option[] options = streaming ? [AepConfig, StackConfig, Endpoint, Credentials, Tenant, ApiKey, Summary] : [AepConfig, StackConfig, Credentials, Tenant, Summary];
        foreach (var option in options) command.Options.Add(option);
        command.Validators.Add(result =>
        {
            if ((result.GetValue(AepConfig) is null) == (result.GetValue(StackConfig) is null))
            {
                result.AddError("give exactly one of --aep-config and --stack-config");
            }
        });
    }

    public AepDestination LoadDestination(ParseResult result)
    {
        if (result.GetValue(AepConfig) is { } file) return AepConfigLoader.FromJsonFile(file.FullName);
        var endpoint = result.GetValue(Endpoint);
        Uri? endpointUri = null;
        if (endpoint is not null && !Uri.TryCreate(endpoint, UriKind.Absolute, out endpointUri))
        {
            throw new InvalidDataException($"--endpoint {endpoint} is not an absolute URL");
        }
        return AepConfigLoader.FromStackFile(result.GetValue(StackConfig)!.FullName, endpointUri);
    }

    public SimulatorCredentials LoadCredentials(ParseResult result)
    {
        var tenant = result.GetValue(Tenant);
        var credentials = result.GetValue(Credentials) is { } file
            ? SimulatorCredentials.FromFile(file.FullName, tenant)
            : new SimulatorCredentials
            {
                CustomerData = tenant is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["tenantId"] = tenant },
            };
        var key = result.GetValue(ApiKey) ?? Environment.GetEnvironmentVariable("DK_SIMULATOR_API_KEY");
        return key is null ? credentials : credentials with { ApiKey = key };
    }

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public void WriteSummary(ParseResult result, JsonObject summary, TextWriter output)
    {
        if (result.GetValue(Summary) is not { } file) return;
        if (file.Directory is { Exists: false } directory) directory.Create();
        File.WriteAllText(file.FullName, summary.ToJsonString(Indented) + "\n");
        output.WriteLine($"Summary written to {file.FullName}");
    }

    /// <summary>Runs an action, turning configuration and input problems into one line on stderr and exit code 2.</summary>
    public static async Task<int> GuardAsync(ParseResult result, Func<Task<int>> action)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or JsonException or InvalidOperationException or NotSupportedException
            or UnauthorizedAccessException or Pebble.PebbleTemplateException or HttpRequestException)
        {
            await result.InvocationConfiguration.Error.WriteLineAsync("error: " + e.Message).ConfigureAwait(false);
            return ExitUsage;
        }
    }
}
