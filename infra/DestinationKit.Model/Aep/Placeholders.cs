namespace DestinationKit.Model.Aep;

/// <summary>Ids Adobe assigns when a configuration is created. The generated JSON carries these placeholders;
/// whoever submits it (by hand or with the CLI's publish command) creates the server and audience template first
/// and replaces them with the returned <c>instanceId</c>s.</summary>
public static class Placeholders
{
    public const string DestinationServerId = "${destinationServerId}";
    public const string AudienceTemplateId = "${audienceTemplateId}";
}
