using System.Text.Json.Nodes;
using DestinationKit.Simulator.Configuration;
using DestinationKit.Simulator.Streaming;

namespace DestinationKit.Simulator.Tests.Streaming;

public class AggregatorTests
{
    private static JsonObject Profile(string id, params (string Segment, string Status)[] memberships) => new()
    {
        ["segmentMembership"] = new JsonObject
        {
            ["ups"] = new JsonObject(memberships.Select(m => KeyValuePair.Create(m.Segment, (JsonNode?)new JsonObject { ["status"] = m.Status }))),
        },
        ["identityMap"] = new JsonObject
        {
            ["email"] = new JsonArray(new JsonObject { ["id"] = id + "@example.com" }),
            ["crm"] = new JsonArray(new JsonObject { ["id"] = id }, new JsonObject { ["id"] = id + "-b" }),
        },
        ["attributes"] = new JsonObject(),
    };

    [Fact]
    public void Best_effort_sends_a_request_whenever_max_users_per_request_profiles_are_waiting()
    {
        var aggregator = new Aggregator(new AggregationSettings { Kind = AggregationKind.BestEffort, MaxUsersPerRequest = 3 });
        var batches = Enumerable.Range(0, 7).SelectMany(i => aggregator.Add(Profile("p" + i, ("s1", "realized")), TimeSpan.Zero)).ToList();
        batches.AddRange(aggregator.Drain(TimeSpan.Zero));

        Assert.Equal([3, 3, 1], batches.Select(b => b.Profiles.Count));
        Assert.All(batches, b => Assert.Null(b.AggregationKey));
        Assert.Equal("p6", ((string)batches[2].Profiles[0]["identityMap"]!["crm"]![0]!["id"]!));
    }

    [Fact]
    public void Single_profile_input_only_for_best_effort_with_one_user_a_request()
    {
        Assert.True(new AggregationSettings { Kind = AggregationKind.BestEffort, MaxUsersPerRequest = 1 }.SingleProfile);
        Assert.False(new AggregationSettings { Kind = AggregationKind.BestEffort, MaxUsersPerRequest = 2 }.SingleProfile);
        Assert.False(new AggregationSettings { Kind = AggregationKind.Configurable, MaxNumEventsInBatch = 1 }.SingleProfile);
    }

    [Fact]
    public void Configurable_groups_by_audience_and_status_and_flushes_at_max_events()
    {
        var settings = new AggregationSettings
        {
            Kind = AggregationKind.Configurable,
            MaxNumEventsInBatch = 2,
            MaxBatchAgeInSecs = 1800,
            Key = new AggregationKeySettings(IncludeSegmentId: true, IncludeSegmentStatus: true, false, false, []),
        };
        var aggregator = new Aggregator(settings, (_, segment) => "alias-" + segment);

        var first = aggregator.Add(Profile("a", ("s1", "realized"), ("s2", "exited")), TimeSpan.Zero);
        Assert.Empty(first);
        var second = aggregator.Add(Profile("b", ("s1", "realized"), ("s2", "realized")), TimeSpan.FromSeconds(1));

        // s1/realized now holds two profiles: full. s2/exited and s2/realized hold one each.
        var full = Assert.Single(second);
        Assert.Equal(2, full.Profiles.Count);
        Assert.Equal("s1", (string)full.AggregationKey!["segmentId"]!);
        Assert.Equal("realized", (string)full.AggregationKey["segmentStatus"]!);
        Assert.Equal("alias-s1", (string)full.AggregationKey["segmentAlias"]!);
        Assert.Equal("ups", (string)full.AggregationKey["segmentNamespace"]!);
        // Each profile object carries only the membership of its group.
        Assert.All(full.Profiles, p => Assert.Equal(["s1"], ((JsonObject)p["segmentMembership"]!["ups"]!).Select(e => e.Key)));
        Assert.Equal(2, aggregator.Pending);
    }

