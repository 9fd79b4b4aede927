using Amazon.Runtime;
using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace DestinationKit.Ingestion.Auth;

/// <summary>Settings of section <c>Auth:Provisioned</c>: where the provisioned-credentials document comes from (the
/// first that is set). Neither set: the app has only the credentials of its <see cref="CredentialStore"/>.</summary>
public sealed class ProvisionedCredentialsOptions
{
    public const string Section = "Auth:Provisioned";

    /// <summary>The document itself (<c>Auth__Provisioned__Json</c>; a Key Vault reference or a Secret Manager secret
    /// resolved into the variable by the platform).</summary>
    public string? Json { get; set; }

    /// <summary>Name or ARN of an AWS SSM SecureString parameter holding the document, read once at startup with the
    /// default credential chain (the Lambda's role: <c>ssm:GetParameter</c>, and <c>kms:Decrypt</c> on its key).</summary>
    public string? SsmParameter { get; set; }
}

/// <summary>Reads the value of an SSM SecureString parameter: the seam between the app and AWS.</summary>
public interface ISsmParameterReader
{
    Task<string> ReadSecureStringAsync(string name, CancellationToken cancellationToken);
}

/// <summary>GetParameter with decryption; every failure becomes a startup error that says what to check.</summary>
public sealed class SsmParameterReader(IAmazonSimpleSystemsManagement ssm) : ISsmParameterReader
{
    public async Task<string> ReadSecureStringAsync(string name, CancellationToken cancellationToken)
    {
        var what = $"{ProvisionedCredentialsOptions.Section}:SsmParameter: the parameter {name}";
        try
        {
            var response = await ssm.GetParameterAsync(new GetParameterRequest { Name = name, WithDecryption = true }, cancellationToken).ConfigureAwait(false);
            if (response.Parameter is not { } parameter || string.IsNullOrEmpty(parameter.Value))
                throw new ProvisionedCredentialsException($"{what} has no value.");
            if (parameter.Type != ParameterType.SecureString)
                throw new ProvisionedCredentialsException($"{what} is a {parameter.Type} parameter; it holds credentials, so it must be a SecureString.");
            return parameter.Value;
        }
        catch (ParameterNotFoundException)
        {
            throw new ProvisionedCredentialsException($"{what} does not exist (in the region {Region}).");
        }
        catch (AmazonServiceException e)
        {
            // AWS's messages name the action, the resource and the role that was refused, never the parameter's value.
            throw new ProvisionedCredentialsException($"{what} could not be read: {e.ErrorCode} (HTTP {(int)e.StatusCode}): {e.Message} "
                + "The app's role needs ssm:GetParameter on it and kms:Decrypt on its key.");
        }
        catch (AmazonClientException e)
        {
            throw new ProvisionedCredentialsException($"{what} could not be read: {e.Message}");
        }
    }

    private string Region => ssm.Config.RegionEndpoint?.SystemName ?? ssm.Config.ServiceURL ?? "not set";
}

public static class ProvisionedCredentialsSource
{
    /// <summary>The document named by the options, parsed; <see cref="ProvisionedCredentials.None"/> when none is set.</summary>
    public static async Task<ProvisionedCredentials> LoadAsync(ProvisionedCredentialsOptions options, Func<ISsmParameterReader> ssm,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(ssm);
        if (!string.IsNullOrWhiteSpace(options.Json))
            return ProvisionedCredentials.Parse(options.Json, $"{ProvisionedCredentialsOptions.Section}:Json");
        if (!string.IsNullOrWhiteSpace(options.SsmParameter))
        {
            var name = options.SsmParameter.Trim();
            var json = await ssm().ReadSecureStringAsync(name, cancellationToken).ConfigureAwait(false);
            return ProvisionedCredentials.Parse(json, $"SSM parameter {name}");
        }
        return ProvisionedCredentials.None;
    }

    /// <summary>Registers the provisioned credentials, loaded once when the app starts: an unusable document stops the
    /// start with its message (before the app listens).</summary>
    public static IServiceCollection AddProvisionedCredentials(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<ProvisionedCredentialsOptions>(configuration.GetSection(ProvisionedCredentialsOptions.Section));
        services.TryAddSingleton<IAmazonSimpleSystemsManagement>(_ => new AmazonSimpleSystemsManagementClient());
        services.TryAddSingleton<ISsmParameterReader, SsmParameterReader>();
        // Resolved by the hosted service below while the host starts, where nothing waits on a synchronization context.
        services.AddSingleton(sp => LoadAsync(sp.GetRequiredService<IOptions<ProvisionedCredentialsOptions>>().Value,
            sp.GetRequiredService<ISsmParameterReader>, CancellationToken.None).GetAwaiter().GetResult());
        services.AddHostedService<ProvisionedCredentialsStartup>();
        return services;
    }
}

/// <summary>Loads the provisioned credentials when the host starts and says what was loaded (counts and the key id).</summary>
internal sealed partial class ProvisionedCredentialsStartup(ProvisionedCredentials credentials, IOptions<AuthOptions> auth,
    ILogger<ProvisionedCredentialsStartup> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!ReferenceEquals(credentials, ProvisionedCredentials.None))
            LogLoaded(logger, credentials.ApiKeyCount, credentials.ClientCount, credentials.ExternalClientCount, credentials.SigningKey?.Kid ?? "none (the app's own key)");
        var external = auth.Value.External;
        if (external.IsCognito && credentials.ExternalClientCount == 0) LogNoCognitoClients(logger, external.Issuer!);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Provisioned credentials: {ApiKeys} API keys, {Clients} OAuth clients, {ExternalClients} clients of the external issuer, signing key {Kid}")]
    private static partial void LogLoaded(ILogger logger, int apiKeys, int clients, int externalClients, string kid);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Auth:External:Kind is cognito, but the provisioned credentials list no client without a "
        + "secret: every token of {Issuer} is refused, as no client id names a tenant")]
    private static partial void LogNoCognitoClients(ILogger logger, string issuer);
}
