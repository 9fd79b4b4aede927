using System.Text.Json.Nodes;
using DestinationKit.Simulator.Profiles;

namespace DestinationKit.Simulator.Tests.Streaming;

public class ProfileGeneratorTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static List<JsonObject> Generate(int seed, int count)
    {
        var generator = new ProfileGenerator(seed, "run");
        var audiences = ProfileGenerator.Audiences(3, "run");
        return [.. Enumerable.Range(0, count).Select(i => generator.Next(i, ["email_lc_sha256", "acme_id", "phone"], audiences, ["firstName", "city"], Now))];
    }

    [Fact]
    public void Profiles_look_like_aeps_target_schema_and_cover_the_awkward_cases()
    {
        var profiles = Generate(1, 300);

        Assert.All(profiles, p =>
        {
            var identities = (JsonObject)p["identityMap"]!;
            Assert.True(identities.ContainsKey("email_lc_sha256"));
            Assert.All(identities, e => Assert.All((JsonArray)e.Value!, i => Assert.False(string.IsNullOrEmpty((string?)i!["id"]))));
            Assert.NotEmpty((JsonObject)p["segmentMembership"]!["ups"]!);
        });
        var memberships = profiles.SelectMany(p => (JsonObject)p["segmentMembership"]!["ups"]!).Select(m => (JsonObject)m.Value!).ToList();
        Assert.Equal(["existing", "exited", "realized"], memberships.Select(m => (string)m["status"]!).Distinct().Order());
        Assert.Contains(memberships, m => !m.ContainsKey("lastQualificationTime"));
        Assert.All(memberships.Where(m => m.ContainsKey("lastQualificationTime")), m =>
            Assert.True(DateTimeOffset.Parse((string)m["lastQualificationTime"]!, System.Globalization.CultureInfo.InvariantCulture) <= Now));
        var values = profiles.SelectMany(p => (JsonObject)p["attributes"]!).Select(a => (string?)a.Value!["value"]).ToList();
        Assert.Contains(null, values); // absent attributes are {}
        Assert.Contains(values, v => v is not null && v.Contains('"', StringComparison.Ordinal));
        Assert.Contains(values, v => v is not null && v.Contains('\n', StringComparison.Ordinal));
        Assert.Contains(values, v => v is not null && v.Any(char.IsSurrogate));
        Assert.Contains(profiles, p => ((JsonArray)p["identityMap"]!["email_lc_sha256"]!).Count == 2);
        Assert.Contains(profiles, p => !((JsonObject)p["identityMap"]!).ContainsKey("phone"));
        // Identities are unique across profiles.
        var ids = profiles.SelectMany(p => ((JsonObject)p["identityMap"]!).SelectMany(e => ((JsonArray)e.Value!).Select(i => e.Key + "/" + (string)i!["id"]!))).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    [Fact]
    public void The_same_seed_gives_the_same_profiles()
    {
        Assert.Equal(Generate(5, 50).Select(p => p.ToJsonString()), Generate(5, 50).Select(p => p.ToJsonString()));
        Assert.NotEqual(Generate(5, 50).Select(p => p.ToJsonString()), Generate(6, 50).Select(p => p.ToJsonString()));
    }
}
