using System.Text.Json.Nodes;
using DestinationKit.Model.Spec;

namespace DestinationKit.Model.Aep;

/// <summary>The audience template through which AEP creates, updates and deletes audiences in the ingestion
/// app (shared/AEP.md §3; the app's side is docs/contract/audiences-v1.md).</summary>
internal static class AudienceTemplateBuilder
{
    public static JsonObject Build(DestinationSpec spec, Uri endpoint)
    {
        var audiences = AepConfigurationBuilder.Url(endpoint, "v1/audiences");
        // Bearer keys reach templates as authData.token; with OAuth 2.0 AEP mints the token from the destination's OAuth config.
        var token = spec.Streaming!.Auth == StreamingAuth.ApiKey ? "{{authData.token}}" : "{{oauth2ServiceAccessToken}}";
        return new JsonObject
        {
            ["metadataTemplate"] = new JsonObject
            {
                ["name"] = $"{spec.Aep.DestinationName} audiences",
                ["create"] = Call(audiences, "POST", token, withBody: true),
                ["update"] = Call($"{audiences}/{{{{segment.alias}}}}", "PUT", token, withBody: true),
                ["delete"] = Call($"{audiences}/{{{{segment.alias}}}}", "DELETE", token, withBody: false),
            },
        };
    }

    private static JsonObject Call(string url, string method, string token, bool withBody)
    {
        var headers = new JsonArray();
        if (withBody) headers.Add(new JsonObject { ["header"] = "Content-Type", ["value"] = "application/json" });
        headers.Add(new JsonObject { ["header"] = "Authorization", ["value"] = $"Bearer {token}" });
        var call = new JsonObject { ["url"] = url, ["httpMethod"] = method, ["headers"] = headers };
        if (withBody)
        {
            call["requestBody"] = new JsonObject
            {
                ["json"] = new JsonObject
                {
                    ["name"] = "{{segment.name}}",
                    ["description"] = "{{segment.description}}",
                    ["aepAudienceId"] = "{{segment.id}}",
                    ["source"] = new JsonObject
                    {
                        ["imsOrg"] = "{{destination.imsOrgId}}",
                        ["sandbox"] = "{{destination.sandboxName}}",
                        ["destinationId"] = "{{destination.id}}",
                    },
                },
            };
            call["responseFields"] = new JsonArray(new JsonObject { ["name"] = "externalAudienceId", ["value"] = "{{body.externalAudienceId}}" });
        }
        call["responseErrorFields"] = new JsonArray(new JsonObject { ["name"] = "message", ["value"] = "{{body.detail}}" });
        return call;
    }
}
