using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using DestinationKit.Model.Aep;
using DestinationKit.Model.Spec;
using DestinationKit.Simulator.Pebble;
using static DestinationKit.Model.Tests.Configs;

namespace DestinationKit.Model.Tests.Aep;

/// <summary>The streaming request template rendered by the simulator's Pebble renderer over AEP-shaped input
/// (shared/AEP.md §1.2): the output must parse as JSON, satisfy the streaming contract
/// (docs/contract/profiles-v1.md) and carry every value exactly, whatever characters it holds.</summary>
public class StreamingTemplateTests
{
    /// <summary>Strings that break naive templates: quotes, backslashes, line breaks, control characters, Pebble and
    /// HTML syntax, non-ASCII letters, emoji (a surrogate pair), JSON's own escapes spelled out.</summary>
    private static readonly string[] Hostile =
    [
        "quote\"inside",
        "back\\slash\\\\double",
        "line\nbreak\r\nand\ttab",
        "ctrl\u0000\u0001\u0008\u000b\u000c\u001f\u007f",
        "caf\u00e9 \u00c9lodie",
        "\u4e2d\u6587\u540d\u5b57",
        "emoji \ud83d\ude00\ud83d\udc68\u200d\ud83d\udc69\u200d\ud83d\udc67",
        "separators \u2028\u2029",
        "pebble {{ input }} {% if x %} {# c #}",
        "</script><b>&amp;</b>'single'",
        "\\u0041 is not A",
        " leading and trailing ",
        "",
    ];

    private static PebbleTemplate Template(DestinationSpec spec) => PebbleTemplate.Parse(StreamingTemplate.For(spec));

    private static readonly string[] StreamingCases = [.. ValidCases.Keys.Where(k => k.StartsWith("streaming-", StringComparison.Ordinal))];

    public static TheoryData<string> StreamingCaseNames => [.. StreamingCases];

    [Theory]
    [MemberData(nameof(StreamingCaseNames))]
    public void The_template_uses_only_what_aep_allows(string name)
    {
        // Parse rejects tags other than for/if/set/filter, the range function and filters AEP does not offer.
        var template = Template(ParseValid(name));
        Assert.NotNull(template);
    }

    [Fact]
    public void Batch_destinations_have_no_streaming_template()
    {
        Assert.Throws<ArgumentException>(() => StreamingTemplate.For(ParseValid("aws-s3")));
    }

