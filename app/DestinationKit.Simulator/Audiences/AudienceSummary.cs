using System.Text.Json.Nodes;

namespace DestinationKit.Simulator.Audiences;

/// <summary>The readable and the machine-readable form of an <see cref="AudienceReport"/>.</summary>
public static class AudienceSummary
{
    public static JsonObject ToJson(AudienceReport report) => new()
    {
        ["ok"] = report.Ok,
        ["audiences"] = new JsonArray([.. report.Audiences.Select(a => (JsonNode)new JsonObject
        {
            ["segmentId"] = a.SegmentId,
            ["name"] = a.Name,
            ["externalAudienceId"] = a.ExternalAudienceId,
            ["stableOnRepeatedCreate"] = a.StableOnRepeatedCreate,
            ["updated"] = a.Updated,
            ["deleted"] = a.Deleted,
            ["ok"] = a.Ok,
        })]),
        ["calls"] = new JsonArray([.. report.Calls.Select(c => (JsonNode)new JsonObject
        {
            ["event"] = c.Event,
            ["segmentId"] = c.SegmentId,
            ["method"] = c.Method,
            ["url"] = c.Url,
            ["status"] = c.Status,
            ["externalAudienceId"] = c.ExternalAudienceId,
            ["error"] = c.ErrorMessage,
            ["ms"] = Math.Round(c.Milliseconds, 1),
        })]),
    };

    public static void Print(AudienceReport report, TextWriter writer)
    {
        writer.WriteLine($"  audiences {report.Audiences.Count(a => a.Ok)}/{report.Audiences.Count} ok, {report.Calls.Count} calls");
        foreach (var c in report.Calls)
        {
            writer.WriteLine($"    {c.Event,-6} {c.Method,-6} {c.Status,3}  {c.SegmentId} -> {c.ExternalAudienceId ?? "-"}{(c.ErrorMessage is null ? "" : "  error: " + c.ErrorMessage)}");
        }
        foreach (var a in report.Audiences.Where(a => a.StableOnRepeatedCreate == false))
        {
            writer.WriteLine($"    a repeated create of {a.SegmentId} returned another externalAudienceId");
        }
    }
}