    [Fact]
    public void Configurable_flushes_a_group_when_its_first_profile_reaches_max_batch_age()
    {
        var settings = new AggregationSettings { Kind = AggregationKind.Configurable, MaxNumEventsInBatch = 1000, MaxBatchAgeInSecs = 1800 };
        var aggregator = new Aggregator(settings);
        Assert.Empty(aggregator.Add(Profile("a", ("s1", "realized")), TimeSpan.FromSeconds(100)));
        Assert.Empty(aggregator.Add(Profile("b", ("s1", "realized")), TimeSpan.FromSeconds(1000)));
        Assert.Equal(TimeSpan.FromSeconds(1900), aggregator.NextDeadline);
        Assert.Empty(aggregator.Due(TimeSpan.FromSeconds(1899)));

        var aged = Assert.Single(aggregator.Due(TimeSpan.FromSeconds(1900)));
        Assert.Equal(2, aged.Profiles.Count);
        Assert.Equal(TimeSpan.FromSeconds(100), aged.FirstEventAt);
        Assert.Null(aggregator.NextDeadline);

        // A profile arriving after the deadline first flushes what came of age.
        Assert.Empty(aggregator.Add(Profile("c", ("s1", "realized")), TimeSpan.FromSeconds(2000)));
        var flushed = aggregator.Add(Profile("d", ("s1", "realized")), TimeSpan.FromSeconds(3800));
        Assert.Equal(["c"], flushed.SelectMany(b => b.Profiles).Select(p => (string)p["identityMap"]!["crm"]![0]!["id"]!));
    }

    [Fact]
    public void Identity_groups_and_split_user_by_id_shape_the_identity_map()
    {
        var grouped = new Aggregator(new AggregationSettings
        {
            Kind = AggregationKind.Configurable,
            Key = new AggregationKeySettings(false, false, false, OneIdentityPerGroup: true, []),
        });
        var units = grouped.Units(Profile("a", ("s1", "realized"))).ToList();
        Assert.Equal(2, units.Count);
        Assert.Equal(["email"], ((JsonObject)units[0].Profile["identityMap"]!).Select(e => e.Key));
        Assert.Equal("[\"crm\"]", units[1].KeyJson!["identityNamespaces"]!.ToJsonString());

        var split = new Aggregator(new AggregationSettings { Kind = AggregationKind.BestEffort, MaxUsersPerRequest = 10, SplitUserById = true });
        var identities = split.Units(Profile("a", ("s1", "realized"))).Select(u => u.Profile["identityMap"]!.ToJsonString()).ToList();
        Assert.Equal(["{\"email\":[{\"id\":\"a@example.com\"}]}", "{\"crm\":[{\"id\":\"a\"}]}", "{\"crm\":[{\"id\":\"a-b\"}]}"], identities);
    }

    [Fact]
    public void Reads_the_aggregation_policy_of_the_destination_configuration()
    {
        var configurable = AggregationSettings.FromJson(JsonNode.Parse("""
            {"aggregationType": "CONFIGURABLE_AGGREGATION", "configurableAggregation": {"splitUserById": true, "maxBatchAgeInSecs": 3600,
             "maxNumEventsInBatch": 5000, "aggregationKey": {"includeSegmentId": true, "includeSegmentStatus": true,
             "groups": [{"namespaces": ["IDFA", "GAID"]}, {"namespaces": ["EMAIL"]}]}}}
            """)!.AsObject());
        Assert.Equal(AggregationKind.Configurable, configurable.Kind);
        Assert.Equal((5000, 3600, true), (configurable.MaxNumEventsInBatch, configurable.MaxBatchAgeInSecs, configurable.SplitUserById));
        Assert.Equal(["IDFA", "GAID"], configurable.Key!.Groups[0]);
        Assert.True(configurable.Key.IncludeSegmentStatus);

        var bestEffort = AggregationSettings.FromJson(JsonNode.Parse("""
            {"aggregationType": "BEST_EFFORT", "bestEffortAggregation": {"maxUsersPerRequest": 50, "splitUserById": false}}
            """)!.AsObject());
        Assert.Equal((AggregationKind.BestEffort, 50), (bestEffort.Kind, bestEffort.MaxUsersPerRequest));
    }
}
