using System.Text.Json.Nodes;
using DestinationKit.Simulator.Configuration;

namespace DestinationKit.Simulator.Streaming;

/// <summary>What one HTTP call carries: the profiles (as the template sees them) and, when the policy has an
/// aggregation key, the key of the group (<c>input.aggregationKey</c>).</summary>
public sealed record AepBatch(IReadOnlyList<JsonObject> Profiles, JsonObject? AggregationKey, TimeSpan FirstEventAt, TimeSpan FlushedAt);

/// <summary>Groups profiles into requests as AEP's aggregation policy says (shared/AEP.md §1.4), on a virtual clock
/// (time since the run started) so that the caller can scale time.
/// Best effort: up to <c>maxUsersPerRequest</c> profiles a request, sent as soon as a request is full.
/// Configurable: profiles grouped by the aggregation key (audience, status, identity namespaces); a group is sent when it
/// holds <c>maxNumEventsInBatch</c> profiles or its first profile is <c>maxBatchAgeInSecs</c> old, whichever comes first.
/// <c>splitUserById</c>: one identity per profile object.</summary>
public sealed class Aggregator(AggregationSettings settings, Func<string, string, string?>? alias = null)
{
    private sealed class Group(string key, JsonObject? aggregationKey, TimeSpan firstAt)
    {
        public string Key { get; } = key;

        public JsonObject? AggregationKey { get; } = aggregationKey;

        public TimeSpan FirstAt { get; } = firstAt;

        public List<JsonObject> Profiles { get; } = [];
    }

    // Insertion-ordered so that draining is deterministic.
    private readonly List<Group> groups = [];

    public AggregationSettings Settings { get; } = settings;

    private int Limit => Settings.Kind == AggregationKind.BestEffort ? Math.Max(1, Settings.MaxUsersPerRequest) : Math.Max(1, Settings.MaxNumEventsInBatch);

    private TimeSpan MaxAge => TimeSpan.FromSeconds(Settings.MaxBatchAgeInSecs);

    /// <summary>When the oldest open configurable group comes of age; null when nothing waits on time.</summary>
    public TimeSpan? NextDeadline => Settings.Kind == AggregationKind.Configurable && groups.Count > 0
        ? groups.Min(g => g.FirstAt) + MaxAge
        : null;

    public int Pending => groups.Sum(g => g.Profiles.Count);

    /// <summary>Adds a profile at virtual time <paramref name="at"/>; returns the requests that became due (full groups,
    /// and groups that came of age by then).</summary>
    public IReadOnlyList<AepBatch> Add(JsonObject profile, TimeSpan at)
    {
        var due = new List<AepBatch>(Due(at));
        foreach (var (unit, key, keyJson) in Units(profile))
        {
            var group = groups.Find(g => g.Key == key);
            if (group is null)
            {
                group = new Group(key, keyJson, at);
                groups.Add(group);
            }
            group.Profiles.Add(unit);
            if (group.Profiles.Count >= Limit)
            {
                groups.Remove(group);
                due.Add(new AepBatch(group.Profiles, group.AggregationKey, group.FirstAt, at));
            }
        }
        return due;
    }

    /// <summary>Configurable groups whose first profile is at least maxBatchAgeInSecs old at <paramref name="at"/>.</summary>
    public IReadOnlyList<AepBatch> Due(TimeSpan at)
    {
        if (Settings.Kind != AggregationKind.Configurable) return [];
        var aged = groups.Where(g => at - g.FirstAt >= MaxAge).ToList();
        foreach (var g in aged) groups.Remove(g);
        return [.. aged.Select(g => new AepBatch(g.Profiles, g.AggregationKey, g.FirstAt, at))];
    }

    /// <summary>Everything still open. Best effort sends it at once; configurable groups go when they come of age, so
    /// the caller drains at <see cref="NextDeadline"/> to be faithful.</summary>
    public IReadOnlyList<AepBatch> Drain(TimeSpan at)
    {
        var all = groups.Select(g => new AepBatch(g.Profiles, g.AggregationKey, g.FirstAt, at)).ToList();
        groups.Clear();
        return all;
    }

    /// <summary>The profile objects one AEP profile becomes, each with its group key.</summary>
    internal IEnumerable<(JsonObject Profile, string Key, JsonObject? KeyJson)> Units(JsonObject profile)
    {
        var key = Settings.Key;
        IEnumerable<(JsonObject Profile, JsonObject KeyParts)> units = [(profile, new JsonObject())];

        if (key is { IncludeSegmentId: true })
        {
            units = units.SelectMany(u => BySegment(u.Profile, key.IncludeSegmentStatus));
        }
        if (key is not null && (key.Groups.Count > 0 || key.OneIdentityPerGroup || key.IncludeIdentity))
        {
            units = units.SelectMany(u => ByIdentityGroup(u.Profile, u.KeyParts, key));
        }
        if (Settings.SplitUserById)
        {
            units = units.SelectMany(u => ByIdentity(u.Profile, u.KeyParts));
        }
        foreach (var (p, parts) in units)
        {
            yield return key is null ? (p, "", null) : (p, parts.ToJsonString(), parts);
        }
    }

    private IEnumerable<(JsonObject, JsonObject)> BySegment(JsonObject profile, bool includeStatus)
    {
        if (profile["segmentMembership"] is not JsonObject memberships) yield break;
        foreach (var (ns, byId) in memberships)
        {
            if (byId is not JsonObject segments) continue;
            foreach (var (segmentId, membership) in segments)
            {
                var copy = (JsonObject)profile.DeepClone();
                copy["segmentMembership"] = new JsonObject { [ns] = new JsonObject { [segmentId] = membership?.DeepClone() } };
                var parts = new JsonObject
                {
                    ["segmentId"] = segmentId,
                    ["segmentNamespace"] = ns,
                    ["segmentAlias"] = alias?.Invoke(ns, segmentId) ?? segmentId,
                };
                if (includeStatus) parts["segmentStatus"] = (string?)membership?["status"];
                yield return (copy, parts);
            }
        }
    }

    private static IEnumerable<(JsonObject, JsonObject)> ByIdentityGroup(JsonObject profile, JsonObject parts, AggregationKeySettings key)
    {
        if (profile["identityMap"] is not JsonObject identityMap) yield break;
        IEnumerable<IReadOnlyList<string>> groupsOf = key.Groups.Count > 0 && !key.OneIdentityPerGroup
            ? key.Groups
            : identityMap.Select(p => (IReadOnlyList<string>)[p.Key]);
        foreach (var group in groupsOf)
        {
            var present = group.Where(identityMap.ContainsKey).ToList();
            if (present.Count == 0) continue;
            var copy = (JsonObject)profile.DeepClone();
            copy["identityMap"] = new JsonObject(present.Select(ns => KeyValuePair.Create(ns, identityMap[ns]?.DeepClone())));
            var withGroup = (JsonObject)parts.DeepClone();
            withGroup["identityNamespaces"] = new JsonArray([.. present.Select(ns => (JsonNode)ns)]);
            yield return (copy, withGroup);
        }
    }

    private static IEnumerable<(JsonObject, JsonObject)> ByIdentity(JsonObject profile, JsonObject parts)
    {
        if (profile["identityMap"] is not JsonObject identityMap) yield break;
        foreach (var (ns, ids) in identityMap)
        {
            foreach (var id in (ids as JsonArray ?? []).OfType<JsonObject>())
            {
                var copy = (JsonObject)profile.DeepClone();
                copy["identityMap"] = new JsonObject { [ns] = new JsonArray(id.DeepClone()) };
                yield return (copy, parts);
            }
        }
    }
}
