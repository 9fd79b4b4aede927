using System.Net;

namespace DestinationKit.Ingestion.Tests.Reliability;

/// <summary>
/// The state builder keeps nothing of the values it has written (the hostile-input check found it caching the UTF-8 of
/// every attribute value, so large ones stayed in memory by the gigabyte). In the reliability collection: it measures
/// this process's heap, which other tests running alongside would disturb.
/// </summary>
[Collection(ReliabilityCollection.Name)]
public sealed class StateBuilderMemoryTests
{
    [Fact]
    public async Task Large_attribute_values_are_not_kept_after_they_are_written()
    {
        using var app = new TestApp();
        var client = app.ClientFor("memory");
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/v1/profiles", Json.Profiles(Json.Profile("e", "warm", "{}", """{"a":"b"}""")))).StatusCode);
        await app.CaughtUpAsync();
        var before = GC.GetTotalMemory(forceFullCollection: true);

        // 40 values of a million characters: 40 MB of UTF-8 written, about 120 MB if strings and bytes were kept.
        for (var i = 0; i < 40; i++)
        {
            var value = new string((char)('a' + (i % 26)), 1_000_000) + i;
            Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/v1/profiles", Json.Profiles(Json.Profile("e", "m" + i, "{}", $$"""{"big":"{{value}}"}""")))).StatusCode);
        }
        await app.CaughtUpAsync();
        var retained = GC.GetTotalMemory(forceFullCollection: true) - before;

        Assert.True(retained < 40_000_000, $"{retained / 1_000_000} MB stayed on the heap after writing 40 MB of attribute values");
        var profile = await (await client.GetAsync("/v1/profiles/e/m39")).ReadAsync();
        Assert.Equal(1_000_002, profile.GetProperty("attributes").GetProperty("big").GetString()!.Length);
    }
}
