using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace DestinationKit.Simulator.Profiles;

/// <summary>An AEP audience (segment) the simulated customer activates.</summary>
public sealed record SampleAudience(string Id, string Name, string Description, string Namespace = "ups");

/// <summary>Realistic AEP profiles in the target-schema shape the request template receives (shared/AEP.md §1.2):
/// an identity map over the destination's namespaces, segment memberships realized, existing or exited with
/// <c>lastQualificationTime</c>, and freeform attributes (<c>{"value": ..}</c> or <c>{}</c>) holding awkward
/// characters. Deterministic for a seed.</summary>
public sealed class ProfileGenerator
{
    /// <summary>Values that break naive templates and parsers: quotes, backslashes, line breaks, control characters,
    /// emoji (surrogate pairs), non-ASCII letters, Pebble and HTML syntax, JSON escapes spelled out.</summary>
    public static readonly IReadOnlyList<string> AwkwardValues =
    [
        "Ad\u00e9la \"Ada\" O'Brien",
        "back\\slash \\\\ double",
        "line\nbreak\r\nand\ttab",
        "emoji \ud83d\ude00 \ud83d\udc68\u200d\ud83d\udc69\u200d\ud83d\udc67 family",
        "\u4e2d\u6587\u540d\u5b57 \u00c5ngstr\u00f6m \u0417\u0434\u0440\u0430\u0432\u0441\u0442\u0432\u0443\u0439",
        "pebble {{ input }} {% if x %}",
        "</script><b>&amp;</b>",
        "\\u0041 is not A",
        "ctrl\u0001\u001f and \u2028\u2029 separators",
        " leading and trailing ",
    ];

    private static readonly string[] FirstNames = ["Ada", "Grace", "Linus", "Zo\u00eb", "Bj\u00f6rn", "Siobh\u00e1n", "Ren\u00e9e", "Kenji"];

    private static readonly string[] Cities = ["Z\u00fcrich", "S\u00e3o Paulo", "Montr\u00e9al", "K\u00f8benhavn", "Reykjav\u00edk", "Boston"];

    private readonly Random random;
    private readonly string run;

    public ProfileGenerator(int seed, string? runId = null)
    {
        random = new Random(seed);
        run = runId ?? seed.ToString("x8", CultureInfo.InvariantCulture);
    }

    public static IReadOnlyList<SampleAudience> Audiences(int count, string runId)
    {
        var names = new[] { "Loyal \"VIP\" buyers", "Cart abandoners \\ last 7 days", "Sommer-K\u00e4ufer \u2600\ufe0f", "New\nsubscribers" };
        return [.. Enumerable.Range(0, count).Select(i => new SampleAudience(
            Id: DeterministicGuid($"{runId}/audience/{i}"),
            Name: $"{names[i % names.Length]} #{i + 1} ({runId})",
            Description: $"Simulated audience {i + 1}: caf\u00e9 \u00e9l\u00e8ves, quotes \" and \\ backslashes"))];
    }

    /// <summary>One profile. The first identity namespace always holds an id, so every profile is addressable.</summary>
    public JsonObject Next(int index, IReadOnlyList<string> namespaces, IReadOnlyList<SampleAudience> audiences,
        IReadOnlyList<string> attributeNames, DateTimeOffset now)
    {
        if (namespaces.Count == 0) throw new ArgumentException("the destination has no identity namespaces", nameof(namespaces));
        var identityMap = new JsonObject();
        for (var n = 0; n < namespaces.Count; n++)
        {
            var ns = namespaces[n];
            if (n > 0 && random.NextDouble() < 0.3) continue;
            var ids = new JsonArray();
            var count = n == 0 && random.NextDouble() < 0.25 ? 2 : 1;
            for (var k = 0; k < count; k++)
            {
                ids.Add(new JsonObject { ["id"] = IdentityValue(ns, index, k) });
            }
            identityMap[ns] = ids;
        }

        var memberships = new JsonObject();
        foreach (var audience in audiences)
        {
            if (random.NextDouble() < 0.35) continue;
            var roll = random.NextDouble();
            var status = roll < 0.55 ? "realized" : roll < 0.8 ? "existing" : "exited";
            var membership = new JsonObject { ["status"] = status };
            // AEP usually sends the qualification time; sometimes it does not.
            if (random.NextDouble() < 0.9)
            {
                membership["lastQualificationTime"] = now.AddSeconds(-random.Next(0, 86400 * 20))
                    .ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
            }
            if (memberships[audience.Namespace] is not JsonObject byNamespace)
            {
                byNamespace = [];
                memberships[audience.Namespace] = byNamespace;
            }
            byNamespace[audience.Id] = membership;
        }

        // AEP sends a profile because a mapped audience changed for it: every profile has a membership.
        if (memberships.Count == 0 && audiences.Count > 0)
        {
            var audience = audiences[random.Next(audiences.Count)];
            memberships[audience.Namespace] = new JsonObject
            {
                [audience.Id] = new JsonObject
                {
                    ["status"] = "realized",
                    ["lastQualificationTime"] = now.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                },
            };
        }

        var attributes = new JsonObject();
        for (var a = 0; a < attributeNames.Count; a++)
        {
            // Freeform attributes: {"value": ...} when present, {} when absent.
            attributes[attributeNames[a]] = random.NextDouble() < 0.15
                ? new JsonObject()
                : new JsonObject { ["value"] = AttributeValue(attributeNames[a], index, a) };
        }

        return new JsonObject { ["segmentMembership"] = memberships, ["identityMap"] = identityMap, ["attributes"] = attributes };
    }

    private string IdentityValue(string ns, int index, int k)
    {
        var basis = $"{run}-{index:D6}-{k}";
        if (ns.Contains("sha256", StringComparison.OrdinalIgnoreCase))
        {
            return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"user.{basis}@example.com")));
        }
        if (ns.Contains("email", StringComparison.OrdinalIgnoreCase))
        {
            return $"user.{basis}@example.com";
        }
        if (ns.Contains("phone", StringComparison.OrdinalIgnoreCase))
        {
            return "+1555" + ((uint)HashCode.Combine(run, index, k) % 10_000_000).ToString("D7", CultureInfo.InvariantCulture);
        }
        return $"{ns}-{basis}";
    }

    private string AttributeValue(string name, int index, int position)
    {
        // Every third profile carries an awkward value, so every run exercises escaping.
        if ((index + position) % 3 == 0)
        {
            return AwkwardValues[random.Next(AwkwardValues.Count)];
        }
        return name.ToLowerInvariant() switch
        {
            var n when n.Contains("city", StringComparison.Ordinal) => Cities[random.Next(Cities.Length)],
            var n when n.Contains("tier", StringComparison.Ordinal) => random.Next(3) switch { 0 => "gold", 1 => "silver", _ => "bronze" },
            _ => FirstNames[random.Next(FirstNames.Length)],
        };
    }

    internal static string DeterministicGuid(string text)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(text));
        return new Guid(hash.AsSpan(0, 16)).ToString();
    }
}
