using System.Globalization;
using System.Text.Json.Nodes;
using DestinationKit.Simulator.Audiences;
using DestinationKit.Simulator.Configuration;

namespace DestinationKit.Simulator.Streaming;

/// <summary>What a streaming run did: every request with its attempts, and the counts a report and CI need.</summary>
public sealed record StreamingResult
{
    public required string Destination { get; init; }

    public required string Endpoint { get; init; }

    public required AggregationSettings Aggregation { get; init; }

    public required StreamingAuthType AuthType { get; init; }

    public required string RetryPolicy { get; init; }

    public double TimeScale { get; init; }

    public int ProfilesGenerated { get; init; }

    public IReadOnlyList<RequestRecord> Requests { get; init; } = [];

    public int InvalidJsonBodies { get; init; }

    public int TokenRequests { get; init; }

    public AudienceReport? Audiences { get; init; }

    public TimeSpan Duration { get; init; }

    public int RequestsSent => Requests.Count(r => r.Attempts.Count > 0);

    public int RequestsAccepted => Requests.Count(r => r.Accepted);

    public int RequestsDropped => Requests.Count - RequestsAccepted;

    public int Attempts => Requests.Sum(r => r.Attempts.Count);

    /// <summary>Attempts after the first: AEP's retries.</summary>
    public int Retries => Requests.Sum(r => Math.Max(0, r.Attempts.Count - 1));

    public int ProfilesSent => Requests.Sum(r => r.Profiles);

    public int ProfilesAccepted => Requests.Where(r => r.Accepted).Sum(r => r.Profiles);

    public int ProfilesDropped => ProfilesSent - ProfilesAccepted;

    /// <summary>Every attempt's answer ("0": no answer).</summary>
    public IReadOnlyDictionary<string, int> StatusCodes => Count(Requests.SelectMany(r => r.Attempts).Select(a => Key(a.Status)));

    /// <summary>The answers that were retried.</summary>
    public IReadOnlyDictionary<string, int> RetriedByStatus => Count(Requests.SelectMany(r => r.Attempts).Where(a => a.DelayBeforeNext is not null).Select(a => Key(a.Status)));

    /// <summary>The final answer of each dropped request ("render": the template failed).</summary>
    public IReadOnlyDictionary<string, int> DroppedByStatus => Count(Requests.Where(r => !r.Accepted).Select(r => r.Attempts.Count == 0 ? "render" : Key(r.FinalStatus)));

    public bool Ok => RequestsDropped == 0 && InvalidJsonBodies == 0 && (Audiences?.Ok ?? true);

    private static string Key(int status) => status.ToString(CultureInfo.InvariantCulture);

    private static SortedDictionary<string, int> Count(IEnumerable<string> keys)
    {
        var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var k in keys) counts[k] = counts.GetValueOrDefault(k) + 1;
        return counts;
    }

    /// <summary>The machine-readable summary for CI (docs/simulator.md describes every field). Holds no credential.</summary>
    public JsonObject ToSummary()
    {
        var summary = new JsonObject
        {
            ["command"] = "simulate streaming",
            ["ok"] = Ok,
            ["destination"] = Destination,
            ["endpoint"] = Endpoint,
            ["auth"] = AuthType.ToString(),
            ["aggregation"] = new JsonObject
            {
                ["type"] = Aggregation.Kind == AggregationKind.BestEffort ? "BEST_EFFORT" : "CONFIGURABLE_AGGREGATION",
                ["maxUsersPerRequest"] = Aggregation.Kind == AggregationKind.BestEffort ? Aggregation.MaxUsersPerRequest : null,
                ["maxNumEventsInBatch"] = Aggregation.Kind == AggregationKind.Configurable ? Aggregation.MaxNumEventsInBatch : null,
                ["maxBatchAgeInSecs"] = Aggregation.Kind == AggregationKind.Configurable ? Aggregation.MaxBatchAgeInSecs : null,
                ["templateInput"] = Aggregation.SingleProfile ? "input.profile" : "input.profiles",
            },
            ["retryPolicy"] = RetryPolicy,
            ["timeScale"] = TimeScale,
            ["profilesGenerated"] = ProfilesGenerated,
            ["requests"] = new JsonObject
            {
                ["total"] = Requests.Count,
                ["sent"] = RequestsSent,
                ["accepted"] = RequestsAccepted,
                ["dropped"] = RequestsDropped,
                ["attempts"] = Attempts,
                ["retried"] = Retries,
            },
            ["profiles"] = new JsonObject { ["sent"] = ProfilesSent, ["accepted"] = ProfilesAccepted, ["dropped"] = ProfilesDropped },
            ["statusCodes"] = ToJson(StatusCodes),
            ["retriedByStatus"] = ToJson(RetriedByStatus),
            ["droppedByStatus"] = ToJson(DroppedByStatus),
            ["invalidJsonBodies"] = InvalidJsonBodies,
            ["tokenRequests"] = TokenRequests,
            ["durationMs"] = Math.Round(Duration.TotalMilliseconds),
        };
        if (Audiences is not null) summary["audiences"] = AudienceSummary.ToJson(Audiences);
        var errors = Requests.Where(r => r.Error is not null).Select(r => r.Error!).Distinct().Take(10).ToList();
        if (errors.Count > 0) summary["errors"] = new JsonArray([.. errors.Select(e => (JsonNode)e)]);
        return summary;
    }

    private static JsonObject ToJson(IReadOnlyDictionary<string, int> counts) =>
        new(counts.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value)));

    /// <summary>The readable report.</summary>
    public void Print(TextWriter writer)
    {
        writer.WriteLine();
        writer.WriteLine($"{Destination}: {ProfilesGenerated} profiles generated, {Requests.Count} requests ({StreamingSimulator.Describe(Aggregation)})");
        writer.WriteLine($"  requests  sent {RequestsSent,7}  accepted {RequestsAccepted,7}  dropped {RequestsDropped,7}  attempts {Attempts,7}  retried {Retries,7}");
        writer.WriteLine($"  profiles  sent {ProfilesSent,7}  accepted {ProfilesAccepted,7}  dropped {ProfilesDropped,7}");
        writer.WriteLine($"  answers   {Format(StatusCodes)}");
        if (RetriedByStatus.Count > 0) writer.WriteLine($"  retried   {Format(RetriedByStatus)}   ({RetryPolicy})");
        if (DroppedByStatus.Count > 0) writer.WriteLine($"  dropped   {Format(DroppedByStatus)}");
        if (InvalidJsonBodies > 0) writer.WriteLine($"  {InvalidJsonBodies} rendered bodies were not valid JSON");
        if (TokenRequests > 0) writer.WriteLine($"  OAuth 2.0 token requests: {TokenRequests}");
        foreach (var error in Requests.Where(r => r.Error is not null).Select(r => r.Error!).Distinct().Take(5)) writer.WriteLine($"  error: {error}");
        if (Audiences is not null) AudienceSummary.Print(Audiences, writer);
        writer.WriteLine(Ok ? "OK: every request was accepted." : "NOT OK: see dropped requests above.");
    }

    private static string Format(IReadOnlyDictionary<string, int> counts) =>
        string.Join("  ", counts.Select(p => $"{(p.Key == "0" ? "no answer" : p.Key)}: {p.Value}"));
}