    [Fact]
    public void Several_profiles_under_best_effort()
    {
        var spec = ParseValid("streaming-aws-api-key");
        Assert.Equal(100, spec.Streaming!.Aggregation.MaxUsersPerRequest);
        var profiles = new JsonArray(
            Profile(
                identities: new() { ["email_lc_sha256"] = Ids("3f1a9c"), ["crm_id"] = Ids("C-000123", "C-000987") },
                memberships: new() { ["ups"] = Segments(("seg-1", "realized", "2024-03-02T10:15:00Z"), ("seg-2", "exited", "2024-03-01T08:00:00.000+0000")) },
                attributes: new() { ["firstName"] = new JsonObject { ["value"] = "Ada" }, ["loyaltyPoints"] = new JsonObject() }),
            Profile(
                identities: new() { ["email_lc_sha256"] = Ids("77aa") },
                memberships: new()
                {
                    ["ups"] = Segments(("seg-3", "existing", null)),
                    ["CustomerAudienceUpload"] = Segments(("upload-1", "realized", "2024-03-03T00:00:00Z")),
                },
                attributes: new()),
            Profile(
                identities: new() { ["crm_id"] = Ids("C-1") },
                memberships: new() { ["ups"] = Segments(("seg-1", "exited", "2024-03-04T00:00:00Z")) },
                attributes: null));
        var aliases = new JsonObject { ["ups"] = new JsonObject { ["seg-1"] = "acme-aud-771", ["seg-2"] = "acme-aud-115" } };

        var output = RenderValid(spec, new JsonObject { ["profiles"] = profiles }, aliases);

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""
            {"schemaVersion":1,"profiles":[
              {"identities":{"email_lc_sha256":["3f1a9c"],"crm_id":["C-000123","C-000987"]},
               "audiences":{"ups":{"acme-aud-771":{"status":"realized","qualifiedAt":"2024-03-02T10:15:00Z"},
                                   "acme-aud-115":{"status":"exited","qualifiedAt":"2024-03-01T08:00:00.000+0000"}}},
               "attributes":{"firstName":"Ada","loyaltyPoints":null}},
              {"identities":{"email_lc_sha256":["77aa"]},
               "audiences":{"ups":{"seg-3":{"status":"existing"}},"CustomerAudienceUpload":{"upload-1":{"status":"realized","qualifiedAt":"2024-03-03T00:00:00Z"}}},
               "attributes":{}},
              {"identities":{"crm_id":["C-1"]},"audiences":{"ups":{"acme-aud-771":{"status":"exited","qualifiedAt":"2024-03-04T00:00:00Z"}}},"attributes":{}}
            ]}
            """), output), output.ToJsonString());
        // The order AEP gives is kept.
        Assert.Equal(["email_lc_sha256", "crm_id"], output["profiles"]![0]!["identities"]!.AsObject().Select(p => p.Key));
    }

    [Fact]
    public void One_profile_a_request_reads_input_profile()
    {
        var spec = ParseValid("streaming-gcp-api-key");
        Assert.Equal((AggregationType.BestEffort, 1), (spec.Streaming!.Aggregation.Type, spec.Streaming.Aggregation.MaxUsersPerRequest));
        var profile = Profile(
            identities: new() { ["email_lc_sha256"] = Ids("abc") },
            memberships: new() { ["ups"] = Segments(("seg-1", "realized", "2024-03-02T10:15:00Z")) },
            attributes: new() { ["tier"] = "gold" });

        var output = RenderValid(spec, new JsonObject { ["profile"] = profile }, new JsonObject { ["ups"] = new JsonObject { ["seg-1"] = "typed-by-customer" } });

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""
            {"schemaVersion":1,"profiles":[{"identities":{"email_lc_sha256":["abc"]},
              "audiences":{"ups":{"typed-by-customer":{"status":"realized","qualifiedAt":"2024-03-02T10:15:00Z"}}},"attributes":{"tier":"gold"}}]}
            """), output), output.ToJsonString());
    }

    [Fact]
    public void The_single_profile_template_is_used_only_for_one_user_a_request()
    {
        Assert.Contains("input.profile -%}", StreamingTemplate.For(ParseValid("streaming-gcp-api-key")), StringComparison.Ordinal);
        foreach (var name in StreamingCases.Where(n => n != "streaming-gcp-api-key"))
        {
            var template = StreamingTemplate.For(ParseValid(name));
            Assert.Contains("for p in input.profiles", template, StringComparison.Ordinal);
            Assert.DoesNotContain("input.profile ", template, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Configurable_aggregation_with_aep_ids()
    {
        var spec = ParseValid("streaming-azure-api-key");
        Assert.Equal((AggregationType.Configurable, AudienceMapping.AepId), (spec.Streaming!.Aggregation.Type, spec.Aep.AudienceMapping));
        var profiles = new JsonArray([.. Enumerable.Range(0, 250).Select(i => (JsonNode)Profile(
            identities: new() { ["IDFA"] = Ids($"idfa-{i}"), ["GAID"] = Ids() },
            memberships: new() { ["ups"] = Segments(("seg-1", i % 2 == 0 ? "realized" : "exited", "2024-03-02T10:15:00Z")) },
            attributes: new()))]);
        var input = new JsonObject
        {
            ["profiles"] = profiles,
            ["aggregationKey"] = new JsonObject { ["segmentId"] = "seg-1", ["segmentStatus"] = "realized", ["identityNamespaces"] = new JsonArray("IDFA", "GAID") },
        };

        // AEP ids are used even where an alias exists.
        var output = RenderValid(spec, input, new JsonObject { ["ups"] = new JsonObject { ["seg-1"] = "alias-not-used" } });

        var rendered = output["profiles"]!.AsArray();
        Assert.Equal(250, rendered.Count);
        for (var i = 0; i < 250; i++)
        {
            var expected = new JsonObject
            {
                ["identities"] = new JsonObject { ["IDFA"] = new JsonArray($"idfa-{i}"), ["GAID"] = new JsonArray() },
                ["audiences"] = new JsonObject
                {
                    ["ups"] = new JsonObject { ["seg-1"] = new JsonObject { ["status"] = i % 2 == 0 ? "realized" : "exited", ["qualifiedAt"] = "2024-03-02T10:15:00Z" } },
                },
                ["attributes"] = new JsonObject(),
            };
            Assert.True(JsonNode.DeepEquals(expected, rendered[i]), rendered[i]!.ToJsonString());
        }
    }

    [Theory]
    [InlineData("streaming-aws-api-key", AudienceMapping.Api)]
    [InlineData("streaming-gcp-api-key", AudienceMapping.UserInput)]
    [InlineData("streaming-azure-api-key", AudienceMapping.AepId)]
    public void Audience_ids_are_aliases_with_the_aep_id_as_fallback_unless_aep_ids_are_mapped(string name, AudienceMapping mapping)
    {
        var spec = ParseValid(name);
        Assert.Equal(mapping, spec.Aep.AudienceMapping);
        var profile = Profile(
            identities: new() { ["email_lc_sha256"] = Ids("x") },
            memberships: new()
            {
                ["ups"] = Segments(("with-alias", "realized", null), ("without-alias", "realized", null)),
                ["CustomerAudienceUpload"] = Segments(("with-alias", "exited", null)),
            },
            attributes: new());
        var aliases = new JsonObject { ["ups"] = new JsonObject { ["with-alias"] = "our-771" } };

        var output = RenderValid(spec, Input(spec, profile), aliases);
        var audiences = output["profiles"]![0]!["audiences"]!;

        var expected = mapping == AudienceMapping.AepId
            ? """{"ups":{"with-alias":{"status":"realized"},"without-alias":{"status":"realized"}},"CustomerAudienceUpload":{"with-alias":{"status":"exited"}}}"""
            // Aliases are looked up per audience namespace: the upload namespace has none, so its AEP id is sent.
            : """{"ups":{"our-771":{"status":"realized"},"without-alias":{"status":"realized"}},"CustomerAudienceUpload":{"with-alias":{"status":"exited"}}}""";
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), audiences), audiences.ToJsonString());

        // Without any namespaceSegmentAliases at all (AEP has not created the audience yet) the AEP id stands in.
        var withoutAliases = RenderValid(spec, Input(spec, profile), aliases: null);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"ups":{"with-alias":{"status":"realized"},"without-alias":{"status":"realized"}},"CustomerAudienceUpload":{"with-alias":{"status":"exited"}}}"""),
            withoutAliases["profiles"]![0]!["audiences"]), withoutAliases.ToJsonString());
    }

    [Fact]
    public void Attributes_freeform_empty_null_and_predefined()
    {
        var spec = ParseValid("streaming-aws-oauth2-app");
        var profile = Profile(
            identities: new() { ["email_lc_sha256"] = Ids("x") },
            memberships: new(),
            attributes: new()
            {
                ["freeform"] = new JsonObject { ["value"] = "Ada" },
                ["freeformAbsent"] = new JsonObject(),
                ["freeformNull"] = new JsonObject { ["value"] = null },
                ["freeformNumber"] = new JsonObject { ["value"] = 42 },
                ["freeformBoolean"] = new JsonObject { ["value"] = true },
                ["freeformEmpty"] = new JsonObject { ["value"] = "" },
                ["predefined"] = "Lovelace",
                ["predefinedNumber"] = 1815,
                ["predefinedDecimal"] = 12.5,
                ["predefinedBoolean"] = false,
                ["predefinedNull"] = null,
            });

        var output = RenderValid(spec, Input(spec, profile), aliases: null);

        // Values arrive as strings (the contract's attribute values), absent ones as null.
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""
            {"freeform":"Ada","freeformAbsent":null,"freeformNull":null,"freeformNumber":"42","freeformBoolean":"true","freeformEmpty":"",
             "predefined":"Lovelace","predefinedNumber":"1815","predefinedDecimal":"12.5","predefinedBoolean":"false","predefinedNull":null}
            """), output["profiles"]![0]!["attributes"]), output.ToJsonString());
    }

    [Fact]
    public void Empty_identity_lists_and_memberships()
    {
        var spec = ParseValid("streaming-aws-api-key");
        var profiles = new JsonArray(
            Profile(identities: new() { ["email_lc_sha256"] = Ids(), ["crm_id"] = Ids("C-1") }, memberships: new(), attributes: new()),
            Profile(identities: new() { ["crm_id"] = Ids("C-2") }, memberships: new() { ["ups"] = new JsonObject() }, attributes: new()),
            Profile(identities: new() { ["crm_id"] = Ids("C-3"), ["email_lc_sha256"] = Ids() }, memberships: new() { ["ups"] = new JsonObject(), ["other"] = new JsonObject() }, attributes: new()));

        var output = RenderValid(spec, new JsonObject { ["profiles"] = profiles }, aliases: null);

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""
            {"schemaVersion":1,"profiles":[
              {"identities":{"email_lc_sha256":[],"crm_id":["C-1"]},"audiences":{},"attributes":{}},
              {"identities":{"crm_id":["C-2"]},"audiences":{"ups":{}},"attributes":{}},
              {"identities":{"crm_id":["C-3"],"email_lc_sha256":[]},"audiences":{"ups":{},"other":{}},"attributes":{}}]}
            """), output), output.ToJsonString());
    }

    public static TheoryData<string> HostileCases => [.. StreamingCases];

    [Theory]
    [MemberData(nameof(HostileCases))]
    public void Hostile_values_arrive_exactly(string name)
    {
        var spec = ParseValid(name);
        var aep = spec.Aep.AudienceMapping == AudienceMapping.AepId;
        var identityMap = new JsonObject { ["email_lc_sha256"] = Ids(Hostile) };
        var memberships = new JsonObject();
        var aliases = new JsonObject();
        var attributes = new JsonObject();
        var expectedAudiences = new JsonObject();
        var expectedAttributes = new JsonObject();
        for (var i = 0; i < Hostile.Length; i++)
        {
            var h = Hostile[i];
            var key = $"{h}#{i}"; // object keys must be unique (and the empty string is a valid key)
            identityMap[$"ns {key}"] = Ids(h);
            var segment = $"seg {key}";
            memberships[segment] = new JsonObject { ["status"] = i % 2 == 0 ? "realized" : "exited", ["lastQualificationTime"] = h };
            if (i % 3 != 0) aliases[segment] = $"alias {key}";
            expectedAudiences[aep || i % 3 == 0 ? segment : $"alias {key}"] = new JsonObject { ["status"] = i % 2 == 0 ? "realized" : "exited", ["qualifiedAt"] = h };
            attributes[$"free {key}"] = new JsonObject { ["value"] = h };
            attributes[$"plain {key}"] = h;
            expectedAttributes[$"free {key}"] = h;
            expectedAttributes[$"plain {key}"] = h;
        }
        var profile = Profile(identityMap, new JsonObject { [Hostile[0]] = memberships }, attributes);

        var output = RenderValid(spec, Input(spec, profile), new JsonObject { [Hostile[0]] = aliases });

        var rendered = output["profiles"]![0]!;
        var identities = rendered["identities"]!.AsObject();
        Assert.Equal(Hostile, identities["email_lc_sha256"]!.AsArray().Select(v => v!.GetValue<string>()));
        for (var i = 0; i < Hostile.Length; i++)
            Assert.Equal(Hostile[i], Assert.Single(identities[$"ns {Hostile[i]}#{i}"]!.AsArray())!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(new JsonObject { [Hostile[0]] = expectedAudiences }, rendered["audiences"]), rendered["audiences"]!.ToJsonString());
        Assert.True(JsonNode.DeepEquals(expectedAttributes, rendered["attributes"]), rendered["attributes"]!.ToJsonString());
    }

    [Fact]
    public void The_rendered_text_is_plain_json_that_strict_parsers_accept()
    {
        var spec = ParseValid("streaming-aws-api-key");
        var profile = Profile(new() { ["email_lc_sha256"] = Ids(Hostile) }, new() { ["ups"] = Segments(("s", "realized", "\u2028")) }, new() { ["a"] = "\u0000" });

        var text = Template(spec).Render(new JsonObject
        {
            ["input"] = new JsonObject { ["profiles"] = new JsonArray(profile) },
            ["destination"] = new JsonObject(),
        });

        using var document = JsonDocument.Parse(text, new JsonDocumentOptions { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow });
        // No raw control characters: every one is escaped (a raw one would make JsonDocument fail above).
        Assert.DoesNotContain(text, c => c < 0x20 && c != '\n');
        Assert.Equal("\u2028", document.RootElement.GetProperty("profiles")[0].GetProperty("audiences").GetProperty("ups").GetProperty("s").GetProperty("qualifiedAt").GetString());
    }

    // ---- helpers ----

    private static JsonObject Input(DestinationSpec spec, JsonObject profile) =>
        spec.Streaming!.Aggregation is { Type: AggregationType.BestEffort, MaxUsersPerRequest: 1 }
            ? new JsonObject { ["profile"] = profile.DeepClone() }
            : new JsonObject { ["profiles"] = new JsonArray(profile.DeepClone()) };

    /// <summary>Renders, parses strictly and validates against the contract.</summary>
    private static JsonObject RenderValid(DestinationSpec spec, JsonObject input, JsonObject? aliases)
    {
        var destination = new JsonObject();
        if (aliases is not null) destination["namespaceSegmentAliases"] = aliases.DeepClone();
        var text = Template(spec).Render(new JsonObject { ["input"] = input, ["destination"] = destination });

        JsonNode? parsed;
        try
        {
            parsed = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow });
        }
        catch (JsonException e)
        {
            throw new Xunit.Sdk.XunitException($"the rendered template is not JSON ({e.Message}):{Environment.NewLine}{text}");
        }
        var problems = Contract.Problems(parsed);
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems) + Environment.NewLine + text);
        return parsed!.AsObject();
    }

    private static JsonObject Profile(JsonObject identities, JsonObject memberships, JsonObject? attributes)
    {
        var profile = new JsonObject { ["segmentMembership"] = memberships, ["identityMap"] = identities };
        if (attributes is not null) profile["attributes"] = attributes;
        return profile;
    }

    private static JsonArray Ids(params string[] ids) => new([.. ids.Select(id => (JsonNode)new JsonObject { ["id"] = id })]);

    private static JsonObject Segments(params (string Id, string Status, string? QualifiedAt)[] segments)
    {
        var result = new JsonObject();
        foreach (var (id, status, qualifiedAt) in segments)
        {
            var membership = new JsonObject();
            if (qualifiedAt is not null) membership["lastQualificationTime"] = qualifiedAt;
            membership["status"] = status;
            result[id] = membership;
        }
        return result;
    }

    /// <summary>docs/contract/profiles-v1.md, checked by hand; the status values and limits are read from the
    /// contract's JSON Schema so the two cannot drift apart unnoticed.</summary>
    private static class Contract
    {
        private static readonly JsonNode Schema = JsonNode.Parse(File.ReadAllText(Path.Combine(
            typeof(StreamingTemplateTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!,
            "docs", "contract", "profiles-v1.schema.json")))!;

        private static readonly string[] Statuses = [.. Schema["$defs"]!["membership"]!["properties"]!["status"]!["enum"]!.AsArray().Select(s => s!.GetValue<string>())];

        private static readonly int MaxProfiles = Schema["properties"]!["profiles"]!["maxItems"]!.GetValue<int>();

        public static List<string> Problems(JsonNode? root)
        {
            var problems = new List<string>();
            void Check(bool ok, string problem)
            {
                if (!ok) problems.Add(problem);
            }
            if (root is not JsonObject request)
            {
                problems.Add("the request is not an object");
                return problems;
            }
            Check(request.Select(p => p.Key).Order(StringComparer.Ordinal).SequenceEqual(["profiles", "schemaVersion"]), "the request has other keys than schemaVersion and profiles");
            Check(request["schemaVersion"] is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.GetValue<int>() == 1, "schemaVersion is not 1");
            if (request["profiles"] is not JsonArray profiles)
            {
                problems.Add("profiles is not a list");
                return problems;
            }
            Check(profiles.Count is >= 1 && profiles.Count <= MaxProfiles, $"{profiles.Count} profiles");
            for (var i = 0; i < profiles.Count; i++)
            {
                var at = $"profiles[{i}]";
                if (profiles[i] is not JsonObject profile)
                {
                    problems.Add($"{at} is not an object");
                    continue;
                }
                Check(profile.All(p => p.Key is "identities" or "audiences" or "attributes"), $"{at} has unknown keys");
                if (profile["identities"] is JsonObject identities)
                {
                    Check(identities.Count >= 1, $"{at}.identities is empty");
                    foreach (var (ns, ids) in identities)
                    {
                        Check(ns.Length is >= 1 and <= 128, $"{at}.identities namespace \"{ns}\" length");
                        Check(ids is JsonArray list && list.All(id => id is JsonValue s && s.GetValueKind() == JsonValueKind.String && s.GetValue<string>().Length <= 1024),
                            $"{at}.identities.{ns} is not a list of strings");
                    }
                }
                else problems.Add($"{at}.identities is not an object");
                if (profile["audiences"] is { } audiences)
                {
                    if (audiences is not JsonObject byNamespace)
                    {
                        problems.Add($"{at}.audiences is not an object");
                        continue;
                    }
                    foreach (var (ns, byId) in byNamespace)
                    {
                        if (byId is not JsonObject memberships)
                        {
                            problems.Add($"{at}.audiences.{ns} is not an object");
                            continue;
                        }
                        foreach (var (id, membership) in memberships)
                        {
                            Check(id.Length is >= 1 and <= 256, $"{at}.audiences.{ns} id \"{id}\" length");
                            Check(membership is JsonObject m
                                && m.All(p => p.Key is "status" or "qualifiedAt")
                                && m["status"] is JsonValue status && status.GetValueKind() == JsonValueKind.String && Statuses.Contains(status.GetValue<string>())
                                && (!m.ContainsKey("qualifiedAt") || m["qualifiedAt"] is null || m["qualifiedAt"]!.GetValueKind() == JsonValueKind.String),
                                $"{at}.audiences.{ns}.{id} is not a membership");
                        }
                    }
                }
                if (profile["attributes"] is { } attributes)
                {
                    Check(attributes is JsonObject a && a.All(p => p.Value is null || p.Value.GetValueKind() == JsonValueKind.String),
                        $"{at}.attributes is not an object of strings and nulls");
                }
            }
            return problems;
        }
    }
}
