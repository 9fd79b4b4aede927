namespace DestinationKit.Simulator.Publishing;

/// <summary>An Adobe Developer Console project's OAuth server-to-server credential and the sandbox to publish into.
/// <see cref="ToString"/> never shows the secret.</summary>
public sealed record AdobeCredentials(string ClientId, string ClientSecret, string OrgId, string Sandbox, string Scopes)
{
    /// <summary>The scopes Adobe Developer Console lists for Experience Platform API credentials.</summary>
    public const string DefaultScopes = "openid,AdobeID,read_organizations,additional_info.projectedProductContext,session";

    public override string ToString() => $"client {ClientId}, org {OrgId}, sandbox {Sandbox}, secret [hidden]";
}

/// <summary>Why publishing stopped; <see cref="ExitCode"/> is what the command returns.</summary>
public class PublishException(string message, int exitCode, Exception? inner = null) : Exception(message, inner)
{
    public int ExitCode { get; } = exitCode;
}

/// <summary>The exit codes of <c>aep-config</c> and <c>publish</c> (docs/cli.md).</summary>
public static class PublishExitCodes
{
    public const int Ok = 0;

    /// <summary>Unexpected failure (a bug, or the network).</summary>
    public const int Failed = 1;

    /// <summary>Bad input: a missing or malformed file, option or configuration.</summary>
    public const int InvalidInput = 2;

    /// <summary>Adobe IMS refused the credentials.</summary>
    public const int AuthenticationFailed = 3;

    /// <summary>Adobe's authoring API answered with an error.</summary>
    public const int ApiError = 4;
}
